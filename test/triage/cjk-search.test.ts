import { describe, expect, it } from 'vitest'
import { searchesCjk } from '../../src/mentions/filter.ts'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { webSession } from '../web/web-session.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
const source = await seedSource(t.sql, t.workspaceId, 'appstore', 'App Store CN')
const [exportCrash, syncSlow, japanese, korean, english] = await seedMentions(t.sql, t.workspaceId, source, [
  { text: '导出功能在大文件上崩溃了，请尽快修复', lang: 'zh', sentiment: 'negative' },
  { text: '同步太慢了，导出倒是没问题', lang: 'zh', sentiment: 'negative' },
  { text: 'CSVのエクスポートが失敗します', lang: 'ja', sentiment: 'negative' },
  { text: '내보내기 기능이 자주 멈춰요', lang: 'ko', sentiment: 'negative' },
  { text: 'The export crashes on big files', lang: 'en', sentiment: 'negative' },
])
const found = async (q: string) => ((await t.call('GET', `/v1/mentions?limit=50&q=${encodeURIComponent(q)}`)).data.items as { id: string }[]).map((m) => m.id).sort()

describe('search in Chinese, Japanese and Korean', () => {
  it('finds words inside runs of characters written without spaces', async () => {
    expect(await found('崩溃')).toEqual([exportCrash])
    expect(await found('导出')).toEqual([exportCrash, syncSlow].sort())
    expect(await found('导出 崩溃')).toEqual([exportCrash])
    expect(await found('エクスポート')).toEqual([japanese])
    expect(await found('내보내기')).toEqual([korean])
    // With a CJK run, every term is a substring to find, Latin ones too (case aside), or after a minus to be absent.
    expect(await found('csv エクスポート')).toEqual([japanese])
    expect(await found('导出 -同步')).toEqual([exportCrash])
    expect(await found('export')).toEqual([english])
    expect(await found('没有这个词')).toEqual([])
  })

  it('counts, exports and bulk-acts on the same mentions the list shows', async () => {
    const stats = await t.call('GET', `/v1/mentions/stats?q=${encodeURIComponent('导出')}`)
    expect(stats.data.total).toBe(2)
    const csv = await t.call('GET', `/v1/mentions/export?q=${encodeURIComponent('崩溃')}`)
    expect(String(csv.data)).toContain('导出功能在大文件上崩溃了')
    expect(String(csv.data)).not.toContain('同步太慢了')
    const bulk = await t.call('POST', '/v1/mentions/bulk', { body: { filter: { q: '同步' }, action: { addTags: ['sync'] } } })
    expect(bulk.data).toEqual({ matched: 1, updated: 1 })
    expect((await t.call('GET', `/v1/mentions/${syncSlow}`)).data.tags).toEqual(['sync'])
  })

  it('tells a CJK query from others, the marks written among kana included', () => {
    expect(['崩溃', 'エクスポート', 'ー', '내보내기', 'csv 导出'].map(searchesCjk)).toEqual([true, true, true, true, true])
    expect(['export', 'Ελληνικά', 'экспорт', '"crash" -slow'].map(searchesCjk)).toEqual([false, false, false, false])
  })

  it('marks what it found in the excerpt, escaped, starting near the first match', async () => {
    const long = '开头'.repeat(60)
    const [hostile] = await seedMentions(t.sql, t.workspaceId, source, [{ text: `${long}<b>卡顿</b> & 卡顿了 KaDun`, lang: 'zh', sentiment: 'negative' }])
    const page = await t.call('GET', `/v1/mentions?limit=50&q=${encodeURIComponent('卡顿 kadun')}`)
    expect(page.data.items.map((m: { id: string }) => m.id)).toEqual([hostile])
    const html: string = page.data.items[0].snippetHtml
    expect(html).toBe(`… 头${'开头'.repeat(10)}&lt;b&gt;<mark>卡顿</mark>&lt;/b&gt; &amp; <mark>卡顿</mark>了 <mark>KaDun</mark>`)
    const { cookie } = await webSession(t.app, ADMIN_KEY)
    const inbox = await (await t.app.request(`/app/inbox?q=${encodeURIComponent('卡顿')}`, { headers: { cookie } })).text()
    expect(inbox).toContain('&lt;b&gt;<mark>卡顿</mark>&lt;/b&gt;')
  })
})

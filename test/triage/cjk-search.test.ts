import { describe, expect, it } from 'vitest'
import { searchesCjk } from '../../src/mentions/filter.ts'
import { createTestApp } from '../helpers/app.ts'
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
})

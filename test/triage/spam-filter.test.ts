import { describe, expect, it } from 'vitest'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { postForm, webSession } from '../web/web-session.ts'

const t = await createTestApp()
const SPAMMY = 'FREE FOLLOWERS giveaway!!! promo code inside, click here http://bit.example/a http://bit.example/b'

/** A workspace of its own, with an api source, a rule that assigns everything and an alert on every mention. */
async function workspace() {
  const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: `spam-${crypto.randomUUID()}` } })
  const key = ws.data.key as string
  const call = (method: string, path: string, body?: unknown, as = key) => t.call(method, path, { key: as, body })
  const source = (await call('POST', '/v1/sources', { kind: 'api', name: 'Forum' })).data.id as string
  expect((await call('POST', '/v1/rules', { name: 'Everything to Dana', filter: {}, action: { assignee: 'dana' } })).status).toBe(201)
  const alert = (await call('POST', '/v1/alerts', { name: 'Every mention', kind: 'match', filter: {}, channels: [] })).data.id as string
  let n = 0
  const push = async (...items: { text: string; handle?: string }[]) => {
    const res = await call('POST', '/v1/mentions', {
      sourceId: source,
      items: items.map((i) => ({ externalId: `m${++n}`, platform: 'x', url: `https://x.example/${n}`, author: { handle: i.handle ?? 'ana' }, text: i.text, publishedAt: new Date().toISOString() })),
    })
    expect(res.status, JSON.stringify(res.data)).toBe(200)
    const rows = await t.sql<{ id: string; status: string; assignee: string | null }[]>`
      SELECT id, status, assignee FROM mentions WHERE source_id = ${source} AND external_id = ANY(${items.map((_, i) => `m${n - items.length + i + 1}`)}::text[]) ORDER BY external_id`
    return rows
  }
  const fired = async () => (await call('GET', `/v1/alerts/${alert}/events`)).data.items.length as number
  return { id: ws.data.id as string, key, call, push, fired }
}

describe('spam protection', () => {
  it('sends what scores as spam past rules and alerts into the spam view, and says why', async () => {
    const w = await workspace()
    const [fine, spam] = await w.push({ text: 'The export to CSV fails on big files' }, { text: SPAMMY })
    expect(fine).toMatchObject({ status: 'new', assignee: 'dana' })
    expect(spam).toMatchObject({ status: 'spam', assignee: null })
    expect(await w.fired()).toBe(1)
    const detail = (await w.call('GET', `/v1/mentions/${spam.id}`)).data
    expect(detail.history).toMatchObject([{ action: 'filtered_as_spam', changes: { spamScore: expect.any(Number) } }])
    expect(detail.spamScore).toBeGreaterThanOrEqual(0.9)
    expect((await w.call('GET', '/v1/mentions?status=spam')).data.items.map((m: { id: string }) => m.id)).toEqual([spam.id])
    // Reports count what people said: spam only when asked for.
    expect((await w.call('GET', '/v1/reports/mentions')).data.totals.total).toBe(1)
    expect((await w.call('GET', '/v1/reports/mentions?status=spam')).data.totals.total).toBe(1)

    // Turned off, scores decide nothing; a threshold below 0.5 is refused.
    expect((await w.call('PATCH', '/v1/workspaces/current/settings', { spamThreshold: 0.3 })).status).toBe(400)
    expect((await w.call('PATCH', '/v1/workspaces/current/settings', { spamThreshold: null })).data).toMatchObject({ spamThreshold: null })
    expect((await w.push({ text: SPAMMY }))[0].status).toBe('new')
  })

  it('blocks an author in any spelling: what they have waiting and what they post next is spam, until unblocked', async () => {
    const w = await workspace()
    const [waiting, done] = await w.push({ text: 'Buy my course', handle: 'Bob' }, { text: 'Old thread', handle: 'bob' })
    await w.call('PATCH', `/v1/mentions/${done.id}`, { status: 'resolved' })
    expect((await w.call('POST', '/v1/authors/block', { platform: 'x', handle: '@bob' }, await t.keyFor('viewer', w.id))).status).toBe(403)
    const blocked = await w.call('POST', '/v1/authors/block', { platform: 'X', handle: '@bob' })
    expect(blocked.status).toBe(200)
    expect(blocked.data).toMatchObject({ author: { platform: 'x', handle: '@bob' }, marked: 1 })
    const status = async (id: string) => (await t.sql`SELECT status FROM mentions WHERE id = ${id}`)[0].status
    expect([await status(waiting.id), await status(done.id)]).toEqual(['spam', 'resolved'])
    // Blocking again changes nothing.
    expect((await w.call('POST', '/v1/authors/block', { platform: 'x', handle: 'BOB' })).data).toMatchObject({ author: { id: blocked.data.author.id }, marked: 0 })

    const [next, other] = await w.push({ text: 'Follow me', handle: 'BOB' }, { text: 'Love the app', handle: 'carol' })
    expect([next.status, other.status]).toEqual(['spam', 'new'])
    expect((await w.call('GET', `/v1/mentions/${next.id}`)).data.history).toMatchObject([{ action: 'filtered_as_spam', changes: { blockedAuthor: true } }])
    expect(await w.fired()).toBe(1)

    const list = await w.call('GET', '/v1/authors/blocked')
    expect(list.data.items).toMatchObject([{ platform: 'x', handle: '@bob', blockedBy: expect.any(String) }])
    expect((await t.call('GET', '/v1/authors/blocked')).data.items).toEqual([])
    expect((await t.call('DELETE', `/v1/authors/blocked/${blocked.data.author.id}`)).status).toBe(404)
    expect((await w.call('DELETE', `/v1/authors/blocked/${blocked.data.author.id}`)).status).toBe(200)
    expect((await w.push({ text: 'Back again', handle: 'bob' }))[0].status).toBe('new')

    // Erasing an author forgets their block too.
    await w.call('POST', '/v1/authors/block', { platform: 'x', handle: 'bob' })
    expect((await w.call('POST', '/v1/authors/erase', { platform: 'x', handle: 'bob' })).status).toBe(200)
    expect((await w.call('GET', '/v1/authors/blocked')).data.items).toEqual([])
  })

  it('blocks from the inbox, and lets admins set the threshold and unblock in Settings', async () => {
    const w = await workspace()
    const [m] = await w.push({ text: 'Cheap likes here', handle: 'spam<b>bot</b>' })
    const web = await webSession(t.app, w.key, `/app/inbox?m=${m.id}`)
    const page = await (await t.app.request(`http://localhost/app/inbox?m=${m.id}`, { headers: { cookie: web.cookie } })).text()
    expect(page).toContain(`action="/app/inbox/${m.id}/block-author"`)
    expect(page).toContain('href="/app/inbox?status=spam">Spam</a>')
    const blocked = await postForm(t.app, web, `/app/inbox/${m.id}/block-author`, [])
    expect(blocked.headers.get('location')).toContain('notice=author-blocked')
    expect((await t.sql`SELECT status FROM mentions WHERE id = ${m.id}`)[0].status).toBe('spam')

    const settings = await (await t.app.request('http://localhost/app/settings', { headers: { cookie: web.cookie } })).text()
    expect(settings).toContain('spam&lt;b&gt;bot&lt;/b&gt;')
    expect(settings).toMatch(/<option value="0.9" selected="">/)
    const { id } = (await w.call('GET', '/v1/authors/blocked')).data.items[0]
    expect((await postForm(t.app, web, `/app/settings/blocked/${id}/delete`, [])).headers.get('location')).toContain('notice=author-unblocked')
    expect((await w.call('GET', '/v1/authors/blocked')).data.items).toEqual([])
    const saved = await postForm(t.app, web, '/app/settings/workspace', [['timeZone', 'UTC'], ['digestHour', '8'], ['spamThreshold', '0.7']])
    expect(saved.status).toBe(303)
    expect((await w.call('GET', '/v1/workspaces/current')).data.settings.spamThreshold).toBe(0.7)
  })
})

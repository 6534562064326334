import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { webSession } from '../web/web-session.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
const BULK = 2_345
let forum = ''
let special: string[] = []

const rowsOf = (csv: string) => parse(csv, { bom: true, columns: true }) as Record<string, string>[]

beforeAll(async () => {
  forum = await seedSource(t.sql, t.workspaceId, 'discourse', 'Community forum')
  // More rows than one cursor batch (1,000), written in one statement.
  await t.sql`
    INSERT INTO mentions (workspace_id, source_id, external_id, kind, url, author_handle, body, lang, published_at, content_hash, sentiment_label, priority, status)
    SELECT ${t.workspaceId}, ${forum}, 'bulk-' || i, 'discourse', 'https://forum.example.com/t/' || i, 'member' || i, 'post number ' || i, 'en',
           timestamptz '2026-10-01' + i * interval '1 minute', 'bulk-hash-' || i, CASE WHEN i % 3 = 0 THEN 'negative' ELSE 'neutral' END, 0.5, 'new'
    FROM generate_series(1, ${BULK}) i`
  const outage = 'The sync service has been down for three hours this morning'
  special = await seedMentions(t.sql, t.workspaceId, forum, [
    { text: '=HYPERLINK("https://evil.example","click")', handle: '@formula', sentiment: 'negative', publishedAt: new Date('2026-11-02T10:00:00Z') },
    { text: 'line one, with a comma\nline two with "quotes"', handle: 'multi', tags: ['vip', 'billing'], publishedAt: new Date('2026-11-02T11:00:00Z') },
    { text: outage, sentiment: 'negative', publishedAt: new Date('2026-11-02T12:00:00Z') },
  ])
  // The same post again elsewhere: grouped under the first by the insert trigger (sql/004).
  const reddit = await seedSource(t.sql, t.workspaceId, 'reddit', 'Reddit')
  special.push(...(await seedMentions(t.sql, t.workspaceId, reddit, [
    { text: `RT @someone: ${outage.toUpperCase()} https://t.co/abc`, sentiment: 'negative', publishedAt: new Date('2026-11-02T13:00:00Z') },
  ])))
  const other = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'export-other' } })
  const theirs = await seedSource(t.sql, other.data.id, 'reddit')
  await seedMentions(t.sql, other.data.id, theirs, [{ text: 'another workspace says hello', sentiment: 'negative' }])
})

describe('GET /v1/mentions/export', () => {
  it('streams every matching mention as CSV, newest first, copies included, past one cursor batch', async () => {
    const res = await t.call('GET', '/v1/mentions/export', { key: await t.keyFor('viewer') })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="mentions-\d{4}-\d\d-\d\d\.csv"$/)
    const rows = rowsOf(res.data)
    const [{ n }] = await t.sql`SELECT count(*)::int AS n FROM mentions WHERE workspace_id = ${t.workspaceId}`
    expect(rows).toHaveLength(n)
    expect(rows.length).toBeGreaterThan(BULK)
    expect(Object.keys(rows[0])).toEqual([
      'id', 'published_at', 'source', 'kind', 'platform', 'url', 'author_handle', 'author_name', 'author_followers', 'title', 'text', 'lang',
      'rating', 'app_version', 'sentiment', 'intents', 'urgent', 'priority', 'status', 'assignee', 'tags', 'customer_id', 'duplicate_of',
    ])
    const times = rows.map((r) => Date.parse(r.published_at))
    expect(times).toEqual([...times].sort((a, b) => b - a))
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length)
    expect(rows.some((r) => r.text.includes('another workspace'))).toBe(false)
    expect(new Set(rows.map((r) => r.urgent))).toEqual(new Set(['false']))
    const copy = rows.find((r) => r.text.startsWith('RT @someone'))!
    expect(copy.duplicate_of).toBe(special[2])
  })

  it('keeps what people wrote intact and defuses spreadsheet formulas', async () => {
    const rows = rowsOf((await t.call('GET', '/v1/mentions/export?since=2026-11-01T00:00:00Z')).data)
    expect(rows).toHaveLength(4)
    const byId = new Map(rows.map((r) => [r.id, r]))
    expect(byId.get(special[0])).toMatchObject({ text: `'=HYPERLINK("https://evil.example","click")`, author_handle: "'@formula", source: 'Community forum', sentiment: 'negative' })
    expect(byId.get(special[1])).toMatchObject({ text: 'line one, with a comma\nline two with "quotes"', tags: 'vip;billing' })
  })

  it('gives its connection back when the download stops half way', async () => {
    // More abandoned downloads than the pool has connections (8): a cursor left open would hold one each, and
    // the next download would wait for a connection until the test times out.
    for (let i = 0; i < 25; i++) {
      const res = await t.app.request('/v1/mentions/export', { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
      const reader = res.body!.getReader()
      expect((await reader.read()).done).toBe(false)
      await reader.cancel()
    }
    expect((await t.call('GET', '/v1/mentions?limit=1')).status).toBe(200)
  })

  it('takes the inbox filters and sort', async () => {
    const negative = rowsOf((await t.call('GET', '/v1/mentions/export?sentiment=negative&sort=priority')).data)
    const [{ n }] = await t.sql`SELECT count(*)::int AS n FROM mentions WHERE workspace_id = ${t.workspaceId} AND effective_sentiment = 'negative'`
    expect(negative).toHaveLength(n)
    expect(negative.every((r) => r.sentiment === 'negative')).toBe(true)
    expect((await t.call('GET', '/v1/mentions/export?sentiment=furious')).status).toBe(400)
    expect((await t.call('GET', '/v1/mentions/export', { key: null })).status).toBe(401)
  })

  it('exports what the web inbox shows, from a link on the page', async () => {
    const s = await webSession(t.app, await t.keyFor('viewer'))
    const page = await (await t.app.request('http://localhost/app/inbox?sentiment=negative', { headers: { cookie: s.cookie } })).text()
    expect(page).toContain('href="/app/inbox/export?sentiment=negative&amp;sort=priority"')
    const res = await t.app.request('http://localhost/app/inbox/export?sentiment=negative&q=sync', { headers: { cookie: s.cookie } })
    expect(res.status).toBe(200)
    const rows = rowsOf(await res.text())
    expect(rows.map((r) => r.text).sort()).toEqual([`RT @someone: THE SYNC SERVICE HAS BEEN DOWN FOR THREE HOURS THIS MORNING https://t.co/abc`, 'The sync service has been down for three hours this morning'])
  })
})

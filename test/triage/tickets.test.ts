import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
let reddit: string
let hn: string
let m: string[]

beforeAll(async () => {
  reddit = await seedSource(t.sql, t.workspaceId, 'reddit')
  hn = await seedSource(t.sql, t.workspaceId, 'hackernews')
  await t.call('POST', '/v1/customers', { body: { name: 'Alice Ltd', externalRef: 'a', value: 50000, identities: [{ kind: 'reddit', value: 'alice' }] } })
  await t.call('POST', '/v1/customers', { body: { name: 'Erin', externalRef: 'e', value: 1200, identities: [{ kind: 'hackernews', value: 'erin' }] } })
  const day = 86_400_000
  m = [
    ...(await seedMentions(t.sql, t.workspaceId, reddit, [
      { handle: 'alice', text: 'The export button crashes the app', sentiment: 'negative', publishedAt: new Date(Date.now() - 1 * day) },
      { handle: 'bob', text: 'Export to CSV is broken', sentiment: 'negative', publishedAt: new Date(Date.now() - 2 * day) },
      { handle: 'alice', text: 'Still crashing on export', sentiment: 'negative', publishedAt: new Date(Date.now() - 3 * day) },
    ])),
    ...(await seedMentions(t.sql, t.workspaceId, hn, [
      { handle: 'erin', text: 'Export crashed again', sentiment: 'neutral', publishedAt: new Date(Date.now() - 40 * day) },
    ])),
  ]
})

describe('tickets', () => {
  it("counts a ticket's weeks as the workspace's time zone has them", async () => {
    const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'tickets-shanghai' } })
    const key = ws.data.key
    await t.call('PATCH', '/v1/workspaces/current/settings', { key, body: { timeZone: 'Asia/Shanghai' } })
    // A Sunday 17:00 UTC a week or more ago: 01:00 on Monday in Shanghai, so in that Monday's week there.
    const sunday = new Date(Date.now() - 7 * 86_400_000)
    sunday.setUTCDate(sunday.getUTCDate() - sunday.getUTCDay())
    sunday.setUTCHours(17, 0, 0, 0)
    const monday = new Date(sunday.getTime() + 86_400_000).toISOString().slice(0, 10)
    const source = await seedSource(t.sql, ws.data.id, 'reddit')
    const [id] = await seedMentions(t.sql, ws.data.id, source, [{ text: 'Export broke overnight', publishedAt: sunday }])
    const tk = await t.call('POST', '/v1/tickets', { key, body: { title: 'Export broke' } })
    await t.call('POST', `/v1/tickets/${tk.data.id}/links`, { key, body: { mentionIds: [id] } })
    const weekly = (await t.call('GET', `/v1/tickets/${tk.data.id}`, { key })).data.weekly as { week: string; count: number }[]
    expect(weekly.filter((w) => w.count > 0)).toEqual([{ week: monday, count: 1 }])
  })

  it('links mentions and shows counts, customers affected, value, sentiment, sources and a weekly series', async () => {
    const tk = await t.call('POST', '/v1/tickets', { body: { title: 'Export crashes', external: { provider: 'github', key: 'acme/app#42', url: 'https://github.com/acme/app/issues/42' } } })
    expect(tk.status).toBe(201)
    expect(tk.data).toMatchObject({ status: 'open', mentionCount: 0, external: { provider: 'github', key: 'acme/app#42' } })
    const ln = await t.call('POST', `/v1/tickets/${tk.data.id}/links`, { body: { mentionIds: m } })
    expect(ln.status).toBe(201)
    expect(ln.data.items).toHaveLength(4)
    expect((await t.call('POST', `/v1/tickets/${tk.data.id}/links`, { body: { mentionIds: [m[0]] } })).data.items).toHaveLength(0)
    const d = (await t.call('GET', `/v1/tickets/${tk.data.id}`)).data
    expect(d).toMatchObject({ mentionCount: 4, responseCount: 0, customerCount: 2, value: 51200, sentiment: { negative: 3, neutral: 1, positive: 0 } })
    expect(d.sources).toEqual([
      { sourceId: reddit, name: 'reddit source', kind: 'reddit', count: 3 },
      { sourceId: hn, name: 'hackernews source', kind: 'hackernews', count: 1 },
    ])
    expect(d.weekly.reduce((s: number, w: { count: number }) => s + w.count, 0)).toBe(4)
    expect(d.weekly.length).toBeGreaterThanOrEqual(6)
    expect(new Date(d.firstSeen) < new Date(d.lastSeen)).toBe(true)

    const mention = await t.call('GET', `/v1/mentions/${m[0]}`)
    expect(mention.data.tickets).toEqual([{ id: tk.data.id, title: 'Export crashes', status: 'open', linkId: expect.any(String) }])
    expect((await t.call('GET', `/v1/mentions?ticket=${tk.data.id}`)).data.items).toHaveLength(4)

    const del = await t.call('DELETE', `/v1/tickets/${tk.data.id}/links/${mention.data.tickets[0].linkId}`)
    expect(del.status).toBe(204)
    expect((await t.call('GET', `/v1/tickets/${tk.data.id}`)).data.mentionCount).toBe(3)
  })

  it('lets one mention support several tickets, and links at creation', async () => {
    const a = await t.call('POST', '/v1/tickets', { body: { title: 'CSV export empty', mentionIds: [m[1]] } })
    const b = await t.call('POST', '/v1/tickets', { body: { title: 'Data export', mentionIds: [m[1]] } })
    expect(a.data.mentionCount).toBe(1)
    expect(b.data.mentionCount).toBe(1)
    expect((await t.call('GET', `/v1/mentions/${m[1]}`)).data.tickets).toHaveLength(3)
  })

  it('lists "ready to follow up" mentions once a ticket is done', async () => {
    const tk = await t.call('POST', '/v1/tickets', { body: { title: 'Follow me', mentionIds: [m[2]] } })
    expect((await t.call('GET', '/v1/mentions?followUp=true')).data.items).toHaveLength(0)
    await t.call('PATCH', `/v1/tickets/${tk.data.id}`, { body: { status: 'done' } })
    expect((await t.call('GET', '/v1/mentions?followUp=true')).data.items.map((x: { id: string }) => x.id)).toEqual([m[2]])
    await t.call('PATCH', `/v1/mentions/${m[2]}`, { body: { status: 'resolved' } })
    expect((await t.call('GET', '/v1/mentions?followUp=true')).data.items).toHaveLength(0)
  })

  it('validates input and rejects unknown ids', async () => {
    expect((await t.call('POST', '/v1/tickets', { body: { title: '' } })).status).toBe(400)
    expect((await t.call('POST', '/v1/tickets', { body: { title: 'x', external: { provider: 'trello' } } })).status).toBe(400)
    expect((await t.call('POST', '/v1/tickets', { body: { title: 'x', mentionIds: ['00000000-0000-4000-8000-000000000000'] } })).status).toBe(404)
    expect((await t.call('GET', '/v1/tickets/nope')).status).toBe(400)
    const viewer = await t.keyFor('viewer')
    expect((await t.call('POST', '/v1/tickets', { key: viewer, body: { title: 'x' } })).status).toBe(403)
  })
})

describe('events', () => {
  it('announces mention and ticket changes to webhooks that listen', async () => {
    const hook = await t.call('POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/earshot', events: ['mention.updated', 'ticket.updated'] } })
    expect(hook.status).toBe(201)
    const count = async (type: string) =>
      (await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM webhook_deliveries WHERE event_type = ${type}`)[0].n
    await t.call('PATCH', `/v1/mentions/${m[0]}`, { body: { tags: ['export'] } })
    await t.call('POST', '/v1/mentions/bulk', { body: { ids: [m[1], m[2]], action: { assignee: 'kim' } } })
    expect(await count('mention.updated')).toBe(3)
    const tk = await t.call('POST', '/v1/tickets', { body: { title: 'Announced', mentionIds: [m[3]] } })
    await t.call('PATCH', `/v1/tickets/${tk.data.id}`, { body: { status: 'done' } })
    expect(await count('ticket.updated')).toBe(1)
    await t.call('DELETE', `/v1/webhooks/${hook.data.id}`)
  })
})

describe('issue report', () => {
  it('ranks tickets with period numbers and change vs the previous period, as JSON and RFC 4180 CSV', async () => {
    await t.call('POST', '/v1/tickets', { body: { title: '=HYPERLINK("http://evil","click")', mentionIds: [m[3]] } })
    const json = await t.call('GET', '/v1/reports/issues?sort=value')
    expect(json.status).toBe(200)
    const top = json.data.items[0]
    expect(top).toMatchObject({ title: 'Export crashes', mentions: 2, customers: 1, value: 50000, previous: 1, change: 1, changePct: 100 })
    const res = await t.app.request('/v1/reports/issues?format=csv', { headers: { authorization: `Bearer ${(await t.keyFor('viewer'))}` } })
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/)
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder().decode(bytes)
    expect(text).toContain('\r\n')
    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[]
    expect(rows.find((r) => r.title === 'Export crashes')).toMatchObject({ mentions: '2', customers_affected: '1', value: '50000' })
    expect(rows.some((r) => r.title === `'=HYPERLINK("http://evil","click")`)).toBe(true)
    expect((await t.call('GET', '/v1/reports/issues?since=2026-01-02&until=2026-01-01')).status).toBe(400)
    expect((await t.call('GET', '/v1/reports/issues?sort=loudness')).status).toBe(400)
  })

  it('every sort gives the same rows and numbers, each ordered by its own key', async () => {
    type Row = { ticketId: string; mentions: number; customers: number; value: number; change: number }
    const sorts = { mentions: 'mentions', customers: 'customers', value: 'value', trend: 'change' } as const
    const reports = await Promise.all(Object.keys(sorts).map((s) => t.call('GET', `/v1/reports/issues?sort=${s}`)))
    const byId = (rows: Row[]) => [...rows].sort((a, b) => a.ticketId.localeCompare(b.ticketId))
    const first = reports[0].data.items as Row[]
    expect(first.length).toBeGreaterThan(1)
    Object.values(sorts).forEach((key, i) => {
      const items = reports[i].data.items as Row[]
      expect(byId(items)).toEqual(byId(first))
      for (let j = 1; j < items.length; j++) expect(items[j - 1][key]).toBeGreaterThanOrEqual(items[j][key])
    })
  })
})

describe('suggestions', () => {
  it('clusters similar unlinked complaints deterministically, and a cluster becomes a ticket in one call', async () => {
    const src = await seedSource(t.sql, t.workspaceId, 'appstore')
    await seedMentions(t.sql, t.workspaceId, src, [
      { text: 'Login keeps failing with a password error', sentiment: 'negative', intents: ['bug_report'] },
      { text: 'Cannot login, password error every time', sentiment: 'negative', intents: ['bug_report'] },
      { text: 'login password error again today', sentiment: 'negative' },
      { text: 'Please add a calendar integration with Google', intents: ['feature_request'] },
      { text: 'Would love Google calendar integration', intents: ['feature_request'] },
      { text: 'Lovely design, no complaints', sentiment: 'positive', intents: ['praise'] },
    ])
    const first = await t.call('GET', '/v1/tickets/suggestions')
    expect(first.status).toBe(200)
    const second = await t.call('GET', '/v1/tickets/suggestions')
    expect(second.data).toEqual(first.data)
    const login = first.data.items.find((s: { keywords: string[] }) => s.keywords.includes('login'))
    expect(login.size).toBe(3)
    const calendar = first.data.items.find((s: { keywords: string[] }) => s.keywords.includes('calendar'))
    expect(calendar.size).toBe(2)
    const created = await t.call('POST', '/v1/tickets', { body: { title: login.title, mentionIds: login.mentionIds } })
    expect(created.data.mentionCount).toBe(3)
    const after = await t.call('GET', '/v1/tickets/suggestions')
    expect(after.data.items.find((s: { keywords: string[] }) => s.keywords.includes('login'))).toBeUndefined()
  })
})

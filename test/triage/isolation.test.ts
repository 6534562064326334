import { beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
const a: Record<string, string> = {}
let keyB: string
let wsB: string

beforeAll(async () => {
  const src = await seedSource(t.sql, t.workspaceId, 'reddit')
  ;[a.mention, a.dup] = await seedMentions(t.sql, t.workspaceId, src, [
    { handle: 'alice', text: 'Export crashes constantly and I lose all of my work every single time', sentiment: 'negative', intents: ['bug_report'] },
    { handle: 'alicia', text: 'Export crashes constantly and I lose all of my work every single time!!', sentiment: 'negative', intents: ['bug_report'] },
  ])
  a.customer = (await t.call('POST', '/v1/customers', { body: { name: 'Alice', externalRef: 'a-1', identities: [{ kind: 'reddit', value: 'alice' }] } })).data.id
  a.ticket = (await t.call('POST', '/v1/tickets', { body: { title: 'Export crashes', mentionIds: [a.mention] } })).data.id
  a.link = (await t.call('GET', `/v1/tickets/${a.ticket}`)).data.links[0].id
  a.view = (await t.call('POST', '/v1/views', { body: { name: 'negative', filter: { sentiment: ['negative'] } } })).data.id
  await t.call('POST', `/v1/mentions/${a.mention}/notes`, { body: { body: 'secret note' } })
  const ws = await t.call('POST', '/v1/workspaces', { body: { name: 'tenant-b' } })
  keyB = ws.data.key
  wsB = ws.data.id
})

describe('tenant isolation: a key of workspace B never reads or changes workspace A', () => {
  it('answers 404 for every id of A, whatever the method', async () => {
    const probes: [string, string, unknown?][] = [
      ['GET', `/v1/mentions/${a.mention}`],
      ['GET', `/v1/mentions/${a.mention}/history`],
      ['PATCH', `/v1/mentions/${a.mention}`, { status: 'spam' }],
      ['POST', `/v1/mentions/${a.mention}/notes`, { body: 'hi' }],
      ['POST', `/v1/mentions/${a.mention}/translation`, { to: 'en' }],
      ['POST', `/v1/mentions/${a.mention}/customer`, { customerId: null }],
      ['DELETE', `/v1/mentions/${a.mention}/customer`],
      ['GET', `/v1/customers/${a.customer}`],
      ['PATCH', `/v1/customers/${a.customer}`, { name: 'pwned' }],
      ['GET', `/v1/customers/${a.customer}/timeline`],
      ['GET', `/v1/customers/${a.customer}/export`],
      ['DELETE', `/v1/customers/${a.customer}`],
      ['DELETE', `/v1/customers/${a.customer}?erase=true`],
      ['GET', `/v1/tickets/${a.ticket}`],
      ['PATCH', `/v1/tickets/${a.ticket}`, { status: 'done' }],
      ['POST', `/v1/tickets/${a.ticket}/links`, { mentionIds: [a.mention] }],
      ['DELETE', `/v1/tickets/${a.ticket}/links/${a.link}`],
      ['DELETE', `/v1/tickets/${a.ticket}`],
      ['GET', `/v1/views/${a.view}`],
      ['DELETE', `/v1/views/${a.view}`],
    ]
    const leaks: string[] = []
    for (const [method, path, body] of probes) {
      const res = await t.call(method, path, { key: keyB, body })
      if (res.status !== 404) leaks.push(`${method} ${path} → ${res.status}`)
    }
    expect(leaks).toEqual([])
  })

  it('cannot pull A rows into B through links, manual links, bulk actions or filters', async () => {
    const ticketB = (await t.call('POST', '/v1/tickets', { key: keyB, body: { title: 'B ticket' } })).data.id
    expect((await t.call('POST', `/v1/tickets/${ticketB}/links`, { key: keyB, body: { mentionIds: [a.mention] } })).status).toBe(404)
    expect((await t.call('POST', '/v1/tickets', { key: keyB, body: { title: 'x', mentionIds: [a.mention] } })).status).toBe(404)
    const srcB = await seedSource(t.sql, wsB, 'reddit')
    const [mB] = await seedMentions(t.sql, wsB, srcB, [{ handle: 'alice', text: 'same handle, other tenant' }])
    expect((await t.call('GET', `/v1/mentions/${mB}`, { key: keyB })).data.customerId).toBeNull()
    expect((await t.call('POST', `/v1/mentions/${mB}/customer`, { key: keyB, body: { customerId: a.customer } })).status).toBe(404)
    expect((await t.call('POST', '/v1/mentions/bulk', { key: keyB, body: { ids: [a.mention], action: { status: 'spam' } } })).data).toEqual({ matched: 0, updated: 0 })
    expect((await t.call('POST', '/v1/mentions/bulk', { key: keyB, body: { filter: {}, action: { status: 'spam' } } })).data.matched).toBe(1)
    expect((await t.call('GET', `/v1/mentions?customer=${a.customer}`, { key: keyB })).data.items).toEqual([])
    expect((await t.call('GET', `/v1/mentions?ticket=${a.ticket}`, { key: keyB })).data.items).toEqual([])
    const [{ status }] = await t.sql`SELECT status FROM mentions WHERE id = ${a.mention}`
    expect(status).toBe('new')
  })

  it('shows B empty lists, counts, reports and suggestions', async () => {
    const lists = await Promise.all(
      ['/v1/mentions?q=export', '/v1/customers', '/v1/views', '/v1/tickets/suggestions'].map((p) => t.call('GET', p, { key: keyB })),
    )
    for (const l of lists) expect(l.data.items).toEqual([])
    const tickets = await t.call('GET', '/v1/tickets', { key: keyB })
    expect(tickets.data.items.map((x: { title: string }) => x.title)).not.toContain('Export crashes')
    const stats = await t.call('GET', '/v1/mentions/stats?q=export', { key: keyB })
    expect(stats.data.total).toBe(0)
    const report = await t.call('GET', '/v1/reports/issues', { key: keyB })
    expect(report.data.items.map((x: { title: string }) => x.title)).not.toContain('Export crashes')
    expect(JSON.stringify(report.data)).not.toContain(a.ticket)
  })

  it('left everything of A as it was', async () => {
    const m = await t.call('GET', `/v1/mentions/${a.mention}`)
    expect(m.data).toMatchObject({ status: 'new', customerId: a.customer, notes: [{ body: 'secret note' }] })
    expect((await t.call('GET', `/v1/tickets/${a.ticket}`)).data).toMatchObject({ status: 'open', mentionCount: 1 })
    expect((await t.call('GET', `/v1/customers/${a.customer}`)).data.name).toBe('Alice')
  })
})

describe('roles', () => {
  it('viewers read everything but change nothing; agents triage; only admins import, delete or erase customers', async () => {
    const viewer = await t.keyFor('viewer')
    const agent = await t.keyFor('agent')
    for (const p of ['/v1/mentions', '/v1/mentions/stats', '/v1/customers', '/v1/tickets', '/v1/views', '/v1/reports/issues', `/v1/tickets/${a.ticket}`]) {
      expect((await t.call('GET', p, { key: viewer })).status, p).toBe(200)
    }
    const writes: [string, string, unknown?][] = [
      ['PATCH', `/v1/mentions/${a.mention}`, { status: 'open' }],
      ['POST', '/v1/mentions/bulk', { ids: [a.mention], action: { status: 'open' } }],
      ['POST', `/v1/mentions/${a.mention}/notes`, { body: 'x' }],
      ['POST', '/v1/views', { name: 'v', filter: {} }],
      ['POST', '/v1/tickets', { title: 'x' }],
      ['POST', '/v1/customers', { name: 'x' }],
    ]
    for (const [method, path, body] of writes) expect((await t.call(method, path, { key: viewer, body })).status, `${method} ${path}`).toBe(403)
    expect((await t.call('POST', `/v1/mentions/${a.mention}/notes`, { key: agent, body: { body: 'agent note' } })).status).toBe(201)
    expect((await t.call('POST', '/v1/views', { key: agent, body: { name: 'mine', filter: { assignee: 'unassigned', since: '24h' } } })).status).toBe(201)
    for (const [method, path] of [['DELETE', `/v1/customers/${a.customer}`], ['DELETE', `/v1/customers/${a.customer}?erase=true`], ['GET', `/v1/customers/${a.customer}/export`]]) {
      expect((await t.call(method, path, { key: agent })).status, `${method} ${path}`).toBe(403)
    }
    expect((await t.call('POST', '/v1/customers/import', { key: agent, body: [] })).status).toBe(403)
  })
})

describe('saved views', () => {
  it('saves a filter with relative time that the list accepts as is, and refuses duplicate names', async () => {
    const v = await t.call('POST', '/v1/views', { body: { name: 'hot', filter: { sentiment: 'negative', assignee: 'unassigned', since: '24h' }, sort: 'newest' } })
    expect(v.status).toBe(201)
    expect(v.data.filter).toEqual({ sentiment: ['negative'], assignee: 'unassigned', since: '24h' })
    expect((await t.call('POST', '/v1/views', { body: { name: 'hot', filter: {} } })).status).toBe(409)
    expect((await t.call('POST', '/v1/views', { body: { name: 'bad', filter: { mood: 'x' } } })).status).toBe(400)
    const listed = await t.call('GET', '/v1/views')
    expect(listed.data.items.map((x: { name: string }) => x.name)).toContain('hot')
    const f = v.data.filter
    const page = await t.call('GET', `/v1/mentions?sentiment=${f.sentiment.join(',')}&assignee=${f.assignee}&since=${f.since}&sort=${v.data.sort}`)
    expect(page.status).toBe(200)
    expect((await t.call('DELETE', `/v1/views/${v.data.id}`)).status).toBe(204)
    expect((await t.call('GET', `/v1/views/${v.data.id}`)).status).toBe(404)
  })
})

describe('OpenAPI', () => {
  it('documents the triage routes', async () => {
    const doc = await t.call('GET', '/openapi.json', { key: null })
    expect(doc.status).toBe(200)
    for (const p of ['/v1/mentions', '/v1/mentions/{id}', '/v1/mentions/bulk', '/v1/customers/import', '/v1/tickets/{id}/links', '/v1/reports/issues', '/v1/views']) {
      expect(Object.keys(doc.data.paths)).toContain(p)
    }
  })
})

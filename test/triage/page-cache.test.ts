// Inbox pages are kept in memory under the workspace's inbox generation, which
// writes move in PostgreSQL (sql/014). A kept page must never outlive a
// change, whoever makes it: this API, another server, the CLI, plain SQL.
import { beforeAll, describe, expect, it } from 'vitest'
import { pinTimeBounds } from '../../src/mentions/filter.ts'
import { createPageCache } from '../../src/mentions/page-cache.ts'
import { createTestApp } from '../helpers/app.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
let ids: string[] = []
let otherWorkspace = ''
let otherMention = ''

beforeAll(async () => {
  const src = await seedSource(t.sql, t.workspaceId, 'reddit')
  ids = await seedMentions(t.sql, t.workspaceId, src, [
    { text: 'the export crashes every time', priority: 0.9, sentiment: 'negative' },
    { text: 'love the new dashboard', priority: 0.5, sentiment: 'positive' },
    { text: 'how do I change my plan?', priority: 0.2 },
  ])
  const ws = await t.call('POST', '/v1/workspaces', { body: { name: 'page-cache-other' } })
  otherWorkspace = ws.data.id
  const otherSrc = await seedSource(t.sql, otherWorkspace, 'reddit')
  ;[otherMention] = await seedMentions(t.sql, otherWorkspace, otherSrc, [{ text: 'another tenant entirely' }])
})

const inbox = async (query = '') => {
  const res = await t.call('GET', `/v1/mentions?limit=50${query}`)
  expect(res.status, JSON.stringify(res.data)).toBe(200)
  return res.data.items as { id: string; status: string; text: string }[]
}

/** A cache over the test database whose builds are counted. */
function countedCache(maxChars = 1_000_000) {
  const cache = createPageCache(t.sql, { maxChars })
  let builds = 0
  const get = (workspaceId: string, key: string) => cache.get(workspaceId, key, async () => `page ${key} #${++builds}`)
  return { get, builds: () => builds }
}

describe('inbox pages over HTTP', () => {
  it('show a change made behind the API at the next read', async () => {
    expect((await inbox()).map((m) => m.id)).toEqual(ids)
    await inbox()
    // As another server or `earshot reclassify` would: straight to PostgreSQL.
    await t.sql`UPDATE mentions SET priority = 0.1 WHERE id = ${ids[0]}`
    expect((await inbox()).map((m) => m.id)).toEqual([ids[1], ids[2], ids[0]])
    await t.sql`UPDATE mentions SET priority = 0.9 WHERE id = ${ids[0]}`
  })

  it('show an agent their own triage at once', async () => {
    expect((await inbox('&status=new')).map((m) => m.id)).toContain(ids[1])
    const patched = await t.call('PATCH', `/v1/mentions/${ids[1]}`, { body: { status: 'resolved' } })
    expect(patched.status).toBe(200)
    expect((await inbox('&status=new')).map((m) => m.id)).not.toContain(ids[1])
    expect((await inbox()).find((m) => m.id === ids[1])?.status).toBe('resolved')
  })

  it('follow ticket links and ticket status, which the ticket and followUp filters read', async () => {
    const ticket = await t.call('POST', '/v1/tickets', { body: { title: 'Export crash' } })
    expect(ticket.status).toBe(201)
    expect(await inbox(`&ticket=${ticket.data.id}`)).toEqual([])
    expect(await inbox('&followUp=true')).toEqual([])
    const link = await t.call('POST', `/v1/tickets/${ticket.data.id}/links`, { body: { mentionIds: [ids[0]] } })
    expect(link.status).toBe(201)
    expect((await inbox(`&ticket=${ticket.data.id}`)).map((m) => m.id)).toEqual([ids[0]])
    await t.sql`UPDATE tickets SET status = 'done' WHERE id = ${ticket.data.id}`
    expect((await inbox('&followUp=true')).map((m) => m.id)).toEqual([ids[0]])
  })

  it('show a deleted mention gone', async () => {
    const src = await seedSource(t.sql, t.workspaceId, 'rss')
    const [gone] = await seedMentions(t.sql, t.workspaceId, src, [{ text: 'posted by mistake', priority: 0.95 }])
    expect((await inbox())[0].id).toBe(gone)
    await t.sql`DELETE FROM mentions WHERE id = ${gone}`
    expect((await inbox()).map((m) => m.id)).not.toContain(gone)
  })
})

describe('the page cache', () => {
  it('builds a page once while nothing changes, and again after any write to the workspace', async () => {
    const c = countedCache()
    expect(await c.get(t.workspaceId, 'a')).toBe('page a #1')
    expect(await c.get(t.workspaceId, 'a')).toBe('page a #1')
    expect(await c.get(t.workspaceId, 'b')).toBe('page b #2')
    await t.sql`UPDATE mentions SET tags = '{checked}' WHERE id = ${ids[2]}`
    expect(await c.get(t.workspaceId, 'a')).toBe('page a #3')
    expect(c.builds()).toBe(3)
  })

  it('keeps a workspace’s pages when another workspace changes', async () => {
    const c = countedCache()
    await c.get(t.workspaceId, 'a')
    await c.get(otherWorkspace, 'a')
    await t.sql`UPDATE mentions SET status = 'open' WHERE id = ${otherMention}`
    expect(await c.get(t.workspaceId, 'a')).toBe('page a #1')
    expect(await c.get(otherWorkspace, 'a')).toBe('page a #3')
  })

  it('moves the generation only when the write commits', async () => {
    const c = countedCache()
    await c.get(t.workspaceId, 'a')
    await t.sql.begin(async (tx) => {
      await tx`UPDATE mentions SET assignee = 'kim' WHERE id = ${ids[2]}`
      // Not committed yet: other readers still see the old rows, and the old page is right for them.
      expect(await c.get(t.workspaceId, 'a')).toBe('page a #1')
    })
    expect(await c.get(t.workspaceId, 'a')).toBe('page a #2')
    await t.sql.begin(async (tx) => {
      await tx`UPDATE mentions SET assignee = NULL WHERE id = ${ids[2]}`
      throw new Error('roll back')
    }).catch(() => {})
    expect(await c.get(t.workspaceId, 'a')).toBe('page a #2')
  })

  it('shares one build between readers asking at once', async () => {
    const c = countedCache()
    expect(await Promise.all([c.get(t.workspaceId, 'x'), c.get(t.workspaceId, 'x'), c.get(t.workspaceId, 'x')])).toEqual(['page x #1', 'page x #1', 'page x #1'])
    expect(c.builds()).toBe(1)
  })

  it('forgets the least recently used pages past its size', async () => {
    // Each page is 9 characters: room for two.
    const c = countedCache(20)
    await c.get(t.workspaceId, 'a')
    await c.get(t.workspaceId, 'b')
    await c.get(t.workspaceId, 'a')
    await c.get(t.workspaceId, 'c')
    expect(await c.get(t.workspaceId, 'a')).toBe('page a #1')
    expect(await c.get(t.workspaceId, 'b')).toBe('page b #4')
  })

  it('lets a workspace with mentions be deleted', async () => {
    const ws = await t.call('POST', '/v1/workspaces', { body: { name: 'page-cache-deleted' } })
    const src = await seedSource(t.sql, ws.data.id, 'reddit')
    await seedMentions(t.sql, ws.data.id, src, [{ text: 'soon gone' }])
    await t.sql`DELETE FROM workspaces WHERE id = ${ws.data.id}`
    expect(await t.sql`SELECT 1 FROM inbox_generations WHERE workspace_id = ${ws.data.id}`).toHaveLength(0)
  })
})

describe('pinTimeBounds', () => {
  const now = new Date('2026-12-06T10:00:07.500Z')
  it('turns relative bounds into times rounded down to the grain', () => {
    expect(pinTimeBounds({ since: '24h', until: '90m', status: ['new'] }, now, 10_000)).toEqual({
      since: '2026-12-05T10:00:00.000Z',
      until: '2026-12-06T08:30:00.000Z',
      status: ['new'],
    })
  })
  it('leaves absolute bounds and absent ones as they are', () => {
    expect(pinTimeBounds({ since: '2026-01-01T00:00:00Z' }, now, 10_000)).toEqual({ since: '2026-01-01T00:00:00Z' })
    expect(pinTimeBounds({}, now, 10_000)).toEqual({})
  })
})

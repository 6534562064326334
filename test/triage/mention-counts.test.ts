// The inbox counts come from counts that every write keeps (sql/015) when the
// filter is on status, sentiment or source only. They must always equal
// counting the mentions themselves, whoever writes: the API, bulk actions,
// ingestion's duplicate grouping, plain SQL, deletes, rolled-back work.
import { beforeAll, describe, expect, it } from 'vitest'
import { mentionStats, type MentionStats } from '../../src/mentions/stats.ts'
import type { MentionFilter } from '../../src/mentions/filter.ts'
import { createTestApp } from '../helpers/app.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
let reddit = ''
let hn = ''
let ids: string[] = []

const canonical = (s: MentionStats) => ({
  total: s.total,
  byStatus: Object.fromEntries(Object.entries(s.byStatus).sort()),
  bySentiment: Object.fromEntries(Object.entries(s.bySentiment).sort()),
  bySource: s.bySource,
})

/** The kept counts, and the same filter counted row by row (a priority bound every mention meets forces the scan). */
async function bothWays(filter: MentionFilter, workspaceId = t.workspaceId) {
  const kept = canonical(await mentionStats(t.deps, workspaceId, filter))
  const scanned = canonical(await mentionStats(t.deps, workspaceId, { ...filter, minPriority: 0 }))
  return { kept, scanned }
}

const FILTERS = (): MentionFilter[] => [
  {},
  { status: ['new', 'open'] },
  { status: ['resolved'] },
  { sentiment: ['negative'] },
  { source: [hn] },
  { status: ['new', 'open'], sentiment: ['negative', 'neutral'], source: [reddit] },
]

async function expectCountsMatch(workspaceId = t.workspaceId) {
  for (const filter of FILTERS()) {
    const { kept, scanned } = await bothWays(filter, workspaceId)
    expect(kept, JSON.stringify(filter)).toEqual(scanned)
  }
}

beforeAll(async () => {
  reddit = await seedSource(t.sql, t.workspaceId, 'reddit')
  hn = await seedSource(t.sql, t.workspaceId, 'hackernews')
  const outage = 'The sync service has been down for three hours this morning'
  ids = [
    ...(await seedMentions(t.sql, t.workspaceId, reddit, [
      { text: outage, sentiment: 'negative' },
      { text: 'love the new dashboard', sentiment: 'positive' },
      { text: 'how do I change my plan?' },
      { text: 'export to csv is broken again', sentiment: 'negative', status: 'open' },
    ])),
    // A repost of the first: grouped under it by the insert trigger (sql/004).
    ...(await seedMentions(t.sql, t.workspaceId, hn, [
      { text: `RT @someone: ${outage.toUpperCase()} https://t.co/abc`, sentiment: 'negative' },
      { text: 'pricing page is confusing', sentiment: 'negative' },
    ])),
  ]
})

describe('kept mention counts', () => {
  it('are what the stats read: a stray delta shows in them and not in a scan', async () => {
    const before = await bothWays({})
    expect(before.kept.total).toBe(5)
    await t.sql`INSERT INTO mention_counts (workspace_id, status, effective_sentiment, source_id, n) VALUES (${t.workspaceId}, 'new', 'negative', ${reddit}, 7)`
    const after = await bothWays({})
    expect(after.kept.total).toBe(12)
    expect(after.scanned.total).toBe(5)
    await t.sql`INSERT INTO mention_counts (workspace_id, status, effective_sentiment, source_id, n) VALUES (${t.workspaceId}, 'new', 'negative', ${reddit}, -7)`
    await expectCountsMatch()
  })

  it('count a duplicate only where its first copy is filtered out', async () => {
    const [dup] = await t.sql<{ duplicate_of: string }[]>`SELECT duplicate_of FROM mentions WHERE id = ${ids[4]}`
    expect(dup.duplicate_of).toBe(ids[0])
    expect((await mentionStats(t.deps, t.workspaceId, { source: [hn] })).total).toBe(2)
    expect((await mentionStats(t.deps, t.workspaceId, {})).total).toBe(5)
    await expectCountsMatch()
  })

  it('follow triage through the API, bulk actions and overrides', async () => {
    expect((await t.call('PATCH', `/v1/mentions/${ids[0]}`, { body: { status: 'resolved' } })).status).toBe(200)
    await expectCountsMatch()
    expect((await t.call('PATCH', `/v1/mentions/${ids[1]}`, { body: { sentiment: 'negative' } })).status).toBe(200)
    await expectCountsMatch()
    const bulk = await t.call('POST', '/v1/mentions/bulk', { body: { filter: { sentiment: ['negative'] }, action: { status: 'in_progress' } } })
    expect(bulk.status).toBe(200)
    await expectCountsMatch()
    expect((await t.call('PATCH', `/v1/mentions/${ids[1]}`, { body: { sentiment: null } })).status).toBe(200)
    await expectCountsMatch()
  })

  it('follow plain SQL: updates, a leader leaving, deletes, and work rolled back', async () => {
    await t.sql`UPDATE mentions SET status = 'spam', source_id = ${hn} WHERE id = ${ids[2]}`
    await expectCountsMatch()
    // Deleting a first copy turns its copies into mentions of their own (ON DELETE SET NULL).
    await t.sql`DELETE FROM mentions WHERE id = ${ids[0]}`
    expect((await t.sql`SELECT duplicate_of FROM mentions WHERE id = ${ids[4]}`)[0].duplicate_of).toBeNull()
    await expectCountsMatch()
    await t.sql
      .begin(async (tx) => {
        await tx`UPDATE mentions SET status = 'ignored' WHERE workspace_id = ${t.workspaceId}`
        throw new Error('rolled back')
      })
      .catch((err: Error) => expect(err.message).toBe('rolled back'))
    await expectCountsMatch()
  })

  it('follow writers in parallel, and fold into one row per key without changing a count', async () => {
    await Promise.all(
      Array.from({ length: 4 }, (_, w) => seedMentions(t.sql, t.workspaceId, w % 2 ? reddit : hn, Array.from({ length: 25 }, (_, i) => ({ text: `parallel writer ${w} mention ${i}`, sentiment: i % 3 ? 'positive' : 'negative' })))),
    )
    await expectCountsMatch()
    const before = await mentionStats(t.deps, t.workspaceId, {})
    await t.sql`SELECT earshot_fold_mention_counts(${t.workspaceId})`
    const [{ rows, keys }] = await t.sql<{ rows: number; keys: number }[]>`
      SELECT count(*)::int AS rows, count(DISTINCT (status, effective_sentiment, source_id))::int AS keys FROM mention_counts WHERE workspace_id = ${t.workspaceId}`
    expect(rows).toBe(keys)
    expect(await mentionStats(t.deps, t.workspaceId, {})).toEqual(before)
    await expectCountsMatch()
  })

  it('are per workspace, and go with their workspace', async () => {
    const ws = await t.call('POST', '/v1/workspaces', { body: { name: 'counts-other' } })
    const other = ws.data.id as string
    const src = await seedSource(t.sql, other, 'reddit')
    const repost = 'another tenant reports the sync service down since this morning'
    await seedMentions(t.sql, other, src, [{ text: repost }, { text: 'and another' }])
    await seedMentions(t.sql, other, src, [{ text: `RT @someone: ${repost.toUpperCase()} https://t.co/abc` }])
    expect((await mentionStats(t.deps, other, {})).total).toBe(2)
    await expectCountsMatch(other)
    await expectCountsMatch()
    await t.sql`DELETE FROM workspaces WHERE id = ${other}`
    expect((await t.sql`SELECT count(*)::int AS n FROM mention_counts WHERE workspace_id = ${other}`)[0].n).toBe(0)
    await expectCountsMatch()
  })
})

describe('counts over HTTP, kept like inbox pages', () => {
  const stats = async (query = '') => {
    const res = await t.call('GET', `/v1/mentions/stats${query}`)
    expect(res.status, JSON.stringify(res.data)).toBe(200)
    return res.data as MentionStats
  }

  it('show a change made behind the API at the next read, and a renamed source at once', async () => {
    const before = await stats('?status=new,open')
    expect(await stats('?status=new,open')).toEqual(before)
    const [target] = await t.sql<{ id: string }[]>`
      SELECT id FROM mentions WHERE workspace_id = ${t.workspaceId} AND status IN ('new', 'open') AND duplicate_of IS NULL LIMIT 1`
    await t.sql`UPDATE mentions SET status = 'resolved' WHERE id = ${target.id}`
    expect((await stats('?status=new,open')).total).toBe(before.total - 1)
    await t.sql`UPDATE sources SET name = 'renamed feed' WHERE id = ${hn}`
    expect((await stats('?status=new,open')).bySource.find((s) => s.sourceId === hn)?.name).toBe('renamed feed')
  })

  it('are kept until a mention changes: a delta written behind the triggers shows only after the next change', async () => {
    const before = await stats()
    await t.sql`INSERT INTO mention_counts (workspace_id, status, effective_sentiment, source_id, n) VALUES (${t.workspaceId}, 'new', 'negative', ${reddit}, 3)`
    expect((await stats()).total).toBe(before.total)
    const [m] = await t.sql<{ id: string }[]>`SELECT id FROM mentions WHERE workspace_id = ${t.workspaceId} AND duplicate_of IS NULL LIMIT 1`
    await t.sql`UPDATE mentions SET priority = priority WHERE id = ${m.id}`
    expect((await stats()).total).toBe(before.total + 3)
    await t.sql`INSERT INTO mention_counts (workspace_id, status, effective_sentiment, source_id, n) VALUES (${t.workspaceId}, 'new', 'negative', ${reddit}, -3)`
  })
})

// Counts for the inbox header, over exactly what the list shows.
import { aggregating } from '../db/aggregate.ts'
import type { Sql } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import { andAll, mentionFilterSql, pinTimeBounds, type MentionFilter } from './filter.ts'
import { hideDuplicatesSql } from './list.ts'
import { TIME_GRAIN_MS, type PageCache } from './page-cache.ts'

export interface MentionStats {
  total: number
  byStatus: Record<string, number>
  bySentiment: Record<string, number>
  bySource: { sourceId: string; name: string; kind: string; count: number }[]
}

/** Filters the kept counts can answer: they are kept by exactly these (sql/015_mention_counts.sql). */
const COUNTED_KEYS = new Set<string>(['status', 'sentiment', 'source'])

/** What is kept: counts with sources by id (their names are read per request, so a renamed source shows at once). */
interface MentionCounts {
  total: number
  byStatus: Record<string, number>
  bySentiment: Record<string, number>
  bySource: { sourceId: string; count: number }[]
}

/**
 * Counts what the list shows for `filter`. Filters on status, sentiment and
 * source only (the inbox's own views) add up the kept counts plus the
 * duplicates that are listed; any other filter counts the matching mentions.
 */
async function countMentions(sql: Sql, workspaceId: string, filter: MentionFilter): Promise<MentionCounts> {
  const matches = mentionFilterSql(sql, workspaceId, filter)
  const listed = hideDuplicatesSql(sql, workspaceId, filter)
  const kept = Object.entries(filter).every(([key, value]) => value === undefined || COUNTED_KEYS.has(key))
  const counted = kept
    ? sql`(SELECT m.status, m.effective_sentiment, m.source_id, m.n FROM mention_counts m WHERE ${matches}
        UNION ALL
        SELECT m.status, m.effective_sentiment, m.source_id, 1 FROM mentions m WHERE ${matches} AND m.duplicate_of IS NOT NULL AND ${listed})`
    : sql`(SELECT m.status, m.effective_sentiment, m.source_id, 1 AS n FROM mentions m WHERE ${andAll(sql, [matches, listed])})`
  const rows = await aggregating(sql, (tx) => tx<{ status: string | null; sentiment: string | null; source_id: string | null; n: number; g: number }[]>`
    SELECT m.status, m.effective_sentiment AS sentiment, m.source_id, sum(m.n)::int AS n,
           GROUPING(m.status, m.effective_sentiment, m.source_id)::int AS g
    FROM ${counted} m
    GROUP BY GROUPING SETS ((m.status), (m.effective_sentiment), (m.source_id), ())`)
  const counts: MentionCounts = { total: 0, byStatus: {}, bySentiment: {}, bySource: [] }
  for (const r of rows) {
    if (r.g === 7) counts.total = r.n ?? 0
    // Kept counts of a key can add up to nothing (every one of them resolved, say); a scan would not list it.
    else if (!r.n) continue
    // GROUPING sets a bit for each column rolled up: status 4, sentiment 2, source 1.
    else if (r.g === 3) counts.byStatus[r.status!] = r.n
    else if (r.g === 5) counts.bySentiment[r.sentiment!] = r.n
    else if (r.g === 6) counts.bySource.push({ sourceId: r.source_id!, count: r.n })
  }
  return counts
}

/**
 * The inbox header's counts for `filter`. With `inbox`, they are kept there
 * like inbox pages, under the workspace's inbox generation, so a team's
 * screens on the same view share one count until a mention changes.
 */
export async function mentionStats(deps: Deps, workspaceId: string, filter: MentionFilter, inbox?: PageCache): Promise<MentionStats> {
  const { sql } = deps
  let counts: MentionCounts
  if (inbox) {
    const pinned = pinTimeBounds(filter, deps.clock(), TIME_GRAIN_MS)
    counts = JSON.parse(await inbox.get(workspaceId, `stats ${JSON.stringify(pinned)}`, async () => JSON.stringify(await countMentions(sql, workspaceId, pinned))))
  } else {
    counts = await countMentions(sql, workspaceId, filter)
  }
  if (counts.bySource.length === 0) return { ...counts, bySource: [] }
  const sources = await sql<{ id: string; name: string; kind: string }[]>`
    SELECT id, name, kind FROM sources WHERE workspace_id = ${workspaceId} AND id = ANY(${counts.bySource.map((s) => s.sourceId)}::uuid[])`
  const byId = new Map(sources.map((s) => [s.id, s]))
  const bySource = counts.bySource
    .map((s) => ({ ...s, name: byId.get(s.sourceId)?.name ?? '', kind: byId.get(s.sourceId)?.kind ?? '' }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name) || a.sourceId.localeCompare(b.sourceId))
  return { ...counts, bySource }
}

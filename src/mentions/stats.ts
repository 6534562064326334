// Counts for the inbox header, over exactly what the list shows.
import type { Deps } from '../deps.ts'
import { andAll, mentionFilterSql, type MentionFilter } from './filter.ts'
import { hideDuplicatesSql } from './list.ts'

export interface MentionStats {
  total: number
  byStatus: Record<string, number>
  bySentiment: Record<string, number>
  bySource: { sourceId: string; name: string; kind: string; count: number }[]
}

/** Filters the kept counts can answer: they are kept by exactly these (sql/015_mention_counts.sql). */
const COUNTED_KEYS = new Set<string>(['status', 'sentiment', 'source'])

/**
 * Counts what the list shows for `filter`. Filters on status, sentiment and
 * source only (the inbox's own views) add up the kept counts plus the
 * duplicates that are listed; any other filter counts the matching mentions.
 */
export async function mentionStats(deps: Deps, workspaceId: string, filter: MentionFilter): Promise<MentionStats> {
  const { sql } = deps
  const matches = mentionFilterSql(sql, workspaceId, filter)
  const listed = hideDuplicatesSql(sql, workspaceId, filter)
  const kept = Object.entries(filter).every(([key, value]) => value === undefined || COUNTED_KEYS.has(key))
  const counted = kept
    ? sql`(SELECT m.status, m.effective_sentiment, m.source_id, m.n FROM mention_counts m WHERE ${matches}
        UNION ALL
        SELECT m.status, m.effective_sentiment, m.source_id, 1 FROM mentions m WHERE ${matches} AND m.duplicate_of IS NOT NULL AND ${listed})`
    : sql`(SELECT m.status, m.effective_sentiment, m.source_id, 1 AS n FROM mentions m WHERE ${andAll(sql, [matches, listed])})`
  const rows = await sql<{ status: string | null; sentiment: string | null; source_id: string | null; n: number; g: number }[]>`
    SELECT m.status, m.effective_sentiment AS sentiment, m.source_id, sum(m.n)::int AS n,
           GROUPING(m.status, m.effective_sentiment, m.source_id)::int AS g
    FROM ${counted} m
    GROUP BY GROUPING SETS ((m.status), (m.effective_sentiment), (m.source_id), ())`
  const stats: MentionStats = { total: 0, byStatus: {}, bySentiment: {}, bySource: [] }
  const sourceCounts: { sourceId: string; count: number }[] = []
  for (const r of rows) {
    if (r.g === 7) stats.total = r.n ?? 0
    // Kept counts of a key can add up to nothing (every one of them resolved, say); a scan would not list it.
    else if (!r.n) continue
    // GROUPING sets a bit for each column rolled up: status 4, sentiment 2, source 1.
    else if (r.g === 3) stats.byStatus[r.status!] = r.n
    else if (r.g === 5) stats.bySentiment[r.sentiment!] = r.n
    else if (r.g === 6) sourceCounts.push({ sourceId: r.source_id!, count: r.n })
  }
  if (sourceCounts.length > 0) {
    const sources = await sql<{ id: string; name: string; kind: string }[]>`
      SELECT id, name, kind FROM sources WHERE workspace_id = ${workspaceId} AND id = ANY(${sourceCounts.map((s) => s.sourceId)}::uuid[])`
    const byId = new Map(sources.map((s) => [s.id, s]))
    stats.bySource = sourceCounts
      .map((s) => ({ ...s, name: byId.get(s.sourceId)?.name ?? '', kind: byId.get(s.sourceId)?.kind ?? '' }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name) || a.sourceId.localeCompare(b.sourceId))
  }
  return stats
}

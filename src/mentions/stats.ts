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

export async function mentionStats(deps: Deps, workspaceId: string, filter: MentionFilter): Promise<MentionStats> {
  const { sql } = deps
  const where = andAll(sql, [mentionFilterSql(sql, workspaceId, filter), hideDuplicatesSql(sql, workspaceId, filter)])
  const rows = await sql<{ status: string | null; sentiment: string | null; source_id: string | null; n: number; g: number }[]>`
    SELECT m.status, m.effective_sentiment AS sentiment, m.source_id, count(*)::int AS n,
           GROUPING(m.status, m.effective_sentiment, m.source_id)::int AS g
    FROM mentions m WHERE ${where}
    GROUP BY GROUPING SETS ((m.status), (m.effective_sentiment), (m.source_id), ())`
  const stats: MentionStats = { total: 0, byStatus: {}, bySentiment: {}, bySource: [] }
  const sourceCounts: { sourceId: string; count: number }[] = []
  for (const r of rows) {
    if (r.g === 7) stats.total = r.n
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
      .sort((a, b) => b.count - a.count)
  }
  return stats
}

// Read-only aggregates for the dashboard that no API exposes: mentions per day
// by effective sentiment, share of voice by source, top intents. Each query is
// scoped to the workspace and bounded to a window so it stays on the indexes.
import type { Deps } from '../deps.ts'
import { SENTIMENT_LABELS, type SentimentLabel } from '../enrich/index.ts'

export interface DailySentiment {
  days: string[]
  counts: Record<SentimentLabel, number[]>
}

const DAY_MS = 86_400_000
const isoDay = (d: Date) => d.toISOString().slice(0, 10)

/** One entry per day of the window (zeros included, so charts don't skip days). */
export async function countMentionsByDay(deps: Deps, workspaceId: string, days: number): Promise<DailySentiment> {
  const end = deps.clock()
  const start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate()) - (days - 1) * DAY_MS)
  const rows = await deps.sql<{ day: string; sentiment: SentimentLabel; n: number }[]>`
    SELECT to_char(date_trunc('day', published_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
           coalesce(sentiment_override, sentiment_label) AS sentiment, count(*)::int AS n
    FROM mentions
    WHERE workspace_id = ${workspaceId} AND published_at >= ${start} AND duplicate_of IS NULL
    GROUP BY 1, 2`
  const dayList = Array.from({ length: days }, (_, i) => isoDay(new Date(start.getTime() + i * DAY_MS)))
  const index = new Map(dayList.map((d, i) => [d, i]))
  const counts = Object.fromEntries(SENTIMENT_LABELS.map((s) => [s, dayList.map(() => 0)])) as Record<SentimentLabel, number[]>
  for (const r of rows) {
    const i = index.get(r.day)
    if (i !== undefined && counts[r.sentiment]) counts[r.sentiment][i] = r.n
  }
  return { days: dayList, counts }
}

/** Mentions per source in the window, largest first. */
export async function countMentionsBySource(deps: Deps, workspaceId: string, days: number) {
  const since = new Date(deps.clock().getTime() - days * DAY_MS)
  return deps.sql<{ id: string; name: string; kind: string; n: number }[]>`
    SELECT s.id, s.name, s.kind, count(m.id)::int AS n
    FROM sources s JOIN mentions m ON m.source_id = s.id AND m.workspace_id = ${workspaceId}
      AND m.published_at >= ${since} AND m.duplicate_of IS NULL
    WHERE s.workspace_id = ${workspaceId}
    GROUP BY s.id ORDER BY n DESC, s.name LIMIT 12`
}

/** Intent labels by count in the window (human overrides win over the model). */
export async function countMentionsByIntent(deps: Deps, workspaceId: string, days: number) {
  const since = new Date(deps.clock().getTime() - days * DAY_MS)
  return deps.sql<{ intent: string; n: number }[]>`
    SELECT i.intent, count(*)::int AS n
    FROM mentions m CROSS JOIN LATERAL (
      SELECT jsonb_array_elements_text(m.intents_override) AS intent WHERE m.intents_override IS NOT NULL
      UNION ALL
      SELECT e->>'label' FROM jsonb_array_elements(m.intents) e WHERE m.intents_override IS NULL
    ) i
    WHERE m.workspace_id = ${workspaceId} AND m.published_at >= ${since} AND m.duplicate_of IS NULL
      AND i.intent IS NOT NULL AND i.intent <> 'other'
    GROUP BY i.intent ORDER BY n DESC LIMIT 8`
}

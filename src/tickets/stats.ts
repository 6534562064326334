// The numbers that make a ticket's case: how many people, worth how much,
// how they feel, where they said it, and whether it is growing.
import type postgres from 'postgres'
import type { Sql, Tx } from '../db/sql.ts'
import type { TicketStats } from './schema.ts'

const SERIES_WEEKS = 26

/** `timeZone`: the workspace's, whose Mondays start the weekly series. */
export async function ticketStats(sql: Sql | Tx, workspaceId: string, ticketId: string, timeZone: string): Promise<TicketStats> {
  const week = (t: postgres.Fragment) => sql`date_trunc('week', ${t} AT TIME ZONE ${timeZone})`
  const evidence = sql`
    SELECT m.published_at AS at, m.customer_id, m.effective_sentiment AS sentiment, m.source_id, true AS is_mention
    FROM ticket_links l JOIN mentions m ON m.id = l.mention_id
    WHERE l.workspace_id = ${workspaceId} AND l.ticket_id = ${ticketId}
    UNION ALL
    SELECT r.responded_at, r.customer_id, r.sentiment_label, NULL, false
    FROM ticket_links l JOIN survey_responses r ON r.id = l.response_id
    WHERE l.workspace_id = ${workspaceId} AND l.ticket_id = ${ticketId}`
  // One statement reads the evidence once for every number (it was three, each reading it again).
  const [totals] = await sql<{
    mentions: number; responses: number; customers: number; value: number; positive: number; neutral: number; negative: number
    first: Date | null; last: Date | null; sources: TicketStats['sources']; weekly: TicketStats['weekly']
  }[]>`
    WITH e AS MATERIALIZED (${evidence}),
    weeks AS (
      SELECT generate_series(
        greatest(${week(sql`(SELECT min(at) FROM e)`)}, ${week(sql`now()`)} - ${SERIES_WEEKS - 1} * interval '1 week'),
        ${week(sql`greatest(now(), (SELECT max(at) FROM e))`)}, interval '1 week') AS week
    )
    SELECT count(*) FILTER (WHERE is_mention)::int AS mentions, count(*) FILTER (WHERE NOT is_mention)::int AS responses,
      count(DISTINCT customer_id)::int AS customers,
      coalesce((SELECT sum(c.value) FROM customers c WHERE c.id IN (SELECT customer_id FROM e)), 0)::float8 AS value,
      count(*) FILTER (WHERE sentiment = 'positive')::int AS positive, count(*) FILTER (WHERE sentiment = 'neutral')::int AS neutral,
      count(*) FILTER (WHERE sentiment = 'negative')::int AS negative, min(at) AS first, max(at) AS last,
      (SELECT coalesce(json_agg(json_build_object('sourceId', s.id, 'name', s.name, 'kind', s.kind, 'count', s.count) ORDER BY s.count DESC, s.name), '[]')
        FROM (SELECT s.id, s.name, s.kind, count(*)::int AS count FROM e JOIN sources s ON s.id = e.source_id GROUP BY s.id) s) AS sources,
      (SELECT coalesce(json_agg(json_build_object('week', w.week, 'count', w.count) ORDER BY w.week), '[]')
        FROM (SELECT to_char(w.week, 'YYYY-MM-DD') AS week, count(e.at)::int AS count
              FROM weeks w LEFT JOIN e ON ${week(sql`e.at`)} = w.week GROUP BY w.week) w) AS weekly
    FROM e`
  return {
    mentionCount: totals.mentions,
    responseCount: totals.responses,
    customerCount: totals.customers,
    value: totals.value,
    sentiment: { positive: totals.positive, neutral: totals.neutral, negative: totals.negative },
    sources: totals.sources,
    firstSeen: totals.first,
    lastSeen: totals.last,
    weekly: totals.weekly,
  }
}

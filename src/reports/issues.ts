// The issue report: one row per ticket with its evidence in a period, the
// customers affected and their value, and the change against the previous
// period of equal length.
import { z } from '@hono/zod-openapi'
import { toCsv } from './csv.ts'
import type { Deps } from '../deps.ts'
import { badRequest } from '../errors.ts'
import { TICKET_STATUSES } from '../tickets/schema.ts'

export const REPORT_SORTS = ['mentions', 'customers', 'value', 'trend'] as const

export const ReportQuery = z.strictObject({
  since: z.iso.datetime({ offset: true }).or(z.iso.date()).optional().openapi({ description: 'Default: 30 days before `until`' }),
  until: z.iso.datetime({ offset: true }).or(z.iso.date()).optional().openapi({ description: 'Default: now' }),
  status: z
    .preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(z.enum(TICKET_STATUSES)).min(1))
    .optional(),
  sort: z.enum(REPORT_SORTS).default('mentions'),
  format: z.enum(['json', 'csv']).default('json'),
})
export type ReportQuery = z.infer<typeof ReportQuery>

export const IssueRowSchema = z
  .object({
    ticketId: z.uuid(),
    title: z.string(),
    status: z.enum(TICKET_STATUSES),
    externalProvider: z.string().nullable(),
    externalKey: z.string().nullable(),
    externalUrl: z.string().nullable(),
    mentions: z.number().int(),
    responses: z.number().int(),
    customers: z.number().int(),
    value: z.number(),
    negative: z.number().int(),
    previous: z.number().int().openapi({ description: 'Mentions + responses in the previous period of equal length' }),
    change: z.number().int().openapi({ description: '(mentions + responses) − previous' }),
    changePct: z.number().nullable(),
    firstSeen: z.date().nullable(),
    lastSeen: z.date().nullable(),
  })
  .openapi('IssueReportRow')
export type IssueRow = z.infer<typeof IssueRowSchema>

const DAY = 86_400_000

export async function issueReport(deps: Deps, workspaceId: string, q: ReportQuery): Promise<{ since: Date; until: Date; items: IssueRow[] }> {
  const until = q.until ? new Date(q.until) : deps.clock()
  const since = q.since ? new Date(q.since) : new Date(until.getTime() - 30 * DAY)
  if (!(since < until)) throw badRequest('since must be before until')
  const previousStart = new Date(since.getTime() - (until.getTime() - since.getTime()))
  const { sql } = deps
  const order = {
    mentions: sql`mentions DESC, customers DESC`,
    customers: sql`customers DESC, mentions DESC`,
    value: sql`value DESC, customers DESC`,
    trend: sql`change DESC, mentions DESC`,
  }[q.sort]
  const rows = await sql<IssueRow[]>`
    WITH ev AS (
      SELECT l.ticket_id, l.at, m.customer_id, m.effective_sentiment AS sentiment, true AS is_mention
      FROM ticket_links l JOIN mentions m ON m.id = l.mention_id
      WHERE l.workspace_id = ${workspaceId} AND l.at >= ${since} AND l.at < ${until}
      UNION ALL
      SELECT l.ticket_id, l.at, r.customer_id, r.sentiment_label, false
      FROM ticket_links l JOIN survey_responses r ON r.id = l.response_id
      WHERE l.workspace_id = ${workspaceId} AND l.at >= ${since} AND l.at < ${until}
    ), cur AS (
      SELECT ticket_id, count(*) FILTER (WHERE is_mention)::int AS mentions, count(*) FILTER (WHERE NOT is_mention)::int AS responses,
        count(DISTINCT customer_id)::int AS customers, count(*) FILTER (WHERE sentiment = 'negative')::int AS negative,
        min(at) AS first_seen, max(at) AS last_seen
      FROM ev GROUP BY ticket_id
    ), prev AS (
      -- The previous period only needs counts, which the links alone answer.
      SELECT ticket_id, count(*)::int AS previous FROM ticket_links
      WHERE workspace_id = ${workspaceId} AND at >= ${previousStart} AND at < ${since} GROUP BY ticket_id
    ), val AS (
      SELECT x.ticket_id, sum(c.value)::float8 AS value
      FROM (SELECT DISTINCT ticket_id, customer_id FROM ev WHERE customer_id IS NOT NULL) x
      JOIN customers c ON c.id = x.customer_id GROUP BY x.ticket_id
    )
    SELECT * FROM (
      SELECT t.id AS "ticketId", t.title, t.status, t.external_provider AS "externalProvider", t.external_key AS "externalKey",
        t.external_url AS "externalUrl", coalesce(cur.mentions, 0) AS mentions, coalesce(cur.responses, 0) AS responses,
        coalesce(cur.customers, 0) AS customers, coalesce(val.value, 0) AS value, coalesce(cur.negative, 0) AS negative,
        coalesce(prev.previous, 0) AS previous,
        coalesce(cur.mentions + cur.responses, 0) - coalesce(prev.previous, 0) AS change,
        CASE WHEN coalesce(prev.previous, 0) > 0
          THEN round(100.0 * (coalesce(cur.mentions + cur.responses, 0) - prev.previous) / prev.previous, 1)::float8 END AS "changePct",
        cur.first_seen AS "firstSeen", cur.last_seen AS "lastSeen"
      FROM tickets t
      LEFT JOIN cur ON cur.ticket_id = t.id LEFT JOIN prev ON prev.ticket_id = t.id LEFT JOIN val ON val.ticket_id = t.id
      WHERE t.workspace_id = ${workspaceId} ${q.status ? sql`AND t.status IN ${sql(q.status)}` : sql``}
    ) r
    ORDER BY ${order}, title, "ticketId"`
  return { since, until, items: rows }
}

const CSV_COLUMNS: [keyof IssueRow, string][] = [
  ['ticketId', 'ticket_id'], ['title', 'title'], ['status', 'status'], ['externalProvider', 'external_provider'], ['externalKey', 'external_key'],
  ['externalUrl', 'external_url'], ['mentions', 'mentions'], ['responses', 'survey_responses'], ['customers', 'customers_affected'],
  ['value', 'value'], ['negative', 'negative'], ['previous', 'previous_period'], ['change', 'change'], ['changePct', 'change_pct'],
  ['firstSeen', 'first_seen'], ['lastSeen', 'last_seen'],
]

export const issueReportCsv = (rows: IssueRow[]) => toCsv(CSV_COLUMNS.map(([, h]) => h), rows.map((r) => CSV_COLUMNS.map(([k]) => r[k])))

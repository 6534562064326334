// Customers at risk: who said something unhappy lately, in mentions or in
// survey answers, the most valuable first, so a customer-success team knows
// whom to call before they leave.
import { z } from '@hono/zod-openapi'
import { aggregating } from '../db/aggregate.ts'
import type { Deps } from '../deps.ts'
import { OPEN_STATUSES } from '../mentions/filter.ts'
import { bandRange, LOW_BAND, SURVEY_KINDS } from '../surveys/schemas.ts'
import { CustomerSchema } from './schema.ts'
import { customerColumns, toCustomer, type CustomerRow } from './customers.ts'

export const AtRiskQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30).openapi({ description: 'How far back to look, in days' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

export const AtRiskCustomer = z
  .object({
    customer: CustomerSchema,
    negativeMentions: z.number().int().openapi({ description: 'Negative mentions in the period (copies of a post once)' }),
    openNegativeMentions: z.number().int().openapi({ description: 'Of those, how many still need attention (new, open, in progress)' }),
    unhappyResponses: z.number().int().openapi({ description: 'Survey answers in the low band: NPS detractors, unsatisfied CSAT, difficult CES' }),
    lastSignalAt: z.date(),
  })
  .openapi('AtRiskCustomer')
export type AtRiskCustomer = z.infer<typeof AtRiskCustomer>

/** The top score of each kind's low band, as the survey kinds name them. */
const lowTops = () => Object.fromEntries(SURVEY_KINDS.map((k) => [k, bandRange(k, LOW_BAND[k])![1]])) as Record<(typeof SURVEY_KINDS)[number], number>

/**
 * Customers with negative mentions or unhappy survey answers in the last
 * `days`, the most valuable first, then the most still owed attention, then
 * the latest signal.
 */
export async function customersAtRisk(deps: Deps, workspaceId: string, q: z.infer<typeof AtRiskQuery>): Promise<AtRiskCustomer[]> {
  const { sql } = deps
  const since = new Date(deps.clock().getTime() - q.days * 86_400_000)
  const top = lowTops()
  const rows = await aggregating(sql, async (tx) => {
    // In parallel, each worker builds the whole per-customer count: 700 ms at 1M mentions against 325 ms in one.
    await tx`SET LOCAL max_parallel_workers_per_gather = 0`
    return tx<(CustomerRow & { negative: number; open_negative: number; unhappy: number; last_signal_at: Date })[]>`
      WITH neg AS (
        SELECT m.customer_id, count(*)::int AS negative, count(*) FILTER (WHERE m.status IN ${tx(OPEN_STATUSES)})::int AS open_negative,
               max(m.published_at) AS last_at
        FROM mentions m
        WHERE m.workspace_id = ${workspaceId} AND m.published_at >= ${since} AND m.customer_id IS NOT NULL
          AND m.effective_sentiment = 'negative' AND m.duplicate_of IS NULL
        GROUP BY 1
      ), unhappy AS (
        SELECT r.customer_id, count(*)::int AS unhappy, max(r.responded_at) AS last_at
        FROM survey_responses r JOIN surveys s ON s.id = r.survey_id AND s.workspace_id = r.workspace_id
        WHERE r.workspace_id = ${workspaceId} AND r.responded_at >= ${since} AND r.customer_id IS NOT NULL
          AND r.score <= CASE s.kind WHEN 'nps' THEN ${top.nps}::int WHEN 'csat' THEN ${top.csat}::int ELSE ${top.ces}::int END
        GROUP BY 1
      )
      SELECT ${customerColumns(tx)}, coalesce(neg.negative, 0) AS negative, coalesce(neg.open_negative, 0) AS open_negative,
             coalesce(unhappy.unhappy, 0) AS unhappy, greatest(neg.last_at, unhappy.last_at) AS last_signal_at
      FROM customers c
      LEFT JOIN neg ON neg.customer_id = c.id
      LEFT JOIN unhappy ON unhappy.customer_id = c.id
      WHERE c.workspace_id = ${workspaceId} AND (neg.customer_id IS NOT NULL OR unhappy.customer_id IS NOT NULL)
      ORDER BY c.value DESC NULLS LAST, coalesce(neg.open_negative, 0) + coalesce(unhappy.unhappy, 0) DESC, last_signal_at DESC, c.id
      LIMIT ${q.limit}`
  })
  return rows.map((r) => ({
    customer: toCustomer(r),
    negativeMentions: r.negative,
    openNegativeMentions: r.open_negative,
    unhappyResponses: r.unhappy,
    lastSignalAt: r.last_signal_at,
  }))
}

// Stage 7: priority in [0, 1] = negativity × reach × intent weight × customer
// value × recency × urgency, capped at 1. Each factor but urgency is kept in
// [floor, 1] so no single missing signal zeroes an item; urgency is a lift
// (1 or 4/3) so the scores of the many mentions without urgent words, and every
// `minPriority` threshold set on them, mean what they meant before it existed.
// The components are returned so the number explains itself.
import type { IntentLabel } from './intent.ts'

export const PRIORITY_VERSION = 3

const INTENT_WEIGHT: Record<IntentLabel, number> = {
  churn_risk: 1,
  bug_report: 0.95,
  complaint: 0.9,
  pricing: 0.75,
  question: 0.7,
  feature_request: 0.6,
  other: 0.45,
  praise: 0.35,
}

export interface PriorityInput {
  sentimentScore: number
  intents: { label: IntentLabel; score: number }[]
  followers?: number
  engagement?: { likes?: number; replies?: number; shares?: number }
  customerValue?: number
  /** The text says it cannot wait (src/enrich/urgency.ts). */
  urgent?: boolean
  publishedAt?: Date
  now?: Date
}

export interface PriorityResult {
  priority: number
  components: { negativity: number; reach: number; intent: number; customerValue: number; recency: number; urgency: number }
}

const round = (v: number) => Math.round(v * 1000) / 1000

export function scorePriority(input: PriorityInput): PriorityResult {
  const negativity = 0.2 + 0.8 * ((1 - input.sentimentScore) / 2)
  const e = input.engagement ?? {}
  // One reply or share reaches further than a like; 10^6 weighted audience saturates.
  const audience = (input.followers ?? 0) + (e.likes ?? 0) + 3 * (e.replies ?? 0) + 5 * (e.shares ?? 0)
  const reach = 0.4 + 0.6 * Math.min(1, Math.log10(1 + audience) / 6)
  let intent = INTENT_WEIGHT.other
  for (const i of input.intents) if (i.score >= 0.5) intent = Math.max(intent, INTENT_WEIGHT[i.label])
  // Customer value is in the workspace's own unit (e.g. MRR); log-scaled so 10^5 saturates.
  const customerValue = input.customerValue === undefined ? 0.5 : 0.5 + 0.5 * Math.min(1, Math.log10(1 + Math.max(0, input.customerValue)) / 5)
  const ageHours = input.publishedAt && input.now ? Math.max(0, (input.now.getTime() - input.publishedAt.getTime()) / 3_600_000) : 0
  const recency = 0.3 + 0.7 * Math.exp(-ageHours / 72)
  // Urgent words lift a mention over its peers without outranking a far more negative, far-reaching one.
  const urgency = input.urgent ? 4 / 3 : 1
  const components = { negativity: round(negativity), reach: round(reach), intent: round(intent), customerValue: round(customerValue), recency: round(recency), urgency: round(urgency) }
  return { priority: round(Math.min(1, negativity * reach * intent * customerValue * recency * urgency)), components }
}

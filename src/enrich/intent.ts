// Stage 4: intent, multi-label with scores.
import { INTENT_CUES } from './intent-rules.ts'

export const INTENT_VERSION = 1

export const INTENT_LABELS = ['bug_report', 'feature_request', 'question', 'praise', 'complaint', 'pricing', 'churn_risk', 'other'] as const
export type IntentLabel = (typeof INTENT_LABELS)[number]

export interface IntentScore {
  label: IntentLabel
  score: number
}

export interface IntentInput {
  text: string
  sentimentScore: number
  rating?: number
}

const round = (v: number) => Math.round(v * 1000) / 1000

/** Every label scoring at least 0.5, best first; `other` when none does. */
export function detectIntents(input: IntentInput): IntentScore[] {
  const scores = new Map<IntentLabel, number>()
  for (const [label, cue] of Object.entries(INTENT_CUES) as [IntentLabel, RegExp][]) {
    if (cue.test(input.text)) scores.set(label, 0.75)
  }
  const s = input.sentimentScore
  // Praise and complaint need the tone to agree with the cue; strong tone alone is enough too.
  const praise = (scores.get('praise') ?? 0) * (s > 0.1 ? 1 : 0.5) + (s > 0.6 ? 0.35 : 0)
  scores.set('praise', Math.min(1, praise))
  const complaint = (scores.get('complaint') ?? 0) * (s < 0.1 ? 1 : 0.5) + (s < -0.6 ? 0.35 : 0) + (input.rating !== undefined && input.rating <= 2 ? 0.2 : 0)
  scores.set('complaint', Math.min(1, complaint))
  const out: IntentScore[] = []
  for (const [label, score] of scores) if (score >= 0.5) out.push({ label, score: round(score) })
  if (!out.length) out.push({ label: 'other', score: 0.6 })
  return out.sort((a, b) => b.score - a.score)
}

// The one enrichment entry point every way feedback comes in goes through
// (polled mentions, pushed mentions, survey comments). Pure and synchronous so
// it runs the same on Node and on Workers.

export const SENTIMENT_LABELS = ['positive', 'neutral', 'negative'] as const
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number]
export const INTENT_LABELS = ['bug_report', 'feature_request', 'question', 'praise', 'complaint', 'pricing', 'churn_risk', 'other'] as const
export type IntentLabel = (typeof INTENT_LABELS)[number]

export interface EnrichInput {
  text: string
  title?: string
  /** The upstream's own language hint, when it gives one. */
  lang?: string
  /** Star rating 1–5, when the source has one. */
  rating?: number
  /** Source kind (`reddit`, `appstore`, …) or `survey`. */
  kind?: string
  followers?: number
  engagement?: { likes?: number; replies?: number; shares?: number }
  publishedAt?: Date
  customerValue?: number
}

export interface Enrichment {
  /** Normalized plain text (HTML stripped, entities decoded, PII redacted when asked). */
  text: string
  lang: string
  langConfidence: number
  sentiment: { label: SentimentLabel; score: number; confidence: number }
  intents: { label: IntentLabel; score: number }[]
  spam: number
  pii: { type: string; start: number; end: number }[]
  priority: number
  priorityComponents: Record<string, number>
  explanation: { sentiment: { token: string; weight: number }[] }
  version: number
}

export interface EnrichOptions {
  redactPii?: boolean
  now?: Date
}

/** Bumped whenever any stage changes, so `earshot reclassify` can find stale rows. */
export const ENRICH_VERSION = 0

export function enrich(input: EnrichInput, _opts: EnrichOptions = {}): Enrichment {
  return {
    text: input.text.trim(),
    lang: input.lang ?? 'und',
    langConfidence: input.lang ? 1 : 0,
    sentiment: { label: 'neutral', score: 0, confidence: 0 },
    intents: [],
    spam: 0,
    pii: [],
    priority: 0,
    priorityComponents: {},
    explanation: { sentiment: [] },
    version: ENRICH_VERSION,
  }
}

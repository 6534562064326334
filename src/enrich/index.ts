// The one enrichment entry point every way feedback comes in goes through
// (polled mentions, pushed mentions, survey comments). Pure and synchronous so
// it runs the same on Node and on Workers: no I/O, models are bundled modules
// decoded lazily on first use.
import { HashedText, hashTokens } from './features.ts'
import { INTENT_LABELS, INTENT_VERSION, detectIntents, type IntentLabel } from './intent.ts'
import { asks, asksWhy } from './intent-rules.ts'
import { LANG_VERSION, detectLang } from './lang.ts'
import { NORMALIZE_VERSION, normalizeText } from './normalize.ts'
import { PII_VERSION, findPii, redactPii, type PiiType } from './pii.ts'
import { PRIORITY_VERSION, scorePriority } from './priority.ts'
import { SENTIMENT_LABELS, SENTIMENT_VERSION, scoreSentiment, type SentimentLabel } from './sentiment.ts'
import { SPAM_VERSION, scoreSpam } from './spam.ts'
import { tokenize } from './tokenize.ts'
import { URGENCY_VERSION, detectUrgency } from './urgency.ts'

export { INTENT_LABELS, SENTIMENT_LABELS }
export type { IntentLabel, SentimentLabel }

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
  /** How many other authors posted the same text, when the caller knows (a spam signal). */
  duplicateAuthors?: number
}

export interface Enrichment {
  /** Normalized plain text (HTML stripped, entities decoded, PII redacted when asked). */
  text: string
  lang: string
  langConfidence: number
  sentiment: { label: SentimentLabel; score: number; confidence: number }
  intents: { label: IntentLabel; score: number }[]
  spam: number
  /** Offsets index into the returned `text` (after redaction when it happened). */
  pii: { type: PiiType; start: number; end: number }[]
  /** Its words say it cannot wait; `explanation.urgency` holds them. */
  urgent: boolean
  priority: number
  priorityComponents: Record<string, number>
  explanation: { sentiment: { token: string; weight: number }[]; urgency: string[] }
  version: number
}

export interface EnrichOptions {
  redactPii?: boolean
  now?: Date
}

/**
 * Bumped whenever any stage changes, so `earshot reclassify` can find stale rows.
 * The per-stage versions are summed so a bump in any stage raises it.
 */
export const ENRICH_VERSION = NORMALIZE_VERSION + LANG_VERSION + SENTIMENT_VERSION + INTENT_VERSION + SPAM_VERSION + PII_VERSION + URGENCY_VERSION + PRIORITY_VERSION

const round = (v: number) => Math.round(v * 1000) / 1000
const hashed = new HashedText()

export function enrich(input: EnrichInput, opts: EnrichOptions = {}): Enrichment {
  const body = normalizeText(input.text)
  const title = input.title ? normalizeText(input.title) : ''
  const analysed = title ? `${title}\n${body}` : body
  const tokens = tokenize(analysed)
  const firstLine = analysed.indexOf('\n')
  const titleTokens = firstLine > 0 ? tokenize(analysed.slice(0, firstLine)).length : 0
  // Hashed once, projected into every model's table.
  hashTokens(tokens, titleTokens, hashed)
  const { lang, confidence } = detectLang(tokens, hashed, input.lang)
  const lower = analysed.toLowerCase()
  const asking = asks(lower)
  const sentiment = scoreSentiment({ tokens, hashed, lang, rating: input.rating, kind: input.kind, asks: asking && !asksWhy(lower) })
  const intents = detectIntents({ text: analysed, lang, hashed, kind: input.kind, sentimentScore: sentiment.score, rating: input.rating, asks: asking })
  const spam = scoreSpam({ text: analysed, duplicateAuthors: input.duplicateAuthors }).score
  const urgency = detectUrgency(lower, lang)
  const found = findPii(body)
  const { text, pii } = opts.redactPii && found.length ? redactPii(body, found) : { text: body, pii: found }
  const { priority, components } = scorePriority({
    sentimentScore: sentiment.score,
    intents,
    followers: input.followers,
    engagement: input.engagement,
    customerValue: input.customerValue,
    urgent: urgency.urgent,
    publishedAt: input.publishedAt,
    now: opts.now,
  })
  return {
    text,
    lang,
    langConfidence: round(confidence),
    sentiment: { label: sentiment.label, score: sentiment.score, confidence: sentiment.confidence },
    intents,
    spam,
    pii,
    urgent: urgency.urgent,
    priority,
    priorityComponents: components,
    explanation: { sentiment: sentiment.explanation, urgency: urgency.cues },
    version: ENRICH_VERSION,
  }
}

// Stage 3: sentiment. Lexicon + rules (see lexicon.ts) plus the star-rating /
// survey-score prior, squashed into a score in [-1, 1].
import { scoreLexicon, type Contribution } from './lexicon.ts'
import type { Token } from './tokenize.ts'

export const SENTIMENT_VERSION = 1

export const SENTIMENT_LABELS = ['positive', 'neutral', 'negative'] as const
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number]

export interface SentimentResult {
  label: SentimentLabel
  score: number
  confidence: number
  explanation: Contribution[]
}

export interface SentimentInput {
  tokens: Token[]
  lang: string
  /** 1–5 stars (surveys map their scale onto it). */
  rating?: number
  kind?: string
}

const NEUTRAL_BAND = 0.15
const round = (v: number) => Math.round(v * 1000) / 1000

/** Prior from a 1–5 rating: 1 → strongly negative, 3 → none, 5 → strongly positive. Surveys are explicit scores, so they weigh more. */
export function ratingPrior(rating: number | undefined, kind: string | undefined): number {
  if (rating === undefined || !Number.isFinite(rating)) return 0
  const centered = (Math.max(1, Math.min(5, rating)) - 3) / 2
  return centered * (kind === 'survey' ? 2 : 1.5)
}

export function scoreSentiment(input: SentimentInput): SentimentResult {
  const lex = scoreLexicon(input.tokens, input.lang)
  const prior = ratingPrior(input.rating, input.kind)
  const z = lex.total + prior
  const score = z / Math.sqrt(z * z + 1.5)
  const label: SentimentLabel = score > NEUTRAL_BAND ? 'positive' : score < -NEUTRAL_BAND ? 'negative' : 'neutral'
  const evidence = lex.pos + lex.neg + Math.abs(prior)
  // Confidence grows with how far from neutral we are and how much evidence agreed.
  const agreement = evidence > 0 ? Math.abs(z) / evidence : 0
  const confidence = label === 'neutral' ? 1 - Math.abs(score) / NEUTRAL_BAND * 0.5 - Math.min(0.4, evidence * 0.1) : Math.abs(score) * (0.5 + 0.5 * agreement)
  const explanation = lex.hits
    .filter((h) => h.weight !== 0)
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .slice(0, 5)
    .map((h) => ({ token: h.token, weight: round(h.weight) }))
  if (prior) explanation.push({ token: `rating:${input.rating}`, weight: round(prior) })
  return { label, score: round(score), confidence: round(Math.max(0, Math.min(1, confidence))), explanation }
}

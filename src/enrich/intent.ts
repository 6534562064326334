// Stage 4: intent, multi-label with scores. bug_report, feature_request,
// question, complaint and pricing come from trained hashed models
// (models/intent.ts) that also see the cue-phrase rules and the rating;
// praise and churn_risk have no training data and come from cues plus tone.
import { INTENT_MODELS, ISSUE_MODELS } from '../../models/intent.ts'
import { titleVector } from './embed.ts'
import { FeatureVector, headingHashes, project, type FeatureOptions, type HashedText } from './features.ts'
import { CUE_LABELS, STRONG_PRICING, intentDense } from './intent-rules.ts'
import { MultiLinearModel } from './linear.ts'

export const INTENT_VERSION = 11

export const INTENT_LABELS = ['bug_report', 'feature_request', 'question', 'praise', 'complaint', 'pricing', 'churn_risk', 'other'] as const
export type IntentLabel = (typeof INTENT_LABELS)[number]

export interface IntentScore {
  label: IntentLabel
  score: number
}

export interface IntentInput {
  text: string
  lang: string
  /** Features of the text, title features included (hashTokens with the title's token count). */
  hashed: HashedText
  /** Source kind; issue trackers get the bug / feature / question trio. */
  kind?: string
  sentimentScore: number
  rating?: number
  /** The text asks in so many words (intent-rules' `asks`). */
  asks: boolean
}

const generalLabels = Object.keys(INTENT_MODELS) as IntentLabel[]
const general = new MultiLinearModel(generalLabels.map((l) => INTENT_MODELS[l].model))
const shifts = generalLabels.map((l) => INTENT_MODELS[l].shift)
const issueLabels = Object.keys(ISSUE_MODELS) as IntentLabel[]
const issues = new MultiLinearModel(issueLabels.map((l) => ISSUE_MODELS[l]))
const logits = new Float64Array(8)
/** Languages the intent training data is written in. */
const MODEL_LANGS = new Set(['en', 'fr'])
/** Source kinds whose items are issue-tracker tickets. */
const ISSUE_KINDS = new Set(['github', 'gitlab', 'jira', 'linear'])
/** The issue trio reads an issue's title and opening only (0.73 → 0.78 macro-F1 in cross-validation on the training side). */
const ISSUE_TOKENS = 100
const fv = new FeatureVector()

/**
 * What the issue trio sees, shared with training: the words of the first
 * ISSUE_TOKENS tokens without char n-grams, the template headings of the
 * whole issue, and the cue features followed by the title's mean word vector.
 */
export function issueProjection(text: string, dense: number[], bits: number): FeatureOptions {
  return { bits, lang: 0, dense: [...dense, ...titleVector(text)], title: true, charGrams: false, maxTokens: ISSUE_TOKENS, extra: headingHashes(text) }
}

const round = (v: number) => Math.round(v * 1000) / 1000
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))

/** Every label scoring at least 0.5, best first; `other` when none does. */
export function detectIntents(input: IntentInput): IntentScore[] {
  const scores = new Map<IntentLabel, number>()
  const dense = intentDense(input.text, input.rating)
  // One shared space: words rarely coincide across languages, and half the lookups matter more here than a private space.
  project(input.hashed, { bits: general.bits, lang: 0, dense, title: true }, fv)
  general.score(fv, logits)
  generalLabels.forEach((label, i) => scores.set(label, sigmoid(logits[i] + shifts[i])))
  if (input.kind && ISSUE_KINDS.has(input.kind)) {
    // A ticket is one of bug / feature / question: the best of the trio wins, the other two drop below 0.5.
    project(input.hashed, issueProjection(input.text, dense, issues.bits), fv)
    issues.score(fv, logits)
    let best = 0
    for (let i = 1; i < issueLabels.length; i++) if (logits[i] > logits[best]) best = i
    issueLabels.forEach((label, i) => scores.set(label, i === best ? Math.max(0.5, sigmoid(logits[i])) : Math.min(0.49, sigmoid(logits[i]))))
  }
  // The models learned from English and French only; elsewhere a cue phrase is enough on its own. A text that asks
  // in so many words ("How do I …?") is a question in any language: the general model missed plain support
  // questions (held-out GitHub issues read as plain mentions: question F1 0.641 → 0.678). Issues keep their trio.
  const trusted = MODEL_LANGS.has(input.lang)
  const issue = input.kind !== undefined && ISSUE_KINDS.has(input.kind)
  CUE_LABELS.forEach((label, i) => {
    const cueDecides = !trusted || (label === 'question' && !issue && input.asks)
    if (!scores.has(label) || (cueDecides && dense[i])) scores.set(label, Math.max(scores.get(label) ?? 0, dense[i] ? 0.75 : 0))
  })
  if (STRONG_PRICING.test(input.text.toLowerCase())) scores.set('pricing', Math.max(0.6, scores.get('pricing') ?? 0))
  const s = input.sentimentScore
  // Praise needs the tone to agree with the cue; strong positive tone alone is enough too.
  scores.set('praise', Math.min(1, scores.get('praise')! * (s > 0.1 ? 1 : 0.5) + (s > 0.6 ? 0.35 : 0)))
  const out: IntentScore[] = []
  for (const [label, score] of scores) if (score >= 0.5) out.push({ label, score: round(score) })
  if (!out.length) out.push({ label: 'other', score: round(1 - Math.max(0, ...scores.values())) })
  return out.sort((a, b) => b.score - a.score)
}

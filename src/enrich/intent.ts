// Stage 4: intent, multi-label with scores. bug_report, feature_request,
// question, complaint and pricing come from trained hashed models
// (models/intent.ts) that also see the cue-phrase rules and the rating;
// praise and churn_risk have no training data and come from cues plus tone.
import { INTENT_MODELS, ISSUE_MODELS } from '../../models/intent.ts'
import { FeatureVector, extractFeatures, langSeed } from './features.ts'
import { CUE_LABELS, intentDense } from './intent-rules.ts'
import { LinearModel } from './linear.ts'
import type { Token } from './tokenize.ts'

export const INTENT_VERSION = 2

export const INTENT_LABELS = ['bug_report', 'feature_request', 'question', 'praise', 'complaint', 'pricing', 'churn_risk', 'other'] as const
export type IntentLabel = (typeof INTENT_LABELS)[number]

export interface IntentScore {
  label: IntentLabel
  score: number
}

export interface IntentInput {
  text: string
  tokens: Token[]
  /** How many of `tokens` belong to the title (first line), when there is one. */
  titleTokens?: number
  /** Source kind; issue trackers get the bug / feature / question trio. */
  kind?: string
  lang: string
  sentimentScore: number
  rating?: number
}

const models = Object.entries(INTENT_MODELS).map(([label, m]) => ({ label: label as IntentLabel, model: new LinearModel(m.model), shift: m.shift }))
const issueModels = Object.entries(ISSUE_MODELS).map(([label, m]) => ({ label: label as IntentLabel, model: new LinearModel(m) }))
/** Source kinds whose items are issue-tracker tickets. */
const ISSUE_KINDS = new Set(['github', 'gitlab', 'jira', 'linear'])
const fv = new FeatureVector()

const round = (v: number) => Math.round(v * 1000) / 1000
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))

/** Every label scoring at least 0.5, best first; `other` when none does. */
export function detectIntents(input: IntentInput): IntentScore[] {
  const scores = new Map<IntentLabel, number>()
  const dense = intentDense(input.text, input.rating)
  if (models.length) {
    extractFeatures(input.tokens, { bits: models[0].model.bits, lang: langSeed(input.lang), dense, titleTokens: input.titleTokens }, fv)
    for (const { label, model, shift } of models) scores.set(label, sigmoid(model.score(fv) + shift))
  }
  if (input.kind && ISSUE_KINDS.has(input.kind) && issueModels.length) {
    // A ticket is one of bug / feature / question: the best of the trio wins, the other two drop below 0.5.
    extractFeatures(input.tokens, { bits: issueModels[0].model.bits, lang: langSeed(input.lang), dense, titleTokens: input.titleTokens, charGrams: false }, fv)
    const trio = issueModels.map(({ label, model }) => ({ label, p: sigmoid(model.score(fv)) }))
    const best = trio.reduce((a, b) => (b.p > a.p ? b : a))
    for (const { label, p } of trio) scores.set(label, label === best.label ? Math.max(0.5, p) : Math.min(0.49, p))
  }
  CUE_LABELS.forEach((label, i) => {
    if (!scores.has(label)) scores.set(label, dense[i] ? 0.75 : 0)
  })
  const s = input.sentimentScore
  // Praise needs the tone to agree with the cue; strong positive tone alone is enough too.
  scores.set('praise', Math.min(1, scores.get('praise')! * (s > 0.1 ? 1 : 0.5) + (s > 0.6 ? 0.35 : 0)))
  const out: IntentScore[] = []
  for (const [label, score] of scores) if (score >= 0.5) out.push({ label, score: round(score) })
  if (!out.length) out.push({ label: 'other', score: round(1 - Math.max(0, ...scores.values())) })
  return out.sort((a, b) => b.score - a.score)
}

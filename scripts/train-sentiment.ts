// Trains the sentiment models and writes models/sentiment.ts:
//  - polarity: positive vs negative, one hashed logistic regression over all
//    languages (a private feature space per language plus a shared one),
//    class-balanced per language, with the rule-based lexicon scores as
//    stacked dense features;
//  - neutrality: neutral vs polar, same features, on the languages whose data
//    has a neutral class.
// Only the train side of the split is used: a tuning slice of it first
// calibrates the per-language thresholds, then the shipped weights are fit on
// all of it.
// Run: npx tsx scripts/train-sentiment.ts --write
import { writeFileSync } from 'node:fs'
import { FeatureVector, HashedText, hashTokens, langSeed, project } from '../src/enrich/features.ts'
import { packLinear } from '../src/enrich/linear.ts'
import { normalizeText } from '../src/enrich/normalize.ts'
import { lexiconDense, scoreLexicon } from '../src/enrich/lexicon.ts'
import { tokenize } from '../src/enrich/tokenize.ts'
import { SENTIMENT_LANGS, isHeldOut, isTuning, loadIntent, loadSentiment, type SentimentRow } from './train-data.ts'
import { dot, freeze, sigmoid, trainLogistic, type Example } from './train-linear.ts'

const POLARITY_BITS = 18
// Same table size as polarity: the two are interleaved at run time, one memory access scores both.
const NEUTRAL_BITS = 18
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]))
const num = (k: string, d: number) => (args.has(k) ? Number(args.get(k)) : d)

const fv = new FeatureVector()
const hashed = new HashedText()
function vectorize(r: SentimentRow, bits: number) {
  const tokens = tokenize(normalizeText(r.text))
  hashTokens(tokens, 0, hashed)
  project(hashed, { bits, lang: langSeed(r.lang), dense: lexiconDense(scoreLexicon(tokens, r.lang)) }, fv)
  return fv
}

// App reviews with their star rating as a weak label (1–2 negative, 4–5 positive): the product-feedback
// domain the tweet sets lack. minibar (MIT); held-out reviews stay out like everything else.
const reviews: SentimentRow[] = ['minibar-en', 'minibar-fr'].flatMap((set) =>
  loadIntent(set)
    .filter((r) => r.stars !== undefined && r.stars !== 3)
    .map((r) => ({ lang: r.lang, label: r.stars! >= 4 ? 'pos' : 'neg', text: r.text, source: 'reviews' }) as SentimentRow),
)
const rows = [...SENTIMENT_LANGS.flatMap((l) => loadSentiment(l)), ...(args.has('reviews') ? reviews : [])].filter((r) => !isHeldOut(r.text))
const train = rows.filter((r) => !isTuning(r.text))
const tune = rows.filter((r) => isTuning(r.text) && r.source !== 'reviews')

function balancedWeights(items: SentimentRow[], positive: (r: SentimentRow) => boolean) {
  // Every (language and kind of text, class) cell gets the same total weight; reviews count half.
  const cell = (r: SentimentRow) => `${r.lang}:${r.source === 'reviews'}:${positive(r)}`
  const counts = new Map<string, number>()
  for (const r of items) counts.set(cell(r), (counts.get(cell(r)) ?? 0) + 1)
  const per = items.length / counts.size
  return (r: SentimentRow) => (per / counts.get(cell(r))!) * (r.source === 'reviews' ? 0.5 : 1)
}

const neuLangs = new Set(train.filter((r) => r.label === 'neu').map((r) => r.lang))
const opts = (bits: number) => ({ bits, epochs: num('epochs', 6), rate: num('rate', 0.2), l2: num('l2', 1e-6), nb: num('nb', 1) })

function fit(items: SentimentRow[]) {
  const polar = items.filter((r) => r.label !== 'neu')
  const wPolar = balancedWeights(polar, (r) => r.label === 'pos')
  const polarExamples: Example[] = polar.map((r) => freeze(vectorize(r, POLARITY_BITS), r.label === 'pos' ? 1 : 0, wPolar(r)))
  const t0 = performance.now()
  const polarity = trainLogistic(polarExamples, opts(POLARITY_BITS))
  console.log(`polarity: ${polarExamples.length} examples, ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  const neuItems = items.filter((r) => neuLangs.has(r.lang))
  const wNeu = balancedWeights(neuItems, (r) => r.label === 'neu')
  const neutral = trainLogistic(neuItems.map((r) => freeze(vectorize(r, NEUTRAL_BITS), r.label === 'neu' ? 1 : 0, wNeu(r))), opts(NEUTRAL_BITS))
  return { polarity, neutral }
}

const { polarity, neutral } = fit(train)

// Per-language decision threshold, recalibrated on the tuning slice (class balance differs by data set).
const biases: Record<string, number> = {}
const accs: number[] = []
const raw: number[] = []
for (const lang of SENTIMENT_LANGS) {
  const items = tune.filter((r) => r.lang === lang && r.label !== 'neu').map((r) => ({ z: dot(polarity, vectorize(r, POLARITY_BITS)), pos: r.label === 'pos' }))
  const accuracy = (b: number) => items.filter((x) => x.z + b > 0 === x.pos).length / items.length
  let best = 0
  for (let b = -1; b <= 1.0001; b += 0.05) if (accuracy(b) > accuracy(best) + 0.004) best = b
  biases[lang] = Math.round(best * 100) / 100
  accs.push(accuracy(best))
  raw.push(accuracy(0))
  console.log(`${lang} tune binary ${(100 * accuracy(0)).toFixed(1)}% → ${(100 * accuracy(best)).toFixed(1)}% with bias ${biases[lang]} (${items.length})`)
}
const avg = (xs: number[]) => ((100 * xs.reduce((a, b) => a + b, 0)) / xs.length).toFixed(1)
console.log(`average ${avg(raw)}% uncalibrated, ${avg(accs)}% calibrated`)

if (args.has('neutral')) {
  for (const lang of SENTIMENT_LANGS) {
    const neu = tune.filter((r) => r.lang === lang)
    let neuLine = ''
    if (neuLangs.has(lang)) {
      const p = neu.map((r) => ({ r, p: sigmoid(dot(neutral, vectorize(r, NEUTRAL_BITS))) }))
      neuLine = [0.5, 0.6, 0.7, 0.8].map((t) => `neu>${t}: recall ${(p.filter((x) => x.r.label === 'neu' && x.p > t).length / p.filter((x) => x.r.label === 'neu').length).toFixed(2)} polar-lost ${(p.filter((x) => x.r.label !== 'neu' && x.p > t).length / p.filter((x) => x.r.label !== 'neu').length).toFixed(2)}`).join('; ')
    }
    console.log(`${lang} ${neuLine}`)
  }
}

if (args.has('write')) {
  // Thresholds come from the tuning slice above; the shipped weights then learn from it too.
  const final = fit(rows)
  const lines = [
    '// Generated by scripts/train-sentiment.ts from ../shared/data/sentiment (see MODEL_CARD.md). Do not edit; re-run the script.',
    "import type { PackedLinear } from '../src/enrich/linear.ts'",
    '',
    `export const POLARITY: PackedLinear = ${JSON.stringify(packLinear(final.polarity, POLARITY_BITS))}`,
    '',
    `export const NEUTRALITY: PackedLinear = ${JSON.stringify(packLinear(final.neutral, NEUTRAL_BITS))}`,
    '',
    `/** Languages the models were trained on; others fall back to the lexicon rules. */`,
    `export const POLARITY_LANGS = ${JSON.stringify(SENTIMENT_LANGS)}`,
    `export const NEUTRAL_LANGS = ${JSON.stringify([...neuLangs])}`,
    `/** Per-language logit shift recalibrated on the tuning slice. */`,
    `export const POLARITY_BIAS: Record<string, number> = ${JSON.stringify(biases)}`,
    '',
  ]
  writeFileSync(new URL('../models/sentiment.ts', import.meta.url), lines.join('\n'))
  console.log('wrote models/sentiment.ts')
}

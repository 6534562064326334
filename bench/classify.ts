// `npm run bench:classify`: texts per second through the whole enrichment
// pipeline on one core, for a mix of languages and lengths taken from the
// held-out reference data (tweets, review sentences, app reviews, hotel/food
// reviews, GitHub issues). Anchor, same texts, same run: natural's AFINN
// SentimentAnalyzer with its aggressive tokenizer (sentiment only, English
// vocabulary, nothing else).
import { createRequire } from 'node:module'
import { loadavg } from 'node:os'
import { isHeldOut, loadIntent, loadSentiment } from '../scripts/train-data.ts'

const require = createRequire(import.meta.url)
const SECONDS = 3

function sample<T>(xs: T[], n: number): T[] {
  const step = Math.max(1, Math.floor(xs.length / n))
  return xs.filter((_, i) => i % step === 0).slice(0, n)
}

// Shares roughly as in a busy workspace: mostly short social posts, then reviews, a few long issues.
const texts: { text: string; kind: string }[] = [
  ...['en', 'es', 'de', 'fr', 'it', 'pt', 'ru'].flatMap((l) => sample(loadSentiment(l).filter((r) => isHeldOut(r.text)), 150).map((r) => ({ text: r.text, kind: 'x' }))),
  ...sample(loadSentiment('no').filter((r) => isHeldOut(r.text)), 150).map((r) => ({ text: r.text, kind: 'rss' })),
  ...sample(loadSentiment('zh').filter((r) => isHeldOut(r.text)), 200).map((r) => ({ text: r.text, kind: 'appstore' })),
  ...['minibar-en', 'minibar-fr', 'urr-panichella'].flatMap((s) => sample(loadIntent(s).filter((r) => isHeldOut(r.text)), 150).map((r) => ({ text: r.text, kind: 'appstore' }))),
  ...sample(loadIntent('nlbse2024-issues').filter((r) => isHeldOut(r.text)), 50).map((r) => ({ text: r.text, kind: 'github' })),
]
const chars = texts.reduce((a, t) => a + t.text.length, 0)

/** Texts per second of wall time and per second of this process's CPU time (the fairer number on a shared machine). */
function rate(fn: (t: { text: string; kind: string }) => unknown): { wall: number; cpu: number } {
  let n = 0
  const start = performance.now()
  const cpu0 = process.cpuUsage()
  while (performance.now() - start < SECONDS * 1000) {
    for (const t of texts) fn(t)
    n += texts.length
  }
  const cpu = process.cpuUsage(cpu0)
  return { wall: n / ((performance.now() - start) / 1000), cpu: n / ((cpu.user + cpu.system) / 1e6) }
}

const t0 = performance.now()
const { enrich } = await import('../src/enrich/index.ts')
const imported = performance.now() - t0
enrich({ text: 'warm up: the first call decodes every model', kind: 'x' })
enrich({ text: 'Das ist ein Test. C’est un test.', kind: 'x' })
enrich({ text: 'Bug in the issue tracker\nit crashes', kind: 'github' })
const loaded = performance.now() - t0

const { SentimentAnalyzer } = require('natural/lib/natural/sentiment/index.js')
const AggressiveTokenizer = require('natural/lib/natural/tokenizers/aggressive_tokenizer.js')
const afinn = new SentimentAnalyzer('English', null, 'afinn')
const tokenizer = new AggressiveTokenizer()

rate((t) => enrich({ text: t.text, kind: t.kind })) // warm the JIT
const ours = rate((t) => enrich({ text: t.text, kind: t.kind }, { redactPii: true }))
const anchor = rate((t) => afinn.getSentiment(tokenizer.tokenize(t.text)))

const fmt = (r: { wall: number; cpu: number }) => `${Math.round(r.cpu).toLocaleString('en')} texts/s per CPU-second (${Math.round(r.wall).toLocaleString('en')}/s wall)`
const lines = [
  `texts: ${texts.length} (mean ${Math.round(chars / texts.length)} chars; tweets in 7 languages, Norwegian review sentences, Chinese hotel/food reviews, en/fr app reviews, GitHub issues)`,
  `load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (2 cores)`,
  `model load: import ${imported.toFixed(0)} ms, import + first calls (decodes all models) ${loaded.toFixed(0)} ms`,
  `earshot enrich() (whole pipeline, redactPii on): ${fmt(ours)}`,
  `anchor natural AFINN SentimentAnalyzer + AggressiveTokenizer (sentiment only): ${fmt(anchor)}`,
  `ratio: ${(ours.cpu / anchor.cpu).toFixed(3)}× the anchor`,
]
for (const l of lines) console.log(l)

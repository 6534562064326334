// Rule-based valence over tokens: lexicon lookup with negation scope,
// intensifiers, contrast, emoji/emoticons, shouting and elongation. Used on
// its own where no trained model exists (el, nl, und) and as a feature of the
// trained models everywhere else.
import PorterStemmerRu from 'natural/lib/natural/stemmers/porter_stemmer_ru.js'
import { LEXICONS, STEMMED_LEXICONS, TRANSLATED_LEXICONS } from '../../models/lexicons.ts'
import { CONTRAST, INTENSIFIERS, NEGATORS, SEED_LEXICON, SYMBOL_VALENCE } from './cues.ts'
import { stemGreek } from './greek.ts'
import type { Token } from './tokenize.ts'

export interface Contribution {
  token: string
  weight: number
}

export interface LexiconScore {
  /** Sum of signed contributions. */
  total: number
  pos: number
  neg: number
  hits: Contribution[]
  /** Token position of each hit. */
  at: number[]
}

const NEGATION_SCOPE = 3
// Stemming folds some function words onto lexicon stems (και "and" onto καίω "burn"): never look them up.
const GREEK_FUNCTION_WORDS = new Set('και κι να θα το τα τον την της του των τους τις η ο οι με σε στο στη στην στον στα στις στους για από απο που πού ότι οτι αλλά αλλα ή είναι ειναι ήταν ηταν μου σου μας σας τη ένα ενα μια μία έχω εχω έχει εχει'.split(' '))
const cache = new Map<string, Map<string, number>>()
const translatedCache = new Map<string, Map<string, number>>()

function unpack(packed: string | undefined): Map<string, number> {
  const t = new Map<string, number>()
  for (const entry of packed ? packed.split('|') : []) {
    const i = entry.lastIndexOf(':')
    t.set(entry.slice(0, i), Number(entry.slice(i + 1)) / 10)
  }
  return t
}

function tableFor(lang: string): Map<string, number> {
  let t = cache.get(lang)
  if (t) return t
  t = unpack(LEXICONS[lang])
  for (const [w, v] of Object.entries(SEED_LEXICON[lang] ?? {})) t.set(lang === 'el' ? stemGreek(w) : w, v)
  cache.set(lang, t)
  return t
}

/** Whether the curated lexicon of `lang` gives `word` a valence. */
export const hasValence = (lang: string, word: string) => tableFor(lang).has(lang === 'el' ? stemGreek(word) : word)

/** Languages whose inflection outruns a word list: their stems, and the stemmer that finds a word's. */
const STEMMERS: Record<string, (word: string) => string> = { ru: (w) => PorterStemmerRu.stem(w) }
const stemCache = new Map<string, Map<string, number>>()
// A word's stem, remembered: stemming costs ~1 µs a word, and the same few thousand words make most text.
const STEMS_KEPT = 100_000
const stemOfWord = new Map<string, Map<string, string>>()

function stemOf(lang: string, word: string): string {
  let seen = stemOfWord.get(lang)
  if (!seen) stemOfWord.set(lang, (seen = new Map()))
  let stem = seen.get(word)
  if (stem === undefined) {
    if (seen.size >= STEMS_KEPT) seen.clear()
    seen.set(word, (stem = STEMMERS[lang](word)))
  }
  return stem
}

function stemsFor(lang: string): Map<string, number> | undefined {
  if (!STEMMERS[lang]) return undefined
  let t = stemCache.get(lang)
  if (!t) stemCache.set(lang, (t = unpack(STEMMED_LEXICONS[lang])))
  return t
}

function translatedFor(lang: string): Map<string, number> {
  let t = translatedCache.get(lang)
  if (!t) translatedCache.set(lang, (t = unpack(TRANSLATED_LEXICONS[lang])))
  return t
}

function lookup(table: Map<string, number>, lang: string, tok: Token, stems: Map<string, number> | undefined): number | undefined {
  if (tok.kind === 'emoji' || tok.kind === 'emoticon') return SYMBOL_VALENCE.get(tok.norm)
  if (tok.kind !== 'word') return undefined
  if (lang === 'el') return GREEK_FUNCTION_WORDS.has(tok.norm) ? undefined : table.get(stemGreek(tok.norm))
  const word = !tok.elongated || table.has(tok.norm) ? tok.norm : tok.norm.replace(/(\p{L})\1+/gu, '$1')
  return table.get(word) ?? (stems ? stems.get(stemOf(lang, word)) : undefined)
}

/** Score tokens with the lexicon of `lang` (English for `und`) and its stems, or with `other` alone under the same rules. */
export function scoreLexicon(tokens: Token[], lang: string, other?: Map<string, number>): LexiconScore {
  const table = other ?? tableFor(lang === 'und' ? 'en' : lang)
  const stems = other ? undefined : stemsFor(lang)
  const hits: (Contribution & { index: number })[] = []
  let negated = 0
  let boost = 1
  let contrastAt = -1
  let exclaim = 0
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]
    if (tok.kind === 'punct') {
      negated = 0
      boost = 1
      if (tok.norm[0] === '!') exclaim += tok.elongated ? 2 : 1
      continue
    }
    if (tok.kind !== 'word' && tok.kind !== 'emoji' && tok.kind !== 'emoticon') continue
    const norm = tok.norm
    if (NEGATORS.has(norm)) {
      negated = NEGATION_SCOPE
      continue
    }
    const intensity = INTENSIFIERS.get(norm)
    if (intensity !== undefined) {
      boost *= intensity
      continue
    }
    if (CONTRAST.has(norm)) {
      if (hits.length) contrastAt = hits.length
      negated = 0
      continue
    }
    let v = lookup(table, lang, tok, stems)
    if (v === undefined) {
      if (negated > 0) negated--
      continue
    }
    v *= boost
    if (tok.caps) v *= 1.3
    if (tok.elongated) v *= 1.2
    // Symbols are not negated: "not bad 😀" stays positive from the emoji.
    if (negated > 0 && tok.kind === 'word') v *= -0.7
    boost = 1
    if (negated > 0) negated--
    hits.push({ token: tok.raw, weight: v, index: i })
  }
  let total = 0
  let pos = 0
  let neg = 0
  const amp = 1 + 0.08 * Math.min(exclaim, 4)
  const out: Contribution[] = []
  for (let h = 0; h < hits.length; h++) {
    const w = hits[h].weight * amp * (contrastAt < 0 ? 1 : h < contrastAt ? 0.5 : 1.4)
    total += w
    if (w > 0) pos += w
    else neg -= w
    out.push({ token: hits[h].token, weight: w })
  }
  return { total, pos, neg, hits: out, at: hits.map((h) => h.index) }
}

const denseOf = (lex: LexiconScore) => [Math.tanh(lex.total), Math.log1p(lex.pos), Math.log1p(lex.neg)]

/** The same rules over the translated AFINN of `lang` (trained languages only). */
export const scoreTranslated = (tokens: Token[], lang: string) => scoreLexicon(tokens, lang, translatedFor(lang))

/**
 * Dense features of the trained sentiment models (stacking): the curated
 * lexicon's score, then the translated one's, kept apart so the model weighs
 * the noisier list on its own.
 */
export const lexiconDense = (lex: LexiconScore, translated: LexiconScore) => [...denseOf(lex), ...denseOf(translated)]

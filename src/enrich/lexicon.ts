// Rule-based valence over tokens: lexicon lookup with negation scope,
// intensifiers, contrast, emoji/emoticons, shouting and elongation. Used on
// its own where no trained model exists (el, nl, und) and as a feature of the
// trained models everywhere else.
import { LEXICONS, TRANSLATED_LEXICONS } from '../../models/lexicons.ts'
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

function translatedFor(lang: string): Map<string, number> {
  let t = translatedCache.get(lang)
  if (!t) translatedCache.set(lang, (t = unpack(TRANSLATED_LEXICONS[lang])))
  return t
}

function lookup(table: Map<string, number>, lang: string, tok: Token): number | undefined {
  if (tok.kind === 'emoji' || tok.kind === 'emoticon') return SYMBOL_VALENCE.get(tok.norm)
  if (tok.kind !== 'word') return undefined
  if (lang === 'el') return GREEK_FUNCTION_WORDS.has(tok.norm) ? undefined : table.get(stemGreek(tok.norm))
  const v = table.get(tok.norm)
  if (v !== undefined || !tok.elongated) return v
  return table.get(tok.norm.replace(/(\p{L})\1+/gu, '$1'))
}

/** Score tokens with the lexicon of `lang` (English for `und`), or with `table` under the same rules. */
export function scoreLexicon(tokens: Token[], lang: string, table = tableFor(lang === 'und' ? 'en' : lang)): LexiconScore {
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
    let v = lookup(table, lang, tok)
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

// Set phrases whose words mislead a word-level reading: "vale la pena" is "worth it" though
// "pena" is sorrow, "lohnt sich" was learned from complaints, "not bad" and "没问题" praise with
// a negative word. A matched phrase speaks for its words: the sentiment stage replaces their
// share of the score with the phrase's. Negated ("no vale la pena", "lohnt sich nicht") it flips;
// asked ("¿Vale la pena?", "Стоит ли…?") it is the question's topic, not a verdict, and weighs nothing.
import { CONTRAST, INTENSIFIERS, NEGATORS } from './cues.ts'
import type { Token } from './tokenize.ts'

export interface PhraseHit {
  /** The phrase as written in the text. */
  text: string
  /** +1 praise, −1 complaint, halved before a "but"; 0 asked about. */
  valence: number
  /** Token positions the phrase speaks for. */
  at: number[]
}

interface Phrase {
  words: string[]
  /** Already a negation ("not bad", "no problems"): a negator around it is not read again. */
  litotes: boolean
  /** Next words that make it another phrase ("pas mal de bugs" is "quite a few bugs"). */
  notBefore?: RegExp
}

// Praise that a negation turns into a complaint: "worth it" / "not worth it".
const PRAISE: Record<string, string> = {
  en: 'worth it|worth the money|worth every penny|worth',
  es: 'vale la pena|merece la pena|valen la pena|valió la pena',
  pt: 'vale a pena|valeu a pena',
  it: 'vale la pena|ne vale la pena|valeva la pena|ne valeva la pena',
  fr: 'vaut la peine|vaut le coup|valait le coup|valait la peine',
  de: 'lohnt sich|lohnt es sich|hat sich gelohnt|lohnenswert',
  ru: 'того стоит|стоит того|стоит своих денег|стоит ли',
  no: 'verdt det|verdt pengene|verdt prisen',
  zh: '物有所值|物超所值',
  el: 'αξίζει|αξίζουν|άξιζε',
}

// Praise by denying a fault: positive as written, whatever surrounds it.
const LITOTES: Record<string, string> = {
  en: "not bad|no problem|no problems|no issue|no issues|no complaints|can't complain|cannot complain",
  es: 'no está mal|no esta mal|nada mal|sin problemas|sin problema|ningún problema|ningun problema',
  pt: 'nada mal|não é mau|nao e mau|sem problemas|sem problema|nenhum problema',
  it: 'niente male|non è male|non e male|non male|senza problemi|nessun problema',
  fr: 'pas mal|pas de souci|pas de soucis|pas de problème|aucun souci|aucun problème|sans souci|sans problème',
  de: 'nicht schlecht|kein problem|keine probleme|ohne probleme|problemlos',
  ru: 'не плохо|без проблем|нет проблем|никаких проблем',
  no: 'ikke dårlig|ikke verst|uten problemer|ingen problemer|ingen problem',
  zh: '没问题|沒問題|没毛病|沒毛病',
  el: 'καθόλου άσχημο|καθόλου κακό|όχι άσχημο|δεν είναι κακό|δεν είναι άσχημο|κανένα πρόβλημα|χωρίς πρόβλημα|χωρίς προβλήματα',
}

const NOT_BEFORE: Record<string, RegExp> = { 'pas mal': /^(de|des)$|^d['’]/ }
// Words that negate a phrase they follow (within two words: "lohnt sich überhaupt nicht"), where negation comes after the verb.
const AFTER_NEGATORS = new Set(['nicht', 'kaum', 'keineswegs', 'ikke', 'hardly', 'barely'])
// A negator this many words before a phrase negates it ("not really worth it"); one more would
// reach "sin" in "sin duda vale la pena" ("without doubt").
const NEGATION_REACH = 1
// Question markers past the phrase where the text has no "?" token: Chinese full-width marks are not tokens.
const ASKING_PARTICLES = new Set(['吗', '嗎', '么', '麼', 'ли'])

const tables = new Map<string, Map<string, Phrase[]>>()

/** Phrases of `lang` by their first word, longest first so "worth it" wins over "worth". */
function tableFor(lang: string): Map<string, Phrase[]> {
  let table = tables.get(lang)
  if (table) return table
  table = new Map()
  const han = lang === 'zh'
  const add = (written: string, litotes: boolean) => {
    const words = han ? [...written] : written.split(' ')
    const list = table!.get(words[0]) ?? []
    list.push({ words, litotes, notBefore: NOT_BEFORE[written] })
    table!.set(words[0], list)
  }
  for (const written of (PRAISE[lang] ?? '').split('|').filter(Boolean)) add(written, false)
  for (const written of (LITOTES[lang] ?? '').split('|').filter(Boolean)) add(written, true)
  for (const list of table.values()) list.sort((a, b) => b.words.length - a.words.length)
  tables.set(lang, table)
  return table
}

// Chinese tokens are single characters or dictionary words: match the phrase's characters across them.
function matchHan(tokens: Token[], from: number, chars: string[]): number[] | undefined {
  const at: number[] = []
  let c = 0
  for (let i = from; i < tokens.length && c < chars.length; i++) {
    const norm = tokens[i].norm
    if (chars.slice(c, c + norm.length).join('') !== norm) return undefined
    at.push(i)
    c += norm.length
  }
  return c === chars.length ? at : undefined
}

// Intensifiers and negators may sit inside a phrase ("vale muito a pena", "ne vaut pas la peine").
function matchWords(tokens: Token[], from: number, words: string[]): { at: number[]; negated: boolean } | undefined {
  const at: number[] = []
  let negated = false
  let w = 0
  for (let i = from; i < tokens.length && w < words.length; i++) {
    const norm = tokens[i].norm
    if (norm === words[w]) {
      at.push(i)
      w++
    } else if (w > 0 && NEGATORS.has(norm)) negated = true
    else if (w === 0 || !INTENSIFIERS.has(norm)) return undefined
  }
  return w === words.length ? { at, negated } : undefined
}

function negatedBefore(tokens: Token[], start: number): boolean {
  for (let i = start - 1, words = 0; i >= 0 && words < NEGATION_REACH; i--) {
    const t = tokens[i]
    if (t.kind === 'punct') return false
    if (NEGATORS.has(t.norm)) return true
    if (!INTENSIFIERS.has(t.norm)) words++
  }
  return false
}

function negatedAfter(tokens: Token[], end: number): boolean {
  for (let i = end + 1; i < tokens.length && i <= end + 2; i++) {
    if (tokens[i].kind === 'punct') return false
    if (AFTER_NEGATORS.has(tokens[i].norm)) return true
  }
  return false
}

function asked(tokens: Token[], end: number, lang: string): boolean {
  for (let i = end + 1; i < tokens.length; i++) {
    const norm = tokens[i].norm
    if (ASKING_PARTICLES.has(norm)) return true
    if (tokens[i].kind !== 'punct') continue
    if (norm[0] === '?' || (lang === 'el' && norm === ';')) return true
    if (norm === '.' || norm[0] === '!') return false
  }
  return false
}

// "No problems with the app, but the delivery…": what follows the "but" is the point, as in the lexicon's rules.
function contrastAfter(tokens: Token[], end: number): boolean {
  for (let i = end + 1; i < tokens.length; i++) if (CONTRAST.has(tokens[i].norm)) return true
  return false
}

/** The set phrases of `lang` in `tokens`, left to right, none overlapping. */
export function findPhrases(tokens: Token[], lang: string): PhraseHit[] {
  const table = tableFor(lang)
  if (table.size === 0) return []
  const hits: PhraseHit[] = []
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]
    if (tok.kind !== 'word') continue
    const candidates = lang === 'zh' ? table.get(tok.norm[0]) : table.get(tok.norm)
    if (!candidates) continue
    for (const phrase of candidates) {
      const found = lang === 'zh' ? { at: matchHan(tokens, i, phrase.words), negated: false } : matchWords(tokens, i, phrase.words)
      if (!found?.at) continue
      const end = found.at[found.at.length - 1]
      if (phrase.notBefore && end + 1 < tokens.length && phrase.notBefore.test(tokens[end + 1].norm)) continue
      const negated = !phrase.litotes && (found.negated || negatedBefore(tokens, i) || negatedAfter(tokens, end))
      const valence = asked(tokens, end, lang) ? 0 : (negated ? -1 : 1) * (contrastAfter(tokens, end) ? 0.5 : 1)
      hits.push({ text: found.at.map((t) => tokens[t].raw).join(lang === 'zh' ? '' : ' '), valence, at: found.at })
      i = end
      break
    }
  }
  return hits
}

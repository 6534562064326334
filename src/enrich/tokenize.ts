// Shared tokenizer for sentiment rules, model features and explanations: a
// hand-written scanner (one pass over char codes, character classes cached),
// because one big Unicode regex cost most of the pipeline's time.
import { CONTRAST, INTENSIFIERS, NEGATORS, SEED_LEXICON } from './cues.ts'

export type TokenKind = 'word' | 'emoji' | 'emoticon' | 'punct' | 'url' | 'handle'

export interface Token {
  /** Lower-cased, with letter runs of 3+ collapsed to 2 (`soooo` → `soo`). */
  norm: string
  raw: string
  kind: TokenKind
  /** Shouted: all caps, at least 3 letters. */
  caps: boolean
  elongated: boolean
  han: boolean
}

const OTHER = 1
const WORD = 2
const HAN = 3
const PICTO = 4
const SPACE = 5
const PUNCT = 6

// Class of each BMP code unit, filled on first sight (0 = not yet known).
const classes = new Uint8Array(0x10000)
const WORD_RE = /[\p{L}\p{M}\p{N}]/u
const HAN_RE = /\p{Script=Han}/u
const PICTO_RE = /\p{Extended_Pictographic}/u
const EMOTICON_RE = /(?:[:;=][-^'o]?[)(\][dDpP3/\\|*@oO$]+|<3+|[)(][-^']?[:;=]|\^[_.]?\^|[tT]_[tT]|-_-|xD+)/y

function classOf(code: number): number {
  let c = classes[code]
  if (c) return c
  const ch = String.fromCharCode(code)
  if (/\s/.test(ch)) c = SPACE
  else if ('!?.,;:…'.includes(ch)) c = PUNCT
  else if (HAN_RE.test(ch)) c = HAN
  else if (WORD_RE.test(ch)) c = WORD
  else if (PICTO_RE.test(ch)) c = PICTO
  else c = OTHER
  classes[code] = c
  return c
}

const astralPicto = new Map<number, boolean>()
function isAstralPicto(cp: number): boolean {
  let v = astralPicto.get(cp)
  if (v === undefined) astralPicto.set(cp, (v = PICTO_RE.test(String.fromCodePoint(cp))))
  return v
}

// Chinese has no spaces. Intl.Segmenter costs ~200 µs a review, so Han runs are
// split greedily on the words our cues and lexicon know (longest first, up to
// 4 characters) and into single characters elsewhere; the models add char
// 1–3-grams over the whole run, which carry the rest.
let hanWords: Set<string> | undefined
const HAN_MAX = 4

function knownHanWords(): Set<string> {
  const words = new Set<string>()
  const add = (w: string) => {
    if (w.length > 1 && w.length <= HAN_MAX && [...w].every((ch) => HAN_RE.test(ch))) words.add(w)
  }
  for (const w of NEGATORS) add(w)
  for (const w of INTENSIFIERS.keys()) add(w)
  for (const w of CONTRAST) add(w)
  for (const w of Object.keys(SEED_LEXICON.zh)) add(w)
  return words
}

function pushHan(out: Token[], run: string) {
  hanWords ??= knownHanWords()
  let i = 0
  while (i < run.length) {
    let len = Math.min(HAN_MAX, run.length - i)
    while (len > 1 && !hanWords.has(run.slice(i, i + len))) len--
    const w = run.slice(i, i + len)
    out.push({ norm: w, raw: w, kind: 'word', caps: false, elongated: false, han: true })
    i += len
  }
}

function collapseRuns(s: string): string {
  let out = ''
  let run = 0
  for (let i = 0; i < s.length; i++) {
    run = i > 0 && s.charCodeAt(i) === s.charCodeAt(i - 1) && classOf(s.charCodeAt(i)) === WORD && !(s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) ? run + 1 : 1
    if (run <= 2) out += s[i]
  }
  return out
}

function hasRun(s: string): boolean {
  for (let i = 2; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === s.charCodeAt(i - 1) && c === s.charCodeAt(i - 2) && !(c >= 48 && c <= 57)) return true
  }
  return false
}

function pushWord(out: Token[], raw: string) {
  const lower = raw.toLowerCase().replace(/’/g, "'")
  const elongated = hasRun(lower)
  const norm = elongated ? collapseRuns(lower) : lower
  let caps = false
  if (raw !== lower && raw.length >= 3 && raw === raw.toUpperCase()) {
    let letters = 0
    for (let i = 0; i < raw.length; i++) if (raw[i] !== lower[i]) letters++
    caps = letters >= 3
  }
  out.push({ norm, raw, kind: 'word', caps, elongated, han: false })
}

const isWordish = (c: number) => c === WORD || c === HAN

/** Split normalized text into tokens. */
export function tokenize(text: string): Token[] {
  const out: Token[] = []
  const n = text.length
  let i = 0
  while (i < n) {
    const code = text.charCodeAt(i)
    const cls = code >= 0xd800 && code <= 0xdbff ? OTHER : classOf(code)
    if (cls === SPACE) {
      i++
      continue
    }
    // Links: up to the next whitespace.
    if ((code === 104 || code === 119) && (text.startsWith('http://', i) || text.startsWith('https://', i) || text.startsWith('www.', i))) {
      let j = i
      while (j < n && classOf(text.charCodeAt(j)) !== SPACE) j++
      out.push({ norm: 'URL', raw: text.slice(i, j), kind: 'url', caps: false, elongated: false, han: false })
      i = j
      continue
    }
    if ((code === 64 || code === 35) && i + 1 < n && (isWordish(classOf(text.charCodeAt(i + 1))) || text.charCodeAt(i + 1) === 95)) {
      let j = i + 1
      while (j < n && (isWordish(classOf(text.charCodeAt(j))) || text.charCodeAt(j) === 95)) j++
      if (code === 35) scanWord(out, text.slice(i + 1, j))
      else out.push({ norm: '@USER', raw: text.slice(i, j), kind: 'handle', caps: false, elongated: false, han: false })
      i = j
      continue
    }
    const cp = code >= 0xd800 && code <= 0xdbff ? text.codePointAt(i)! : code
    if (cp > 0xffff ? isAstralPicto(cp) : cls === PICTO) {
      let j = i + (cp > 0xffff ? 2 : 1)
      let norm = String.fromCodePoint(cp)
      // Variation selectors, skin tones and ZWJ sequences belong to the emoji.
      for (;;) {
        const next = text.codePointAt(j)
        if (next === 0xfe0f || (next !== undefined && next >= 0x1f3fb && next <= 0x1f3ff)) j += next > 0xffff ? 2 : 1
        else if (next === 0x200d) {
          const after = text.codePointAt(j + 1)
          if (after === undefined || !(after > 0xffff ? isAstralPicto(after) : classOf(after) === PICTO)) break
          norm += '\u200d' + String.fromCodePoint(after)
          j += 1 + (after > 0xffff ? 2 : 1)
        } else break
      }
      out.push({ norm, raw: text.slice(i, j), kind: 'emoji', caps: false, elongated: false, han: false })
      i = j
      continue
    }
    if (':;=<)(^xtT-'.includes(text[i])) {
      EMOTICON_RE.lastIndex = i
      const m = EMOTICON_RE.exec(text)
      if (m && (i + m[0].length >= n || !isWordish(classOf(text.charCodeAt(i + m[0].length))))) {
        out.push({ norm: m[0].toLowerCase().replace(/-/g, ''), raw: m[0], kind: 'emoticon', caps: false, elongated: false, han: false })
        i += m[0].length
        continue
      }
    }
    if (isWordish(cls)) {
      let j = i + 1
      for (;;) {
        if (j >= n) break
        const c = text.charCodeAt(j)
        const k = c >= 0xd800 && c <= 0xdbff ? OTHER : classOf(c)
        if (isWordish(k)) j++
        else if ((c === 39 || c === 0x2019) && j + 1 < n && isWordish(classOf(text.charCodeAt(j + 1)))) j += 2
        else break
      }
      scanWord(out, text.slice(i, j))
      i = j
      continue
    }
    if (cls === PUNCT) {
      let j = i + 1
      while (j < n && classOf(text.charCodeAt(j)) === PUNCT) j++
      const raw = text.slice(i, j)
      out.push({ norm: raw[0] === '.' || raw[0] === '…' ? '.' : raw.length > 1 ? raw[0] + raw[0] : raw, raw, kind: 'punct', caps: false, elongated: raw.length > 1, han: false })
      i = j
      continue
    }
    i += cp > 0xffff ? 2 : 1
  }
  return out
}

/** A word that may mix Han and other letters ("iPhone很好") is split into Han and non-Han parts. */
function scanWord(out: Token[], raw: string) {
  let start = 0
  let han = classOf(raw.charCodeAt(0)) === HAN
  for (let j = 1; j <= raw.length; j++) {
    const isHan = j < raw.length && classOf(raw.charCodeAt(j)) === HAN
    if (j === raw.length || isHan !== han) {
      const part = raw.slice(start, j)
      if (han) pushHan(out, part)
      else pushWord(out, part)
      start = j
      han = isHan
    }
  }
}

// Hashed features shared by training (scripts/train-*.ts) and scoring, so the
// two can never drift apart. A text is hashed once (hashTokens) and projected
// into each model's table (project): its language's private space and a
// shared one (emoji, names, loanwords and punctuation carry across
// languages). No strings are built per n-gram: hashes roll over char codes.
import { NEGATORS } from './cues.ts'
import { tokenize, type Token } from './tokenize.ts'

const FNV = 0x01000193
const SEED_WORD = 0x2f1b3c4d
const SEED_NEG = 0x5bd1e995
const SEED_BIGRAM = 0x1b873593
const SEED_CHAR = 0x6c8e9cf5
const SEED_HAN = 0x3c6ef372
const SEED_DENSE = 0x7f4a7c15
const SEED_TITLE = 0x4cf5ad43
const SEED_HEADING = 0x3a9e1c27

/** What a raw hash is, so a projection can leave some kinds out. */
const PLAIN = 0
const TITLE = 1
const CHARGRAM = 2

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV)
  return h >>> 0
}

/** Seed of a language's private feature space. */
export const langSeed = (lang: string) => hashString(`lang:${lang}`)

/** Raw feature hashes of one text, before any table size or language is applied. */
export class HashedText {
  h = new Int32Array(2048)
  tok = new Int32Array(2048)
  kind = new Uint8Array(2048)
  n = 0

  push(h: number, t: number, kind: number) {
    if (this.n === this.h.length) {
      const size = this.n * 2
      this.h = grow(this.h, new Int32Array(size))
      this.tok = grow(this.tok, new Int32Array(size))
      this.kind = grow(this.kind, new Uint8Array(size))
    }
    this.h[this.n] = h
    this.tok[this.n] = t
    this.kind[this.n] = kind
    this.n++
  }
}

const grow = <A extends Int32Array | Float32Array | Uint8Array>(a: A, b: A) => (b.set(a), b)

/** A reusable sparse vector: parallel arrays, `n` used entries. `tok` maps each entry to the token that produced it (-1: a dense or whole-text feature, -2: a bias). */
export class FeatureVector {
  idx = new Int32Array(4096)
  val = new Float32Array(4096)
  tok = new Int32Array(4096)
  n = 0
  /** Entries before this index are sparse text features; after it come dense features and biases. */
  sparse = 0

  reset() {
    this.n = 0
    this.sparse = 0
  }

  push(i: number, v: number, t: number) {
    if (this.n === this.idx.length) {
      const size = this.n * 2
      this.idx = grow(this.idx, new Int32Array(size))
      this.val = grow(this.val, new Float32Array(size))
      this.tok = grow(this.tok, new Int32Array(size))
    }
    this.idx[this.n] = i
    this.val[this.n] = v
    this.tok[this.n] = t
    this.n++
  }
}

export interface FeatureOptions {
  bits: number
  /** Language space seed (see langSeed); 0 emits only the shared space. */
  lang: number
  /** Dense, unnormalized features (lexicon scores, rating prior). */
  dense?: number[]
  /** Emit the title-space copies of the first tokens (see hashTokens). */
  title?: boolean
  /** Char n-grams inside words (default on); long technical texts do better on words alone. */
  charGrams?: boolean
  /** Only features of the first this many tokens (default all): an issue's opening says what it is, its logs and stack traces blur it. */
  maxTokens?: number
  /** Raw hashes read from the whole text whatever maxTokens says (see headingHashes), weighed like the text features. */
  extra?: number[]
}

/**
 * Raw hashes of a token list: word unigrams with negation marking, word
 * bigrams, char 3–4-grams inside words, char 1–3-grams over Han runs, emoji
 * and emoticons; the first `titleTokens` tokens' words and bigrams again in
 * a title space.
 */
export function hashTokens(tokens: Token[], titleTokens: number, out: HashedText): void {
  out.n = 0
  let negated = false
  let prev = 0
  let han: number[] = []
  let hanTok = -1
  const flushHan = () => {
    for (let i = 0; i < han.length; i++) {
      let h = SEED_HAN
      for (let j = i; j < han.length && j < i + 3; j++) {
        h = Math.imul(h ^ han[j], FNV)
        out.push(h, hanTok, PLAIN)
      }
    }
    han = []
  }
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]
    if (tok.han) {
      if (!han.length) hanTok = t
      for (let i = 0; i < tok.norm.length; i++) han.push(tok.norm.charCodeAt(i))
    } else if (han.length) flushHan()
    if (tok.kind === 'punct') {
      out.push(hashString(tok.norm, SEED_WORD), t, PLAIN)
      negated = false
      prev = 0
      continue
    }
    const norm = tok.norm
    let h = hashString(norm, SEED_WORD)
    if (NEGATORS.has(norm)) {
      negated = true
      out.push(h, t, PLAIN)
      prev = h
      continue
    }
    if (negated && tok.kind === 'word') h ^= SEED_NEG
    out.push(h, t, PLAIN)
    if (prev) out.push(Math.imul(prev ^ SEED_BIGRAM, FNV) ^ h, t, PLAIN)
    if (t < titleTokens) {
      out.push(h ^ SEED_TITLE, t, TITLE)
      if (prev) out.push(Math.imul(prev ^ SEED_TITLE, FNV) ^ h, t, TITLE)
    }
    prev = h
    if (tok.caps) out.push(SEED_WORD ^ 1, t, PLAIN)
    if (tok.elongated) out.push(SEED_WORD ^ 2, t, PLAIN)
    if (tok.kind !== 'word' || tok.han) continue
    // Char 3–4-grams with word boundaries (^ + word + $): 2- and 5-grams cost lookups for no measured gain.
    const len = norm.length + 2
    for (let i = 0; i < len - 1; i++) {
      let c = SEED_CHAR
      for (let j = i; j < len && j < i + 4; j++) {
        const code = j === 0 ? 2 : j === len - 1 ? 3 : norm.charCodeAt(j - 1)
        c = Math.imul(c ^ code, FNV)
        if (j > i + 1) out.push(c, t, CHARGRAM)
      }
    }
  }
  if (han.length) flushHan()
}

// A Markdown heading or a line that is bold and nothing else: how issue templates mark their sections.
const HEADING_LINE = /^(?:#{1,6} +(.+?)|\*\*([^*\n]+?)\*\*:?|__([^_\n]+?)__:?)[ \t]*$/gm

/**
 * Hashes of the words of an issue's section headings ("### Steps to reproduce",
 * "**Describe the solution you'd like**"), in their own space apart from body
 * words. Read from the whole text: an issue's template says what kind of issue
 * it is even where its opening is a log.
 */
export function headingHashes(text: string): number[] {
  const out: number[] = []
  for (const m of text.matchAll(HEADING_LINE)) {
    for (const tok of tokenize(m[1] ?? m[2] ?? m[3])) if (tok.kind === 'word') out.push(hashString(tok.norm, SEED_HEADING))
  }
  return out
}

/** Place raw hashes into one model's table. Sparse values are L2-normalized so long and short texts live on one scale. */
export function project(text: HashedText, opts: FeatureOptions, out: FeatureVector): void {
  out.reset()
  const mask = (1 << opts.bits) - 1
  const lseed = opts.lang
  const title = opts.title ?? false
  const charGrams = opts.charGrams ?? true
  const maxTokens = opts.maxTokens ?? Infinity
  for (let i = 0; i < text.n; i++) {
    const kind = text.kind[i]
    if ((kind === TITLE && !title) || (kind === CHARGRAM && !charGrams) || text.tok[i] >= maxTokens) continue
    const h = text.h[i]
    if (lseed) out.push(fmix(h ^ lseed) & mask, 1, text.tok[i])
    out.push(fmix(h) & mask, 1, text.tok[i])
  }
  for (const h of opts.extra ?? []) {
    if (lseed) out.push(fmix(h ^ lseed) & mask, 1, -1)
    out.push(fmix(h) & mask, 1, -1)
  }
  const perSpace = lseed ? out.n / 2 : out.n
  const norm = perSpace ? 1 / Math.sqrt(perSpace) : 0
  for (let i = 0; i < out.n; i++) out.val[i] = norm
  out.sparse = out.n
  const dense = opts.dense ?? []
  for (let k = 0; k < dense.length; k++) {
    if (!dense[k]) continue
    const h = Math.imul(SEED_DENSE ^ k, FNV)
    if (lseed) out.push(fmix(h ^ lseed) & mask, dense[k], -1)
    out.push(fmix(h) & mask, dense[k], -1)
  }
  // Bias: one per language space and one shared (token -2: belongs to no token and no dense feature).
  if (lseed) out.push(fmix(SEED_DENSE ^ lseed) & mask, 1, -2)
  out.push(fmix(SEED_DENSE) & mask, 1, -2)
}

// Shared tokenizer for sentiment rules, model features and explanations. One
// pass with one regex; Chinese runs are split into words with Intl.Segmenter.

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

const TOKEN_RE =
  /(https?:\/\/\S+|www\.\S+)|([@#][\p{L}\p{N}_]+)|(\p{Extended_Pictographic}(?:\ufe0f|\u200d\p{Extended_Pictographic}|\p{Emoji_Modifier})*)|((?:[:;=8][-^'o]?[)(\][dDpP3/\\|*@oO$]+)(?![\p{L}\p{N}])|<3+|[)(][-^']?[:;=]|\^[_.]?\^|[tT]_[tT]|-_-|xD+)|([\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}]+)*)|([!?.,;:…]+)/gu

const HAN_RE = /\p{Script=Han}/u
let segmenter: Intl.Segmenter | undefined

function pushHan(out: Token[], run: string) {
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' })
  for (const s of segmenter.segment(run)) {
    if (!s.isWordLike) continue
    out.push({ norm: s.segment, raw: s.segment, kind: 'word', caps: false, elongated: false, han: true })
  }
}

/** Split normalized text into tokens. */
export function tokenize(text: string): Token[] {
  const out: Token[] = []
  for (const m of text.matchAll(TOKEN_RE)) {
    const raw = m[0]
    if (m[1]) out.push({ norm: 'URL', raw, kind: 'url', caps: false, elongated: false, han: false })
    else if (m[2]) {
      if (raw[0] === '#') pushWord(out, raw.slice(1))
      else out.push({ norm: '@USER', raw, kind: 'handle', caps: false, elongated: false, han: false })
    } else if (m[3]) out.push({ norm: raw.replace(/\ufe0f|\p{Emoji_Modifier}/gu, ''), raw, kind: 'emoji', caps: false, elongated: false, han: false })
    else if (m[4]) out.push({ norm: raw.toLowerCase().replace(/-/g, ''), raw, kind: 'emoticon', caps: false, elongated: false, han: false })
    else if (m[5]) pushWord(out, raw)
    else out.push({ norm: raw[0] === '.' || raw[0] === '…' ? '.' : raw.length > 1 ? raw[0] + raw[0] : raw, raw, kind: 'punct', caps: false, elongated: raw.length > 1, han: false })
  }
  return out
}

function pushWord(out: Token[], raw: string) {
  if (HAN_RE.test(raw)) {
    // Mixed runs ("iPhone很好") are split into Han and non-Han parts.
    for (const part of raw.split(/(\p{Script=Han}+)/u)) {
      if (!part) continue
      if (HAN_RE.test(part)) pushHan(out, part)
      else pushWord(out, part)
    }
    return
  }
  const lower = raw.toLowerCase().replace(/’/g, "'")
  const collapsed = lower.replace(/(\p{L})\1{2,}/gu, '$1$1')
  const letters = raw.replace(/[^\p{L}]/gu, '')
  const caps = letters.length >= 3 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()
  out.push({ norm: collapsed, raw, kind: 'word', caps, elongated: collapsed.length < lower.length, han: false })
}

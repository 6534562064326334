// Stage 2: language. Unambiguous scripts decide alone (Cyrillic → ru, Greek →
// el, Han → zh); an upstream hint wins when the script agrees with it; Latin
// text goes to a trained char n-gram model (models/lang.ts), and to franc
// restricted to our languages when that model is unsure. franc alone misreads
// short tweets (about 85% on our held-out text) and costs ~100 µs a text.
import { francAll } from 'franc'
import { LATIN_LANG_MODELS } from '../../models/lang.ts'
import { FeatureVector, project, type HashedText } from './features.ts'
import { MultiLinearModel } from './linear.ts'
import type { Token } from './tokenize.ts'

export const LANG_VERSION = 4

/** Languages the pipeline understands; anything else is `und`. */
export const LANGUAGES = ['en', 'es', 'de', 'fr', 'it', 'pt', 'nl', 'ru', 'no', 'el', 'zh'] as const
export type Lang = (typeof LANGUAGES)[number] | 'und'

const FRANC_TO_OURS: Record<string, Lang> = { eng: 'en', spa: 'es', deu: 'de', fra: 'fr', ita: 'it', por: 'pt', nld: 'nl', nob: 'no', nno: 'no' }
const FRANC_ONLY = Object.keys(FRANC_TO_OURS)
const LATIN_LANGS = new Set<string>(['en', 'es', 'de', 'fr', 'it', 'pt', 'nl', 'no'])
const HINT_ALIASES: Record<string, Lang> = { nb: 'no', nn: 'no', nob: 'no', nno: 'no', eng: 'en', spa: 'es', deu: 'de', ger: 'de', fra: 'fr', fre: 'fr', ita: 'it', por: 'pt', nld: 'nl', dut: 'nl', rus: 'ru', ell: 'el', gre: 'el', zho: 'zh', chi: 'zh', cmn: 'zh' }

export interface LangResult {
  lang: Lang
  confidence: number
}

/** `en-US` → `en`, `nb` → `no`; undefined when the hint is not one of ours. */
export function normalizeLangHint(hint: string | undefined): Lang | undefined {
  if (!hint) return undefined
  const base = hint.toLowerCase().split(/[-_]/)[0]
  const lang = HINT_ALIASES[base] ?? base
  return (LANGUAGES as readonly string[]).includes(lang) ? (lang as Lang) : undefined
}

interface ScriptCounts {
  latin: number
  cyrillic: number
  greek: number
  han: number
  kana: number
  other: number
}

function countScripts(text: string, c: ScriptCounts): void {
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (ch < 0x80) {
      if ((ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122)) c.latin++
    } else if (ch >= 0xc0 && ch <= 0x24f) c.latin++
    else if (ch >= 0x400 && ch <= 0x4ff) c.cyrillic++
    else if (ch >= 0x370 && ch <= 0x3ff) c.greek++
    else if (ch >= 0x1f00 && ch <= 0x1fff) c.greek++
    else if ((ch >= 0x4e00 && ch <= 0x9fff) || (ch >= 0x3400 && ch <= 0x4dbf) || (ch >= 0xf900 && ch <= 0xfaff)) c.han++
    else if (ch >= 0x3040 && ch <= 0x30ff) c.kana++
    else if (ch >= 0xd800 && ch <= 0xdfff) continue
    else if (/\p{L}/u.test(text[i])) c.other++
  }
}

const LATIN_LANG_ORDER = Object.keys(LATIN_LANG_MODELS) as Lang[]
const model = new MultiLinearModel(LATIN_LANG_ORDER.map((l) => LATIN_LANG_MODELS[l]))
const fv = new FeatureVector()
const logits = new Float64Array(LATIN_LANG_ORDER.length)
// Below this share of the softmax the model asks franc too.
const SURE = 0.35

function detectLatin(words: string, hashed: HashedText): LangResult {
  project(hashed, { bits: model.bits, lang: 0 }, fv)
  model.score(fv, logits)
  let best = 0
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i
  let total = 0
  for (let i = 0; i < logits.length; i++) total += Math.exp(logits[i] - logits[best])
  const probs = Array.from(logits, (z) => Math.exp(z - logits[best]) / total)
  if (probs[best] >= SURE) return { lang: LATIN_LANG_ORDER[best], confidence: probs[best] }
  // Blend with franc's ranking (1 for its best, less for the rest) when the model hesitates.
  const ranked = francAll(words, { only: FRANC_ONLY, minLength: 1 })
  const franc = new Map<Lang, number>()
  for (const [code, score] of ranked) {
    const lang = FRANC_TO_OURS[code]
    if (lang && !franc.has(lang)) franc.set(lang, score)
  }
  const blended = LATIN_LANG_ORDER.map((lang, i) => probs[i] + 0.5 * Math.max(0, (franc.get(lang) ?? 0) - 0.9) * 10)
  best = blended.indexOf(Math.max(...blended))
  return { lang: LATIN_LANG_ORDER[best], confidence: probs[best] }
}

/**
 * Detect the language of a text from its tokens (links and handles are
 * language-neutral and skipped) and their hashes, using the upstream's hint
 * when it is consistent with the script.
 */
export function detectLang(tokens: Token[], hashed: HashedText, hint?: string): LangResult {
  const c: ScriptCounts = { latin: 0, cyrillic: 0, greek: 0, han: 0, kana: 0, other: 0 }
  for (const t of tokens) if (t.kind === 'word') countScripts(t.raw, c)
  const letters = c.latin + c.cyrillic + c.greek + c.han + c.kana + c.other
  const hinted = normalizeLangHint(hint)
  if (letters === 0) return hinted ? { lang: hinted, confidence: 0.5 } : { lang: 'und', confidence: 0 }
  if (c.kana > 0 && c.kana * 4 >= c.han) return { lang: 'und', confidence: 0 }
  const top = Math.max(c.latin, c.cyrillic, c.greek, c.han, c.other)
  const share = top / letters
  if (c.han === top) return { lang: 'zh', confidence: share }
  if (c.cyrillic === top) return { lang: 'ru', confidence: share * (hinted && hinted !== 'ru' ? 0.6 : 1) }
  if (c.greek === top) return { lang: 'el', confidence: share }
  if (c.other === top) return { lang: 'und', confidence: 0 }
  if (hinted && LATIN_LANGS.has(hinted)) return { lang: hinted, confidence: 0.95 }
  const words = tokens.filter((t) => t.kind === 'word').map((t) => t.raw).join(' ')
  const found = detectLatin(words, hashed)
  return { lang: found.lang, confidence: Math.round(found.confidence * share * 1000) / 1000 }
}

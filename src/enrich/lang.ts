// Stage 2: language. Unambiguous scripts decide alone (Cyrillic → ru, Greek →
// el, Han → zh); Latin text goes to franc restricted to our languages; an
// upstream hint wins when the script agrees with it.
import { francAll } from 'franc'

export const LANG_VERSION = 1

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

function countScripts(text: string): ScriptCounts {
  const c: ScriptCounts = { latin: 0, cyrillic: 0, greek: 0, han: 0, kana: 0, other: 0 }
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
  return c
}

// URLs, handles and hashtag marks are language-neutral noise for trigram matching.
const stripNoise = (text: string) => text.replace(/https?:\/\/\S+|www\.\S+|[@#]/g, (m) => (m === '#' ? '' : m === '@' ? '' : ' '))

/** Detect the language of normalized text, using the upstream's hint when it is consistent with the script. */
export function detectLang(text: string, hint?: string): LangResult {
  const c = countScripts(text)
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
  const ranked = francAll(stripNoise(text), { only: FRANC_ONLY, minLength: 1 })
  const first = FRANC_TO_OURS[ranked[0][0]]
  if (!first) return { lang: 'und', confidence: 0 }
  // franc scores are 1 for the best and a fraction for the rest; the gap to the runner-up is our confidence.
  const runnerUp = ranked.find(([code]) => FRANC_TO_OURS[code] !== first)?.[1] ?? 0
  return { lang: first, confidence: Math.min(1, 0.3 + (1 - runnerUp) * 5) * share }
}

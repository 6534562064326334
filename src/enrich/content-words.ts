// The content words of feedback in any of our languages, for the themes of
// survey comments and the clusters of suggested tickets. Function words go
// ("the", "de la", "μετά την", "的") whatever language a text is in, from the
// `stopword` package's lists; negations, and the words that judge in German's
// list ("gut", "schlecht"), stay. Chinese, written without spaces, is read as
// pairs of characters, the usual unit of its words.
import { deu, ell, eng, fra, ita, nld, nob, por, rus, spa, zho } from 'stopword'
import { NEGATORS } from './cues.ts'
import { hasValence } from './lexicon.ts'

/** Greek's list is written without accents and with σ for ς: words are compared that way. */
const fold = (word: string) => word.normalize('NFD').replace(/\p{M}/gu, '').replace(/ς/g, 'σ')

const LISTS: Record<string, string[]> = { en: eng, es: spa, de: deu, fr: fra, it: ita, nl: nld, no: nob, pt: por, ru: rus, el: ell }
// German's list (621 words) also holds words that judge ("gut", "schlecht", "besser", "leider"): those stay. What the
// lexicons score in the other lists is their noise ("more", "και"), so those lists are taken whole.
const judges = (lang: string, word: string) => lang === 'de' && hasValence(lang, word)
const FUNCTION_WORDS = new Set(
  Object.entries(LISTS).flatMap(([lang, words]) => words.filter((w) => !NEGATORS.has(w) && !judges(lang, w)).map(fold)),
)
const FUNCTION_CHARS = new Set(zho)
const HAN = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/

/**
 * The text's words in reading order, lower-cased, with null where a function
 * word, a number or a word under three letters stood (so a pair is never read
 * across one). A run of Chinese gives its character pairs that hold no
 * function character, each standing alone.
 */
export function contentWords(text: string): (string | null)[] {
  const out: (string | null)[] = []
  for (const [word] of text.toLowerCase().matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)) {
    if (HAN.test(word)) {
      for (let i = 0; i + 1 < word.length; i++) {
        if (!FUNCTION_CHARS.has(word[i]) && !FUNCTION_CHARS.has(word[i + 1])) out.push(word.slice(i, i + 2), null)
      }
      continue
    }
    const w = word.replace(/’/g, "'")
    out.push(w.length < 3 || /^\d+$/.test(w) || FUNCTION_WORDS.has(fold(w)) ? null : w)
  }
  return out
}

// Texts as weighted term vectors, compared by cosine: how suggested tickets
// cluster mentions, and how a mention finds the open tickets it is like.
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js'
import { contentWords } from '../enrich/content-words.ts'

export type Vector = Map<string, number>

// Words every complaint uses, which tell clusters nothing.
const NOISE = new Set(['app', 'just', 'get', 'got', 'really', 'still', 'please', 'thanks', 'can', 'now', 'one', 'also', 'even'])

/** Content words of a text, in any of our languages; English ones stemmed so "crash", "crashes", "crashing" are one term. */
export function terms(text: string, lang: string): { term: string; word: string }[] {
  const out: { term: string; word: string }[] = []
  for (const found of contentWords(text)) {
    const word = found?.replace(/'s$/, '')
    if (!word || NOISE.has(word)) continue
    out.push({ term: lang === 'en' || lang === 'und' ? PorterStemmer.stem(word) : word, word })
  }
  return out
}

export const norm = (v: Vector) => Math.sqrt([...v.values()].reduce((s, x) => s + x * x, 0))

export function cosine(a: Vector, b: Vector, na: number, nb: number): number {
  if (na === 0 || nb === 0) return 0
  const [small, big] = a.size < b.size ? [a, b] : [b, a]
  let dot = 0
  for (const [k, x] of small) dot += x * (big.get(k) ?? 0)
  return dot / (na * nb)
}


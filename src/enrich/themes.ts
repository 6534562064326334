// Top themes in unhappy feedback: the words and word pairs that the most
// comments or mentions share, after dropping function words in every
// language. Pure; enough to point a product team at "export crashes" without a
// topic model.
import { contentWords } from './content-words.ts'
import { NEGATORS } from './cues.ts'

// Words every piece of feedback uses, which point nowhere.
const NOISE = new Set(
  `also get got really still even much many one thing things lot like please thanks thank make makes made use used using app
  product service can't cannot won't isn't it's i'm i've don't doesn't didn't`.split(/\s+/),
)

export interface Theme {
  term: string
  /** Texts that mention it. */
  count: number
}

export function topThemes(texts: readonly string[], limit = 10): Theme[] {
  const counts = new Map<string, number>()
  for (const text of texts) {
    const words = contentWords(text).map((w) => (w === null || NOISE.has(w) ? null : w))
    const terms = new Set<string>()
    words.forEach((w, i) => {
      if (w === null) return
      // "not" alone names nothing; "funktioniert nicht" does.
      if (!NEGATORS.has(w)) terms.add(w)
      const next = words[i + 1]
      if (next) terms.add(`${w} ${next}`)
    })
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1)
  }
  const ranked = [...counts].filter(([, n]) => n >= 2 || texts.length < 2)
  ranked.sort(([a, x], [b, y]) => y - x || b.split(' ').length - a.split(' ').length || a.localeCompare(b))
  // A word that only ever appears inside a listed pair adds nothing.
  const out: Theme[] = []
  for (const [term, count] of ranked) {
    if (!term.includes(' ') && out.some((o) => o.count === count && o.term.split(' ').includes(term))) continue
    out.push({ term, count })
    if (out.length === limit) break
  }
  return out
}

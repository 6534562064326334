// Top themes in unhappy comments: the words and word pairs that the most
// comments share, after dropping function words. Pure; enough to point a
// product team at "export crashes" without a topic model.

const STOPWORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by can
  could did do does doing don down during each few for from further had has have having he her here hers herself him himself his
  how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out
  over own same she should so some such than that the their theirs them themselves then there these they this those through to too
  under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves
  also get got really still even much many one thing things lot like can't cannot won't isn't it's i'm i've don't doesn't didn't
  please thanks thank would could should make makes made use used using app product service`.split(/\s+/),
)

export interface Theme {
  term: string
  /** Comments that mention it. */
  count: number
}

function tokens(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).map((t) => t.replace(/’/g, "'"))
}

const meaningful = (t: string) => t.length >= 3 && !STOPWORDS.has(t) && !/^\d+$/.test(t)

export function topThemes(comments: readonly string[], limit = 10): Theme[] {
  const counts = new Map<string, number>()
  for (const comment of comments) {
    const words = tokens(comment)
    const terms = new Set<string>()
    words.forEach((w, i) => {
      if (!meaningful(w)) return
      terms.add(w)
      const next = words[i + 1]
      if (next !== undefined && meaningful(next)) terms.add(`${w} ${next}`)
    })
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1)
  }
  const ranked = [...counts].filter(([, n]) => n >= 2 || comments.length < 2)
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

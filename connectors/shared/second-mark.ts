/**
 * A mark for upstreams listed by a time to the second (ticket lists, conversation searches): the time of the newest
 * item read and the ids read at exactly that time, so items sharing the second are neither skipped nor read twice
 * when the next run asks again from that second.
 */
export interface SecondMark {
  at: string
  ids: number[]
}

/** Whether an item at `at` (an upstream time) with `id` is past the mark. */
export function pastMark(at: string, id: number, mark: SecondMark | null): boolean {
  if (!mark) return true
  const t = Date.parse(at)
  const since = Date.parse(mark.at)
  return t > since || (t === since && !mark.ids.includes(id))
}

/** The mark moved over an item: a later second starts anew, the same second adds its id. */
export function moveMark(mark: SecondMark | null, at: string, id: number): SecondMark {
  const iso = new Date(at).toISOString()
  if (!mark || Date.parse(iso) > Date.parse(mark.at)) return { at: iso, ids: [id] }
  return mark.ids.includes(id) ? mark : { ...mark, ids: [...mark.ids, id] }
}

import { z } from 'zod'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'

/**
 * A time high-water mark: the newest publishedAt seen and the ids seen at
 * exactly that instant, so items sharing the boundary second are neither
 * repeated nor skipped. It only moves forward.
 */
export const Watermark = z.object({ since: z.iso.datetime(), ids: z.array(z.string()) })
export type Watermark = z.infer<typeof Watermark>

export function isNew(item: MentionItem, mark: Watermark | null): boolean {
  if (!mark) return true
  const t = item.publishedAt.getTime()
  const since = Date.parse(mark.since)
  return t > since || (t === since && !mark.ids.includes(item.externalId))
}

export function advanceWatermark(mark: Watermark | null, items: MentionItem[]): Watermark | null {
  let best = mark ? Date.parse(mark.since) : -Infinity
  let ids = mark ? [...mark.ids] : []
  for (const item of items) {
    const t = item.publishedAt.getTime()
    if (t > best) {
      best = t
      ids = [item.externalId]
    } else if (t === best && !ids.includes(item.externalId)) {
      ids.push(item.externalId)
    }
  }
  return Number.isFinite(best) ? { since: new Date(best).toISOString(), ids } : null
}

/**
 * Adds the items of one newest-first page that the mark has not covered to
 * `into`; true while the whole page was new (older pages may hold more).
 */
export function takeNew(page: MentionItem[], mark: Watermark | null, into: MentionItem[]): boolean {
  const fresh = page.filter((m) => isNew(m, mark))
  into.push(...fresh)
  return fresh.length === page.length
}

/** A run's result: at most `max` of the items, and the mark moved past what was kept. */
export function keptWithMark(items: MentionItem[], mark: Watermark | null, max: number): { items: MentionItem[]; cursor: Watermark | null } {
  const kept = items.slice(0, max)
  return { items: kept, cursor: advanceWatermark(mark, kept) }
}

/** Newest first, at most `max`: what a bounded run keeps when an upstream offers more. */
export const newestFirst = (items: MentionItem[], max: number) =>
  [...items].sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime()).slice(0, max)

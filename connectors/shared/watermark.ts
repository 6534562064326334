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

/** Newest first, at most `max`: what a bounded run keeps when an upstream offers more. */
export const newestFirst = (items: MentionItem[], max: number) =>
  [...items].sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime()).slice(0, max)

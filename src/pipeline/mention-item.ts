import { z } from 'zod'

const count = z.number().int().min(0)

/** The one shape every connector returns and every push carries: one mention, normalized. */
export const MentionItem = z.object({
  /** Stable and unique per source; re-fetching the same item yields the same id. */
  externalId: z.string().min(1).max(500),
  url: z.string().max(4000),
  author: z.object({
    handle: z.string().max(500),
    name: z.string().max(500).optional(),
    profileUrl: z.string().max(4000).optional(),
    followers: count.optional(),
  }),
  title: z.string().max(2000).optional(),
  /** Plain text: HTML stripped, entities decoded. */
  text: z.string().max(100_000),
  /** The upstream's own language tag, when it gives one. */
  lang: z.string().max(35).optional(),
  publishedAt: z.date(),
  rating: z.number().min(1).max(5).optional(),
  /** The version of the app a review is about, as the store reports it. */
  version: z.string().min(1).max(100).optional(),
  engagement: z.object({ likes: count.optional(), replies: count.optional(), shares: count.optional() }),
  /** The upstream item as received, kept for reprocessing. */
  raw: z.unknown(),
  /**
   * The answer the account behind the source already gave there, outside
   * earshot (a developer's reply under a review): it counts as answered.
   */
  ownerReply: z.object({ text: z.string().min(1).max(10_000), at: z.date(), by: z.string().min(1).max(100) }).optional(),
  /** Where the author's handle lives when it differs from the source kind (`twitter`, `zendesk`, `email`, …). */
  platform: z.string().min(1).max(50).optional(),
})
export type MentionItem = z.infer<typeof MentionItem>

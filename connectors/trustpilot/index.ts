import { z } from 'zod'
import { parseJson } from '../../src/net/parse.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { defineConnector } from '../types.ts'

/** New reviews; other events (edits, replies, future names) are ignored: a stored mention is never rewritten by its source. */
const REVIEW_EVENTS = new Set(['service-review-created'])

const Review = z.object({
  id: z.string().min(1),
  language: z.string().nullish(),
  stars: z.number().int().min(1).max(5),
  title: z.string().nullish(),
  text: z.string().default(''),
  referenceId: z.string().nullish(),
  createdAt: z.string(),
  isVerified: z.boolean().nullish(),
  consumer: z.object({ id: z.string(), name: z.string().nullish() }).loose(),
})
const Event = z.object({ eventName: z.string(), version: z.string().optional(), eventData: z.unknown() })
/** The webhook body: `{events: [...]}`. Validated per event, so one unknown event never drops the others. */
export const TrustpilotWebhook = z.object({ events: z.array(Event).min(1).max(1000) })
type Review = z.infer<typeof Review>

const withoutEllipsis = (s: string) => s.replace(/…$/, '')

const API = 'https://api.trustpilot.com'
const Token = z.object({ access_token: z.string().min(1) })

export function toMention(r: Review): MentionItem {
  const name = r.consumer.name?.trim()
  const title = r.title?.trim()
  // Trustpilot cuts a title that is just the text's opening with "…": then it adds nothing.
  const redundant = !title || (title.endsWith('…') && r.text.startsWith(withoutEllipsis(title)))
  return {
    externalId: r.id,
    url: `https://www.trustpilot.com/reviews/${r.id}`,
    author: { handle: name || r.consumer.id, ...(name ? { name } : {}), profileUrl: `https://www.trustpilot.com/users/${r.consumer.id}` },
    ...(redundant ? {} : { title }),
    text: r.text || title || '',
    ...(r.language ? { lang: r.language } : {}),
    publishedAt: new Date(r.createdAt),
    rating: r.stars,
    engagement: {},
    raw: r,
  }
}

/** The review mentions in a webhook body, and how many events were not reviews or did not parse. */
export function reviewsOf(body: z.infer<typeof TrustpilotWebhook>): { items: MentionItem[]; ignored: number } {
  const items: MentionItem[] = []
  for (const event of body.events) {
    const review = REVIEW_EVENTS.has(event.eventName) ? Review.safeParse(event.eventData) : undefined
    if (review?.success) items.push(toMention(review.data))
  }
  return { items, ignored: body.events.length - items.length }
}

export const trustpilotConnector = defineConnector({
  kind: 'trustpilot',
  description: "Trustpilot service reviews, pushed by Trustpilot's webhook to POST /hooks/trustpilot/{sourceId} with the source's webhookSecret (no polling).",
  config: z.strictObject({
    /** What Trustpilot must send (as ?token= or the Basic auth password) for a delivery to count. */
    webhookSecret: z.string().min(24, 'at least 24 characters, e.g. `openssl rand -hex 24`').max(200),
    /** To reply: an application's API key and secret (Integrations → Developers → APIs) and the business user who answers. */
    apiKey: z.string().min(1).optional(),
    apiSecret: z.string().min(1).optional(),
    businessUserId: z.string().min(1).optional(),
  }),
  cursor: z.null(),
  secrets: ['webhookSecret', 'apiSecret'],
  urls: [],
  reply: {
    // The company's public reply under the review, as that business user; a review has one, and a new one replaces it.
    requires: ['apiKey', 'apiSecret', 'businessUserId'],
    async send(ctx, config, target, text) {
      const res = await ctx.fetch(`${API}/v1/oauth/oauth-business-users-for-applications/accesstoken`, {
        method: 'POST',
        headers: { authorization: `Basic ${btoa(`${config.apiKey}:${config.apiSecret}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      })
      // Trustpilot answers a reply with 201 and nothing to read: the status is the receipt.
      await ctx.fetch(`${API}/v1/private/reviews/${encodeURIComponent(target.externalId)}/reply`, {
        method: 'POST',
        headers: { authorization: `Bearer ${parseJson(res, Token).access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: text, authorBusinessUserId: config.businessUserId }),
      })
      return { externalId: `${target.externalId}/reply`, url: target.url }
    },
  },
})

import { z } from 'zod'
import { parseJson } from '../../src/net/parse.ts'
import { tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { signJwt } from '../shared/jwt.ts'
import { keptWithMark, takeNew, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector, originOf, readPosted } from '../types.ts'

const Config = z.strictObject({
  appId: z.string().regex(/^\d+$/, 'the numeric Apple ID of the app (App Store Connect → App Information)'),
  /** App Store Connect → Users and Access → Integrations → App Store Connect API. */
  issuerId: z.guid(),
  keyId: z.string().regex(/^[A-Z0-9]{8,12}$/, 'the key ID shown next to the API key'),
  /** The contents of the AuthKey_<keyId>.p8 file. */
  privateKey: z.string().includes('PRIVATE KEY', { message: 'the contents of the .p8 key file' }),
  ...commonConfig,
})
type Config = z.infer<typeof Config>

const Review = z.object({
  id: z.string().min(1),
  attributes: z.object({
    rating: z.number().int().optional(),
    title: z.string().nullish(),
    body: z.string().nullish(),
    reviewerNickname: z.string().nullish(),
    createdDate: z.iso.datetime({ offset: true }),
  }),
  relationships: z.object({ response: z.object({ data: z.object({ id: z.string() }).nullish() }).optional() }).optional(),
})
const Response = z.object({
  type: z.literal('customerReviewResponses'),
  id: z.string(),
  attributes: z.object({ responseBody: z.string().nullish(), lastModifiedDate: z.iso.datetime({ offset: true }) }),
})
const ReviewPage = z.object({
  data: z.array(Review),
  // Only responses are asked for; anything else Apple includes is passed over.
  included: z.array(z.union([Response, z.object({ type: z.string().refine((t) => t !== 'customerReviewResponses') }).loose()])).default([]),
  links: z.object({ next: z.url().optional() }).loose().optional(),
})
const Created = z.object({ data: z.object({ id: z.string() }) })
type Review = z.infer<typeof Review>
type Response = z.infer<typeof Response>

const API = 'https://api.appstoreconnect.apple.com'

/** Apple shows reviews on the app's page, not at an address of their own. */
const reviewsPage = (appId: string) => `https://apps.apple.com/app/id${appId}?see-all=reviews`

/** `response`: the developer response Apple included for this review, if any. */
export function toMention(r: Review, appId: string, response?: Response): MentionItem {
  const a = r.attributes
  const answer = response?.attributes.responseBody?.trim()
  return {
    externalId: r.id,
    url: reviewsPage(appId),
    author: { handle: a.reviewerNickname || 'App Store user' },
    ...(a.title ? { title: a.title } : {}),
    text: tidyWhitespace(a.body ?? ''),
    publishedAt: new Date(a.createdDate),
    rating: a.rating !== undefined && a.rating >= 1 && a.rating <= 5 ? a.rating : undefined,
    engagement: {},
    ...(answer ? { ownerReply: { text: answer, at: new Date(response!.attributes.lastModifiedDate), by: 'App Store Connect' } } : {}),
    raw: r,
  }
}

/** A token for one run: App Store Connect takes at most 20 minutes' lifetime. */
async function authorize(config: Config): Promise<Record<string, string>> {
  const token = await signJwt('appstoreconnect', config.privateKey, 'ES256', {
    keyId: config.keyId,
    issuer: config.issuerId,
    audience: 'appstoreconnect-v1',
    lifetimeSeconds: 15 * 60,
  })
  return { authorization: `Bearer ${token}` }
}

export const appstoreconnectConnector = defineConnector({
  kind: 'appstoreconnect',
  description: 'App Store reviews of your own app in every territory (App Store Connect API key), newest first, with responses.',
  config: Config,
  cursor: Watermark,
  secrets: ['privateKey'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const headers = await authorize(config)
    const origin = originOf(config, API)
    const items: MentionItem[] = []
    const first = new URLSearchParams({
      sort: '-createdDate',
      limit: '200',
      include: 'response',
      'fields[customerReviews]': 'rating,title,body,reviewerNickname,createdDate,response',
      'fields[customerReviewResponses]': 'responseBody,lastModifiedDate',
    })
    let url: string | undefined = `${origin}/v1/apps/${config.appId}/customerReviews?${first}`
    while (url && items.length < ctx.maxItems) {
      const page: z.infer<typeof ReviewPage> = parseJson(await ctx.fetch(url, { headers }), ReviewPage)
      const responses = new Map(page.included.filter((x): x is Response => x.type === 'customerReviewResponses').map((x) => [x.id, x]))
      const mentions = page.data.map((r) => toMention(r, config.appId, responses.get(r.relationships?.response?.data?.id ?? '')))
      if (!takeNew(mentions, cursor, items) || mentions.length === 0) break
      // Apple's next page, kept on the configured origin (a proxy or test server answers for Apple).
      const next = page.links?.next ? new URL(page.links.next) : undefined
      url = next ? `${origin}${next.pathname}${next.search}` : undefined
    }
    return keptWithMark(items, cursor, ctx.maxItems)
  },
  reply: {
    requires: [],
    maxGraphemes: 5970,
    async send(ctx, config, target, text) {
      const res = await ctx.fetch(`${originOf(config, API)}/v1/customerReviewResponses`, {
        method: 'POST',
        headers: { ...(await authorize(config)), 'content-type': 'application/json' },
        body: JSON.stringify({
          data: { type: 'customerReviewResponses', attributes: { responseBody: text }, relationships: { review: { data: { type: 'customerReviews', id: target.externalId } } } },
        }),
      })
      // Apple publishes a response after a review of its own; the review's page is where it will show.
      return { externalId: readPosted(res, Created).data.id, url: reviewsPage(config.appId) }
    },
  },
})

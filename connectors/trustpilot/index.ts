import { z } from 'zod'
import { permanentError, UpstreamError } from '../../src/net/errors.ts'
import type { HttpClient, HttpResponse } from '../../src/net/http-client.ts'
import { errorBody, parseJson } from '../../src/net/parse.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { keptWithMark, takeNew, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector, originOf } from '../types.ts'

/** New reviews; other events (edits, replies, future names) are ignored: a stored mention is never rewritten by its source. */
const REVIEW_EVENTS = new Set(['service-review-created'])

// Trustpilot's documentation writes times without a zone ("2013-09-07T13:37:00") and its webhook with one ("…Z"):
// both are taken, a time without a zone as UTC.
const Time = z.iso.datetime({ offset: true, local: true })
const utc = (time: string) => new Date(/(Z|[+-]\d\d(:?\d\d)?)$/i.test(time) ? time : `${time}Z`)

// The documented reply has `text`; some clients of the API read `message`. Either is taken.
const CompanyReply = z.object({ text: z.string().nullish(), message: z.string().nullish(), createdAt: Time, updatedAt: Time.nullish() })

/**
 * A service review as the webhook pushes it and as the Business Units API
 * lists it. The two name the reviewer differently (`name` in the webhook,
 * `displayName` in the API); the rest is shared. Unknown fields are kept for `raw`.
 */
const Review = z
  .object({
    id: z.string().min(1),
    language: z.string().nullish(),
    stars: z.number().int().min(1).max(5),
    title: z.string().nullish(),
    text: z.string().nullish(),
    createdAt: Time,
    consumer: z.object({ id: z.string().min(1), name: z.string().nullish(), displayName: z.string().nullish() }).loose(),
    numberOfLikes: z.number().int().min(0).nullish(),
    companyReply: CompanyReply.nullish(),
  })
  .loose()
type Review = z.infer<typeof Review>

const Event = z.object({ eventName: z.string(), version: z.string().optional(), eventData: z.unknown() })
/** The webhook body: `{events: [...]}`. Validated per event, so one unknown event never drops the others. */
export const TrustpilotWebhook = z.object({ events: z.array(Event).min(1).max(1000) })

// GET /v1/business-units/{id}/reviews: newest first when asked, `perPage` at most 100; a page past the last is empty.
const ReviewPage = z.object({ reviews: z.array(Review) })
// GET /v1/business-units/find?name=…
const BusinessUnit = z.object({ id: z.string().min(1) })
// Which body a refusal comes with is not documented: the API's own `{message, details?}`, or its gateway's
// `{fault: {faultstring}}` for a key it does not know. Either is read, else the status alone tells.
const TrustpilotError = z.object({ message: z.string().optional(), details: z.string().optional(), fault: z.object({ faultstring: z.string() }).optional() })

const API = 'https://api.trustpilot.com'
const Token = z.object({ access_token: z.string().min(1) })
const PER_PAGE = 100
// Statuses read here rather than by the shared client, to say which config field to fix.
const REFUSALS = [401, 403, 404]
const WHERE_KEYS_ARE = 'Trustpilot Business → Integrations → Developers → APIs'

const Config = z
  .strictObject({
    /** What Trustpilot must send (as ?token= or the Basic auth password) for a webhook delivery to count. */
    webhookSecret: z.string().min(24, 'at least 24 characters, e.g. `openssl rand -hex 24`').max(200).optional(),
    /** An application's API key (Integrations → Developers → APIs): with businessUnitId or domain, earshot polls; with apiSecret, it replies. */
    apiKey: z.string().min(1).optional(),
    /** The business unit whose reviews are polled … */
    businessUnitId: z
      .string()
      .regex(/^[0-9a-f]{24}$/i, "the business unit's id, 24 letters and digits (e.g. 507f191e810c19729de860ea); or give domain instead")
      .optional(),
    /** … or its domain, as in trustpilot.com/review/<domain>, looked up once a run. */
    domain: z
      .string()
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'the domain of your Trustpilot page, as in trustpilot.com/review/<domain> (e.g. example.com)')
      .optional(),
    /** To reply: the application's secret and the business user who answers. */
    apiSecret: z.string().min(1).optional(),
    businessUserId: z.string().min(1).optional(),
    ...commonConfig,
  })
  .refine((c) => !(c.businessUnitId && c.domain), { message: 'businessUnitId or domain, not both', path: ['domain'] })
  .refine((c) => !(c.businessUnitId || c.domain) || c.apiKey, { message: 'polling needs apiKey, from ' + WHERE_KEYS_ARE, path: ['apiKey'] })
  .refine((c) => c.webhookSecret || c.businessUnitId || c.domain, {
    message: "no way in: give webhookSecret (Trustpilot's webhook pushes new reviews), apiKey with businessUnitId or domain (earshot polls them), or both",
  })
type Config = z.infer<typeof Config>

const withoutEllipsis = (s: string) => s.replace(/…$/, '')

/** A review as a mention, the same from either way in, so a review pushed and later polled is stored once. */
export function toMention(r: Review): MentionItem {
  const name = (r.consumer.displayName ?? r.consumer.name)?.trim()
  const title = r.title?.trim()
  const text = r.text ?? ''
  // Trustpilot cuts a title that is just the text's opening with "…": then it adds nothing.
  const redundant = !title || (title.endsWith('…') && text.startsWith(withoutEllipsis(title)))
  const reply = r.companyReply
  const answer = (reply?.text ?? reply?.message)?.trim()
  return {
    externalId: r.id,
    url: `https://www.trustpilot.com/reviews/${r.id}`,
    author: { handle: name || r.consumer.id, ...(name ? { name } : {}), profileUrl: `https://www.trustpilot.com/users/${r.consumer.id}` },
    ...(redundant ? {} : { title }),
    text: text || title || '',
    ...(r.language ? { lang: r.language } : {}),
    publishedAt: utc(r.createdAt),
    rating: r.stars,
    engagement: r.numberOfLikes == null ? {} : { likes: r.numberOfLikes },
    // An edited answer is a new one, at its edit.
    ...(reply && answer ? { ownerReply: { text: answer, at: utc(reply.updatedAt ?? reply.createdAt), by: 'Trustpilot Business' } } : {}),
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

/** A refusal in Trustpilot's words, with what to fix: the config is wrong, so polling stops until it changes. */
function refused(res: HttpResponse, explain: string): UpstreamError {
  const body = errorBody(res, TrustpilotError)
  const why = [body?.fault?.faultstring ?? body?.message, body?.details].filter(Boolean).join(': ')
  return permanentError(`trustpilot: ${explain} (HTTP ${res.status}${why ? `: ${why}` : ''})`, res.status)
}

const keyRefused = `Trustpilot refused the API key; copy it again from ${WHERE_KEYS_ARE} into apiKey`

/** GETs one resource of the public API with the key; 429 and 5xx are the shared client's to wait out and retry. */
async function getJson<T extends z.ZodType>(fetch: HttpClient, url: string, apiKey: string, schema: T, notFound: string): Promise<z.infer<T>> {
  const res = await fetch(url, { headers: { apikey: apiKey }, accept: REFUSALS })
  if (res.status === 404) throw refused(res, notFound)
  if (res.status === 403) throw refused(res, `the API key may not read this business unit; check it in ${WHERE_KEYS_ARE}`)
  if (res.status === 401) throw refused(res, keyRefused)
  return parseJson(res, schema)
}

/** The id of the business unit Trustpilot knows by this domain. */
async function findBusinessUnit(fetch: HttpClient, api: string, apiKey: string, domain: string): Promise<string> {
  const url = `${api}/v1/business-units/find?${new URLSearchParams({ name: domain })}`
  const notFound = `Trustpilot has no business unit named ${domain}; check domain (as in trustpilot.com/review/<domain>), or give businessUnitId`
  return (await getJson(fetch, url, apiKey, BusinessUnit, notFound)).id
}

const polls = (c: Record<string, unknown>) => c.apiKey != null && (c.businessUnitId != null || c.domain != null)

export const trustpilotConnector = defineConnector({
  kind: 'trustpilot',
  description:
    "Trustpilot service reviews of your business: polled through Trustpilot's public Business Units API with an apiKey and businessUnitId (or domain), newest first, with the company's replies; and/or pushed by Trustpilot's webhook to POST /hooks/trustpilot/{sourceId} with the source's webhookSecret. With only webhookSecret the source is push-only and takes no schedule.",
  config: Config,
  cursor: Watermark,
  // The API key is an application's public half (Trustpilot's own examples put it in the query string); apiSecret is its secret.
  secrets: ['webhookSecret', 'apiSecret'],
  urls: ['baseUrl'],
  polled: polls,
  async poll(ctx, config, cursor) {
    // Only a config with what polling needs is scheduled; these say so should one be run all the same.
    const pushOnly = 'trustpilot: this source only takes the webhook; polling needs apiKey and businessUnitId (or domain)'
    const { apiKey, businessUnitId, domain } = config
    if (!apiKey) throw permanentError(pushOnly)
    const api = originOf(config, API)
    const unit = businessUnitId ?? (domain ? await findBusinessUnit(ctx.fetch, api, apiKey, domain) : undefined)
    if (!unit) throw permanentError(pushOnly)
    const reviewsUrl = `${api}/v1/business-units/${encodeURIComponent(unit)}/reviews`
    const notFound = `Trustpilot has no business unit ${unit}; check ${businessUnitId ? 'businessUnitId' : 'domain'}`
    const perPage = Math.min(PER_PAGE, ctx.maxItems)
    const items: MentionItem[] = []
    for (let page = 1; ; page++) {
      const params = new URLSearchParams({ orderBy: 'createdat.desc', perPage: String(perPage), page: String(page) })
      const { reviews } = await getJson(ctx.fetch, `${reviewsUrl}?${params}`, apiKey, ReviewPage, notFound)
      // Newest first, so the first page reaching a review the last run kept ends the run; a short page is the last.
      const wholePageNew = takeNew(reviews.map(toMention), cursor, items)
      if (!wholePageNew || reviews.length < perPage || items.length >= ctx.maxItems) break
    }
    return keptWithMark(items, cursor, ctx.maxItems)
  },
  reply: {
    // The company's public reply under the review, as that business user; a review has one, and a new one replaces it.
    requires: ['apiKey', 'apiSecret', 'businessUserId'],
    async send(ctx, config, target, text) {
      const api = originOf(config, API)
      const res = await ctx.fetch(`${api}/v1/oauth/oauth-business-users-for-applications/accesstoken`, {
        method: 'POST',
        headers: { authorization: `Basic ${btoa(`${config.apiKey}:${config.apiSecret}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      })
      // Trustpilot answers a reply with 201 and nothing to read: the status is the receipt.
      await ctx.fetch(`${api}/v1/private/reviews/${encodeURIComponent(target.externalId)}/reply`, {
        method: 'POST',
        headers: { authorization: `Bearer ${parseJson(res, Token).access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: text, authorBusinessUserId: config.businessUserId }),
      })
      return { externalId: `${target.externalId}/reply`, url: target.url }
    },
  },
})

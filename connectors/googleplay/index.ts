import { z } from 'zod'
import type { HttpClient } from '../../src/net/http-client.ts'
import { parseJson } from '../../src/net/parse.ts'
import { tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { signJwt } from '../shared/jwt.ts'
import { keptWithMark, takeNew, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector, originOf, readPosted } from '../types.ts'

/** The fields of a Google Cloud service account's JSON key that signing in needs. */
const ServiceAccountKey = z.object({
  client_email: z.string().min(3),
  private_key: z.string().includes('PRIVATE KEY'),
  private_key_id: z.string().optional(),
})

const Config = z.strictObject({
  packageName: z.string().regex(/^[A-Za-z]\w*(\.[A-Za-z]\w*)+$/, "the app's package name, e.g. com.acme.app"),
  /** The whole JSON key file of a service account invited to the Play Console with "Reply to reviews". */
  serviceAccountKey: z.string().refine((s) => parseKey(s) !== undefined, 'the JSON key file of a service account (client_email and private_key)'),
  ...commonConfig,
})
type Config = z.infer<typeof Config>

function parseKey(text: string): z.infer<typeof ServiceAccountKey> | undefined {
  try {
    const parsed = ServiceAccountKey.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

const Timestamp = z.object({ seconds: z.coerce.number(), nanos: z.number().optional() })
const UserComment = z.object({
  text: z.string().default(''),
  lastModified: Timestamp,
  starRating: z.number().int().optional(),
  reviewerLanguage: z.string().optional(),
  thumbsUpCount: z.number().int().min(0).optional(),
  appVersionName: z.string().optional(),
})
const DeveloperComment = z.object({ text: z.string(), lastModified: Timestamp })
const Review = z.object({
  reviewId: z.string().min(1),
  authorName: z.string().optional(),
  comments: z.array(z.object({ userComment: UserComment.optional(), developerComment: DeveloperComment.optional() })),
})
const ReviewList = z.object({
  reviews: z.array(Review).default([]),
  tokenPagination: z.object({ nextPageToken: z.string().optional() }).optional(),
})
const Token = z.object({ access_token: z.string().min(1) })
const ReplyResult = z.object({ result: z.object({ replyText: z.string(), lastEdited: Timestamp }) })
type Review = z.infer<typeof Review>

const timeOf = (t: z.infer<typeof Timestamp>) => new Date(t.seconds * 1000 + Math.floor((t.nanos ?? 0) / 1e6))

const TOKEN_URL = 'https://oauth2.googleapis.com/token'
const SCOPE = 'https://www.googleapis.com/auth/androidpublisher'
const API = 'https://androidpublisher.googleapis.com'

const reviewUrl = (packageName: string, reviewId: string) =>
  `https://play.google.com/store/apps/details?${new URLSearchParams({ id: packageName, reviewId })}`

/**
 * A review with the user's side of it; Google keeps the time of its last
 * edit only, so that is when it was published. A review written with a
 * title arrives as "title<TAB>body".
 */
export function toMention(r: Review, packageName: string): MentionItem | undefined {
  const c = r.comments.find((x) => x.userComment)?.userComment
  if (!c) return undefined
  const answer = r.comments.find((x) => x.developerComment?.text.trim())?.developerComment
  const tab = c.text.indexOf('\t')
  const title = tab >= 0 ? c.text.slice(0, tab).trim() : ''
  const rating = c.starRating !== undefined && c.starRating >= 1 && c.starRating <= 5 ? c.starRating : undefined
  return {
    externalId: r.reviewId,
    url: reviewUrl(packageName, r.reviewId),
    author: { handle: r.authorName || 'A Google user' },
    ...(title ? { title } : {}),
    text: tidyWhitespace(tab >= 0 ? c.text.slice(tab + 1) : c.text),
    // The reviewer's device language (en_US): a hint, not what the review is written in.
    ...(c.reviewerLanguage ? { lang: c.reviewerLanguage.replace('_', '-') } : {}),
    publishedAt: timeOf(c.lastModified),
    rating,
    ...(c.appVersionName ? { version: c.appVersionName } : {}),
    engagement: { likes: c.thumbsUpCount || undefined },
    ...(answer ? { ownerReply: { text: answer.text.trim(), at: timeOf(answer.lastModified), by: 'Google Play Console' } } : {}),
    raw: r,
  }
}

/** Signs in as the service account (OAuth 2.0 JWT bearer grant) and answers the headers to call the API with. */
async function authorize(fetch: HttpClient, config: Config): Promise<Record<string, string>> {
  const key = parseKey(config.serviceAccountKey)!
  const assertion = await signJwt('googleplay', key.private_key, 'RS256', {
    keyId: key.private_key_id,
    issuer: key.client_email,
    audience: TOKEN_URL,
    lifetimeSeconds: 3600,
    claims: { scope: SCOPE },
  })
  const res = await fetch(TOKEN_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
  })
  return { authorization: `Bearer ${parseJson(res, Token).access_token}` }
}

const reviewsUrl = (config: Config) => `${originOf(config, API)}/androidpublisher/v3/applications/${encodeURIComponent(config.packageName)}/reviews`

export const googleplayConnector = defineConnector({
  kind: 'googleplay',
  description: "Google Play reviews of one of your apps (Play Developer API, a service account's key; Google keeps the last week's reviews with text), with replies.",
  config: Config,
  cursor: Watermark,
  secrets: ['serviceAccountKey'],
  urls: ['baseUrl'],
  // A reviewer may change their stars and text at any time; the edit comes first in the list again.
  edits: true,
  async poll(ctx, config, cursor) {
    const headers = await authorize(ctx.fetch, config)
    const items: MentionItem[] = []
    let page: string | undefined
    do {
      const params = new URLSearchParams({ maxResults: '100' })
      if (page) params.set('token', page)
      const body = parseJson(await ctx.fetch(`${reviewsUrl(config)}?${params}`, { headers }), ReviewList)
      // Newest edit first, so the first page holding a review already seen ends the run.
      const mentions = body.reviews.flatMap((r) => toMention(r, config.packageName) ?? [])
      if (!takeNew(mentions, cursor, items) || mentions.length === 0) break
      page = body.tokenPagination?.nextPageToken
    } while (page && items.length < ctx.maxItems)
    return keptWithMark(items, cursor, ctx.maxItems)
  },
  reply: {
    requires: [],
    // "Replies of more than approximately 350 characters will be rejected."
    maxGraphemes: 350,
    async send(ctx, config, target, text) {
      const headers = await authorize(ctx.fetch, config)
      const res = await ctx.fetch(`${reviewsUrl(config)}/${encodeURIComponent(target.externalId)}:reply`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ replyText: text }),
      })
      // A review has one developer reply; a second one replaces it, so the reply is named by its review and time.
      const { lastEdited } = readPosted(res, ReplyResult).result
      return { externalId: `${target.externalId}/reply/${lastEdited.seconds}`, url: reviewUrl(config.packageName, target.externalId) }
    },
  },
})

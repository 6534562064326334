import { z } from 'zod'
import { permanentError, UpstreamError } from '../../src/net/errors.ts'
import type { HttpClient, HttpResponse } from '../../src/net/http-client.ts'
import { errorBody, parseJson } from '../../src/net/parse.ts'
import { tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { googleAuthorization } from '../shared/google-oauth.ts'
import { keptWithMark, takeNew, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector, originOf, readPosted } from '../types.ts'

const Config = z.strictObject({
  /** The location's resource name in the Business Profile APIs. */
  location: z
    .string()
    .regex(
      /^accounts\/\d+\/locations\/\d+$/,
      'the location\'s resource name, "accounts/{accountId}/locations/{locationId}" with both ids in digits (e.g. accounts/106859472358204/locations/1449937412354389921)',
    ),
  /** An OAuth 2.0 web client of a Google Cloud project allowed the Business Profile APIs … */
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** … and a refresh token it issued for the business.manage scope to a Google account that manages the location. */
  refreshToken: z.string().min(1),
  ...commonConfig,
})
type Config = z.infer<typeof Config>

const Time = z.iso.datetime({ offset: true })
const STARS = { STAR_RATING_UNSPECIFIED: undefined, ONE: 1, TWO: 2, THREE: 3, FOUR: 4, FIVE: 5 } as const
const StarRating = z
  .enum(['STAR_RATING_UNSPECIFIED', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE'])
  // A value Google adds later reads as "no stars" instead of failing every run until earshot learns it.
  .catch('STAR_RATING_UNSPECIFIED')
const ReviewReply = z.object({ comment: z.string(), updateTime: Time })
const Review = z.object({
  name: z.string().optional(),
  reviewId: z.string().min(1),
  reviewer: z.object({ displayName: z.string().optional(), profilePhotoUrl: z.string().optional(), isAnonymous: z.boolean().optional() }).default({}),
  starRating: StarRating.default('STAR_RATING_UNSPECIFIED'),
  comment: z.string().optional(),
  createTime: Time,
  updateTime: Time,
  reviewReply: ReviewReply.optional(),
})
const ReviewList = z.object({
  reviews: z.array(Review).default([]),
  averageRating: z.number().optional(),
  totalReviewCount: z.number().optional(),
  nextPageToken: z.string().optional(),
})
type Review = z.infer<typeof Review>

const GoogleError = z.object({ error: z.object({ code: z.number().optional(), message: z.string().default(''), status: z.string().optional() }) })

const API = 'https://mybusiness.googleapis.com'
// Statuses read here rather than by the shared client, to keep Google's own words (and tell a quota from a refusal).
const REFUSALS = [401, 403, 404]
// Google's limit on a reply, in bytes of UTF-8.
const REPLY_MAX_BYTES = 4096

const TRANSLATED = '(Translated by Google)'
const ORIGINAL = '(Original)'

/**
 * The reviewer's own words. Google may hand a review over with its machine
 * translation in the same string, "(Translated by Google) …\n\n(Original)\n…";
 * the translation is left out so language, sentiment and replies go by what
 * the reviewer wrote. Only a comment holding both markers is split.
 */
export function originalWords(comment: string): string {
  const translated = comment.indexOf(TRANSLATED)
  const after = translated < 0 ? -1 : comment.indexOf(ORIGINAL, translated)
  const before = translated < 0 ? -1 : comment.lastIndexOf(ORIGINAL, translated)
  let words = ''
  if (after >= 0) words = tidyWhitespace(comment.slice(after + ORIGINAL.length))
  // The other way round, in case Google writes the original first: "(Original)\n…\n\n(Translated by Google)\n…".
  else if (before >= 0) words = tidyWhitespace(comment.slice(before + ORIGINAL.length, translated))
  // Markers around nothing are no split: the comment stays whole.
  return words || tidyWhitespace(comment)
}

/**
 * A review as a mention; `text` is '' for a review left with stars only,
 * which poll leaves out. The API gives no public address of a review, so
 * `url` is ''. Google keeps the time of the last edit, and lists reviews by
 * it: that is when it was published, so an edited review comes first again.
 */
export function toMention(r: Review): MentionItem {
  const answer = r.reviewReply?.comment.trim()
  return {
    externalId: r.reviewId,
    url: '',
    author: { handle: r.reviewer.displayName?.trim() || 'A Google user' },
    text: r.comment === undefined ? '' : originalWords(r.comment),
    publishedAt: new Date(r.updateTime),
    rating: STARS[r.starRating],
    engagement: {},
    ...(answer && r.reviewReply ? { ownerReply: { text: answer, at: new Date(r.reviewReply.updateTime), by: 'Google Business Profile' } } : {}),
    raw: r,
  }
}

const authorize = (fetch: HttpClient, config: Config) => googleAuthorization(fetch, config, 'googlebusiness', 'business.manage')

/** A 401, 403 or 404 from the API, in Google's words: permanent, unless it is a quota that will come back. */
function refused(res: HttpResponse): UpstreamError {
  const error = errorBody(res, GoogleError)?.error
  const message = `mybusiness.googleapis.com: HTTP ${res.status}${error?.status ? ` ${error.status}` : ''}${error?.message ? `: ${error.message}` : ''}`
  if (error?.status === 'RESOURCE_EXHAUSTED') return new UpstreamError(message, { status: res.status })
  const hint =
    res.status === 404
      ? ' (is `location` right?)'
      : ' (the refresh token needs the business.manage scope, and its Google account must manage the location)'
  return permanentError(message + hint, res.status)
}

const reviewsUrl = (config: Config) => `${originOf(config, API)}/v4/${config.location}/reviews`

export const googlebusinessConnector = defineConnector({
  kind: 'googlebusiness',
  description: 'Google reviews of one business location (Google Business Profile API v4, an OAuth refresh token for business.manage), newest edit first, with replies.',
  config: Config,
  cursor: Watermark,
  secrets: ['clientSecret', 'refreshToken'],
  urls: ['baseUrl'],
  // A reviewer may change their stars and words at any time; the edit comes first in the list again.
  edits: true,
  async poll(ctx, config, cursor) {
    const headers = await authorize(ctx.fetch, config)
    const items: MentionItem[] = []
    let page: string | undefined
    do {
      const params = new URLSearchParams({ pageSize: '50', orderBy: 'updateTime desc' })
      if (page) params.set('pageToken', page)
      // '+' for a space is valid in a query, but Google documents %20; a literal '+' in a token is already %2B.
      const res = await ctx.fetch(`${reviewsUrl(config)}?${params.toString().replace(/\+/g, '%20')}`, { headers, accept: REFUSALS })
      if (res.status >= 400) throw refused(res)
      const body = parseJson(res, ReviewList)
      // Newest edit first, so the first page holding a review already seen ends the run. Reviews with
      // stars only are judged too (a page of old ones ends it as well), then left out: they have no words to read.
      const fresh: MentionItem[] = []
      const wholePageNew = takeNew(body.reviews.map(toMention), cursor, fresh)
      items.push(...fresh.filter((m) => m.text !== ''))
      page = wholePageNew ? body.nextPageToken : undefined
    } while (page && items.length < ctx.maxItems)
    return keptWithMark(items, cursor, ctx.maxItems)
  },
  reply: {
    requires: [],
    // Google takes at most 4,096 bytes of UTF-8; a CJK character takes 3, so 1,350 characters of Chinese fit
    // (4,050 bytes). Emoji take 4 or more: send() measures the bytes too and refuses before posting.
    maxGraphemes: 1350,
    async send(ctx, config, target, text) {
      const bytes = new TextEncoder().encode(text).length
      if (bytes > REPLY_MAX_BYTES) throw permanentError(`a Google review reply takes at most ${REPLY_MAX_BYTES} bytes of UTF-8; this one has ${bytes}`)
      const headers = await authorize(ctx.fetch, config)
      // A review has one owner reply: the PUT writes it, or replaces the one there, so the reply is named by its review and time.
      const res = await ctx.fetch(`${reviewsUrl(config)}/${encodeURIComponent(target.externalId)}/reply`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ comment: text }),
        accept: REFUSALS,
      })
      if (res.status >= 400) throw refused(res)
      const { updateTime } = readPosted(res, ReviewReply)
      // The API gives no public address of a review, nor of its reply.
      return { externalId: `${target.externalId}/reply/${updateTime}`, url: null }
    },
  },
})

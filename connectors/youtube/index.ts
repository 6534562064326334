import { z } from 'zod'
import { UpstreamError, permanentError } from '../../src/net/errors.ts'
import type { HttpResponse } from '../../src/net/http-client.ts'
import { errorBody, parseJson } from '../../src/net/parse.ts'
import { htmlToText } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { googleAuthorization } from '../shared/google-oauth.ts'
import { keptWithMark, takeNew, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector, originOf, readPosted } from '../types.ts'

const Config = z
  .strictObject({
    apiKey: z.string().min(1),
    /** Comments on one video … */
    videoId: z.string().regex(/^[\w-]{6,20}$/, 'a video id such as dQw4w9WgXcQ').optional(),
    /** … or on every video of a channel. */
    channelId: z.string().regex(/^UC[\w-]{10,40}$/, 'a channel id starting with UC').optional(),
    /** Only threads containing these words. */
    searchTerms: z.string().min(1).max(200).optional(),
    /** To reply: an OAuth client of the channel's Google Cloud project and a refresh token it issued for the youtube.force-ssl scope. */
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    refreshToken: z.string().min(1).optional(),
    ...commonConfig,
  })
  .refine((c) => (c.videoId === undefined) !== (c.channelId === undefined), { message: 'give either videoId or channelId' })
  .refine((c) => [c.clientId, c.clientSecret, c.refreshToken].every((v) => v === undefined) || [c.clientId, c.clientSecret, c.refreshToken].every((v) => v !== undefined), {
    message: 'clientId, clientSecret and refreshToken go together',
  })

const Comment = z.object({
  id: z.string(),
  snippet: z.object({
    authorDisplayName: z.string().default(''),
    authorChannelUrl: z.string().optional(),
    videoId: z.string().optional(),
    textDisplay: z.string().default(''),
    // Only guaranteed to the comment's own author; textDisplay (HTML) is the fallback.
    textOriginal: z.string().optional(),
    likeCount: z.number().optional(),
    publishedAt: z.string(),
  }),
})
const Thread = z.object({
  id: z.string(),
  snippet: z.object({ videoId: z.string().optional(), channelId: z.string().optional(), topLevelComment: Comment, totalReplyCount: z.number().optional() }),
})
const ThreadList = z.object({ items: z.array(Thread), nextPageToken: z.string().optional() })
type Thread = z.infer<typeof Thread>

const Posted = z.object({ id: z.string() })

const GoogleError = z.object({ error: z.object({ message: z.string().default(''), errors: z.array(z.object({ reason: z.string().optional() })).default([]) }) })

export function toMention(t: Thread): MentionItem {
  const c = t.snippet.topLevelComment.snippet
  const videoId = t.snippet.videoId ?? c.videoId
  const name = c.authorDisplayName
  return {
    externalId: t.id,
    url: videoId ? `https://www.youtube.com/watch?v=${videoId}&lc=${t.id}` : `https://www.youtube.com/channel/${t.snippet.channelId ?? ''}`,
    author: { handle: name || 'anonymous', ...(name ? { name } : {}), ...(c.authorChannelUrl ? { profileUrl: c.authorChannelUrl } : {}) },
    text: c.textOriginal ?? htmlToText(c.textDisplay),
    publishedAt: new Date(c.publishedAt),
    engagement: { likes: c.likeCount, replies: t.snippet.totalReplyCount },
    raw: t,
  }
}

/** The next reset of YouTube's daily quota: midnight Pacific, taken as 08:00 UTC (an hour late in summer time). */
function nextQuotaReset(now: Date): Date {
  const reset = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 8))
  return reset > now ? reset : new Date(reset.getTime() + 86_400_000)
}

/** Google answers 403 both for "never" (comments disabled, key not allowed) and for "not today" (quota used up). */
function forbidden(res: HttpResponse, now: Date): UpstreamError {
  const error = errorBody(res, GoogleError)?.error
  const reason = error?.errors[0]?.reason ?? ''
  const message = `youtube: HTTP 403 ${reason}${error?.message ? `: ${error.message}` : ''}`
  if (reason === 'quotaExceeded' || reason === 'dailyLimitExceeded') return new UpstreamError(message, { status: 403, retryAt: nextQuotaReset(now) })
  if (reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded') return new UpstreamError(message, { status: 403 })
  return permanentError(message, 403)
}

export const youtubeConnector = defineConnector({
  kind: 'youtube',
  description: 'YouTube comment threads on one video or on every video of a channel, optionally only those with given words; newest first (YouTube Data API v3 key).',
  config: Config,
  cursor: Watermark,
  secrets: ['apiKey', 'clientSecret', 'refreshToken'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const origin = originOf(config, 'https://www.googleapis.com')
    const items: MentionItem[] = []
    let pageToken: string | undefined
    do {
      const params = new URLSearchParams({ part: 'snippet', order: 'time', maxResults: '100', key: config.apiKey })
      if (config.videoId) params.set('videoId', config.videoId)
      if (config.channelId) params.set('allThreadsRelatedToChannelId', config.channelId)
      if (config.searchTerms) params.set('searchTerms', config.searchTerms)
      if (pageToken) params.set('pageToken', pageToken)
      const res = await ctx.fetch(`${origin}/youtube/v3/commentThreads?${params}`, { accept: [403] })
      if (res.status === 403) throw forbidden(res, ctx.now)
      const body = parseJson(res, ThreadList)
      // Newest first: once a page reaches what the mark covers, older pages hold nothing new.
      pageToken = takeNew(body.items.map(toMention), cursor, items) ? body.nextPageToken : undefined
    } while (pageToken && items.length < ctx.maxItems)
    return keptWithMark(items, cursor, ctx.maxItems)
  },
  reply: {
    // Posted by the channel the refresh token belongs to, in the thread of the comment it answers.
    requires: ['clientId', 'clientSecret', 'refreshToken'],
    maxGraphemes: 10_000,
    async send(ctx, config, target, text) {
      const { clientId, clientSecret, refreshToken } = config
      const authorization = await googleAuthorization(ctx.fetch, { clientId: clientId!, clientSecret: clientSecret!, refreshToken: refreshToken! }, 'youtube', 'youtube.force-ssl')
      const res = await ctx.fetch(`${originOf(config, 'https://www.googleapis.com')}/youtube/v3/comments?part=snippet`, {
        method: 'POST',
        headers: { ...authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ snippet: { parentId: target.externalId, textOriginal: text } }),
        accept: [403],
      })
      if (res.status === 403) throw forbidden(res, new Date())
      const { id } = readPosted(res, Posted)
      const thread = Thread.safeParse(target.raw)
      const videoId = thread.success ? (thread.data.snippet.videoId ?? thread.data.snippet.topLevelComment.snippet.videoId) : undefined
      return { externalId: id, url: videoId ? `https://www.youtube.com/watch?v=${videoId}&lc=${id}` : target.url }
    },
  },
})

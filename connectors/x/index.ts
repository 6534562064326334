import { createHmac } from 'node:crypto'
import OAuth from 'oauth-1.0a'
import { z } from 'zod'
import { permanentError } from '../../src/net/errors.ts'
import { parseJson } from '../../src/net/parse.ts'
import { decodeEntities } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { commonConfig, defineConnector, originOf, readPosted } from '../types.ts'

const Config = z.strictObject({
  /** X search syntax, e.g. `acme -is:retweet lang:en`. */
  query: z.string().min(1).max(512),
  /** An app's bearer token: recent search takes no anonymous calls. */
  bearerToken: z.string().min(1),
  // Replies post as the account whose OAuth 1.0a access token this is (the app's "Keys and tokens" page,
  // with read and write permission); such tokens do not expire, unlike OAuth 2.0 user tokens.
  consumerKey: z.string().min(1).optional(),
  consumerSecret: z.string().min(1).optional(),
  accessToken: z.string().min(1).optional(),
  accessTokenSecret: z.string().min(1).optional(),
  ...commonConfig,
})

const Tweet = z.object({
  id: z.string().regex(/^\d+$/),
  text: z.string(),
  author_id: z.string().optional(),
  created_at: z.string().optional(),
  lang: z.string().optional(),
  // Posts over 280 characters: `text` is cut, the whole post is here.
  note_tweet: z.object({ text: z.string() }).optional(),
  public_metrics: z.object({ retweet_count: z.number(), reply_count: z.number(), like_count: z.number(), quote_count: z.number().optional() }).partial().optional(),
})
const User = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string().optional(),
  public_metrics: z.object({ followers_count: z.number() }).partial().optional(),
})
// No `data` at all when nothing matched; `next_token` only while older pages remain.
const SearchResponse = z.object({
  data: z.array(Tweet).default([]),
  includes: z.object({ users: z.array(User).default([]) }).partial().optional(),
  meta: z.object({ newest_id: z.string().optional(), next_token: z.string().optional() }).optional(),
})
type Tweet = z.infer<typeof Tweet>
type User = z.infer<typeof User>

/** What a reply needs of the stored post, and what X answers a new post with. */
const Answerable = z.object({ id: z.string().regex(/^\d+$/) })
const Posted = z.object({ data: z.object({ id: z.string() }) })

/** The newest tweet id seen: `since_id` asks only for later ones. */
const Cursor = z.object({ sinceId: z.string().regex(/^\d+$/) })

// Twitter's epoch: a snowflake id carries its creation time in its top 42 bits.
const SNOWFLAKE_EPOCH = 1288834974657n
const snowflakeTime = (id: string) => new Date(Number((BigInt(id) >> 22n) + SNOWFLAKE_EPOCH))
const newer = (a: string, b: string) => BigInt(a) > BigInt(b)
// X tags some tweets with codes that are not languages (media only, hashtags only, …).
const NOT_LANGUAGES = new Set(['und', 'zxx', 'qam', 'qct', 'qht', 'qme', 'qst'])

export function toMention(t: Tweet, author: User | undefined): MentionItem {
  const metrics = t.public_metrics
  const shares = (metrics?.retweet_count ?? 0) + (metrics?.quote_count ?? 0)
  return {
    externalId: t.id,
    url: author ? `https://x.com/${author.username}/status/${t.id}` : `https://x.com/i/web/status/${t.id}`,
    author: author
      ? { handle: author.username, ...(author.name ? { name: author.name } : {}), profileUrl: `https://x.com/${author.username}`, followers: author.public_metrics?.followers_count }
      : { handle: t.author_id ?? 'unknown' },
    // v2 still escapes &, < and > in tweet text.
    text: decodeEntities(t.note_tweet?.text ?? t.text),
    ...(t.lang && !NOT_LANGUAGES.has(t.lang) ? { lang: t.lang } : {}),
    publishedAt: t.created_at ? new Date(t.created_at) : snowflakeTime(t.id),
    engagement: { likes: metrics?.like_count, replies: metrics?.reply_count, shares: metrics ? shares : undefined },
    raw: t,
    // Customers' handles there are filed under `twitter`, as pushed mentions name the platform.
    platform: 'twitter',
  }
}

export const xConnector = defineConnector({
  kind: 'x',
  description: 'Posts on X (Twitter) matching a search query from the last seven days (API v2 recent search; needs a bearer token).',
  config: Config,
  cursor: Cursor,
  secrets: ['bearerToken', 'consumerSecret', 'accessToken', 'accessTokenSecret'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const origin = originOf(config, 'https://api.x.com')
    const headers = { authorization: `Bearer ${config.bearerToken}` }
    const items: MentionItem[] = []
    let nextToken: string | undefined
    do {
      const params = new URLSearchParams({
        query: config.query,
        max_results: '100',
        'tweet.fields': 'created_at,lang,public_metrics,author_id,note_tweet',
        expansions: 'author_id',
        'user.fields': 'username,name,public_metrics',
      })
      if (cursor) params.set('since_id', cursor.sinceId)
      if (nextToken) params.set('next_token', nextToken)
      const body = parseJson(await ctx.fetch(`${origin}/2/tweets/search/recent?${params}`, { headers }), SearchResponse)
      const users = new Map((body.includes?.users ?? []).map((u) => [u.id, u]))
      for (const t of body.data) items.push(toMention(t, t.author_id ? users.get(t.author_id) : undefined))
      nextToken = body.meta?.next_token
    } while (nextToken && items.length < ctx.maxItems)
    // Pages run newest first: what a bounded run keeps is the newest, and the mark is the newest kept.
    const kept = items.slice(0, ctx.maxItems)
    const newest = kept.reduce<string | undefined>((best, m) => (!best || newer(m.externalId, best) ? m.externalId : best), cursor?.sinceId)
    return { items: kept, cursor: newest ? { sinceId: newest } : null }
  },
  reply: {
    requires: ['consumerKey', 'consumerSecret', 'accessToken', 'accessTokenSecret'],
    // X weighs some characters double (CJK, emoji); a reply it finds too long is refused with its reason.
    maxGraphemes: 280,
    async send(ctx, config, target, text) {
      const replyTo = Answerable.safeParse(target.raw)
      if (!replyTo.success) throw permanentError('the stored post has no id to reply to')
      const url = `${originOf(config, 'https://api.x.com')}/2/tweets`
      const oauth = new OAuth({
        consumer: { key: config.consumerKey, secret: config.consumerSecret },
        signature_method: 'HMAC-SHA1',
        hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
      })
      // A JSON body is not part of an OAuth 1.0a signature: only the method, the URL and the oauth_* parameters are.
      const { Authorization } = oauth.toHeader(oauth.authorize({ url, method: 'POST' }, { key: config.accessToken, secret: config.accessTokenSecret }))
      const res = await ctx.fetch(url, {
        method: 'POST',
        headers: { authorization: Authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ text, reply: { in_reply_to_tweet_id: replyTo.data.id } }),
      })
      const { id } = readPosted(res, Posted).data
      return { externalId: id, url: `https://x.com/i/web/status/${id}` }
    },
  },
})

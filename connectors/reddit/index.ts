import { z } from 'zod'
import { permanentError, PostedUnreadable, UpstreamError } from '../../src/net/errors.ts'
import { parseJson } from '../../src/net/parse.ts'
import { decodeEntities, tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { advanceWatermark, isNew, Watermark } from '../shared/watermark.ts'
import { commonConfig, type ConnectorContext, defineConnector, originOf, readPosted } from '../types.ts'

const Config = z
  .strictObject({
    query: z.string().min(1).max(500).optional(),
    subreddit: z.string().regex(/^[A-Za-z0-9_]{2,21}$/, 'a subreddit name without r/').optional(),
    include: z.array(z.enum(['posts', 'comments'])).min(1).default(['posts', 'comments']),
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    /** The account that replies: the "script" app's own developer, without two-factor sign-in (a password grant cannot take a fresh code each time). */
    username: z.string().regex(/^[\w-]{3,20}$/, 'a Reddit username without u/').optional(),
    password: z.string().min(1).optional(),
    userAgent: z.string().min(1).max(200).optional(),
    ...commonConfig,
  })
  .refine((c) => c.query || c.subreddit, { message: 'set query, subreddit, or both' })
  .refine((c) => !c.clientId === !c.clientSecret, { message: 'clientId and clientSecret go together' })
  .refine((c) => !c.username === !c.password, { message: 'username and password go together' })
  .refine((c) => !c.username || c.clientId, { message: 'replying as a user needs the script app\'s clientId and clientSecret' })
type Config = z.infer<typeof Config>

const Thing = z.object({
  kind: z.string(),
  data: z.object({
    name: z.string(),
    author: z.string().nullish(),
    created_utc: z.number(),
    permalink: z.string(),
    title: z.string().nullish(),
    selftext: z.string().nullish(),
    body: z.string().nullish(),
    score: z.number().nullish(),
    num_comments: z.number().nullish(),
    subreddit: z.string().nullish(),
  }),
})
const Listing = z.object({ data: z.object({ after: z.string().nullish(), children: z.array(Thing) }) })
const Token = z.object({ access_token: z.string() })
// A refused password grant is a 200 too: {"error": "invalid_grant"}.
const UserToken = z.union([Token, z.object({ error: z.string() })])
// Reddit answers a refused comment with 200 and its reasons: [code, message, field].
const CommentResult = z.object({
  json: z.object({
    errors: z.array(z.array(z.string().nullable())).default([]),
    data: z.object({ things: z.array(z.object({ data: z.object({ name: z.string(), permalink: z.string() }) })) }).optional(),
  }),
})

/** Reddit's own links: always www.reddit.com, whichever host served the API. */
export function toMention(thing: z.infer<typeof Thing>): MentionItem {
  const d = thing.data
  const handle = d.author ?? '[deleted]'
  const title = thing.kind === 't3' ? decodeEntities(d.title ?? '') : undefined
  const text = tidyWhitespace(decodeEntities((thing.kind === 't3' ? d.selftext : d.body) ?? ''))
  return {
    externalId: d.name,
    url: `https://www.reddit.com${d.permalink}`,
    author: { handle, ...(d.author && d.author !== '[deleted]' ? { profileUrl: `https://www.reddit.com/user/${d.author}` } : {}) },
    title: title || undefined,
    text: text || title || '',
    publishedAt: new Date(d.created_utc * 1000),
    engagement: { likes: d.score ?? undefined, replies: d.num_comments ?? undefined },
    raw: thing,
  }
}

const Cursor = z.object({ posts: Watermark.nullable(), comments: Watermark.nullable() })

const userAgentOf = (config: Config) => config.userAgent ?? 'earshot:social-listening:v1 (self-hosted; https://github.com/earshot)'

/** Reddit's refusal of a comment: a rate limit says when to try again ("try again in 5 minutes"), anything else is final. */
function refusal(errors: (string | null)[][], now: number): UpstreamError {
  const [code, message] = errors[0]
  const text = `reddit: ${message ?? code}`
  if (code !== 'RATELIMIT') return permanentError(text)
  const wait = /(\d+) (second|minute)/.exec(message ?? '')
  return new UpstreamError(text, { status: 429, retryAt: new Date(now + (wait ? Number(wait[1]) * (wait[2] === 'minute' ? 60_000 : 1000) : 60_000)) })
}

async function authenticate(ctx: ConnectorContext, config: Config, headers: Record<string, string>) {
  if (!config.clientId || !config.clientSecret) return { origin: originOf(config, 'https://www.reddit.com'), headers }
  const res = await ctx.fetch(`${originOf(config, 'https://www.reddit.com')}/api/v1/access_token`, {
    method: 'POST',
    headers: { ...headers, authorization: `Basic ${btoa(`${config.clientId}:${config.clientSecret}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  })
  const { access_token } = parseJson(res, Token)
  return { origin: originOf(config, 'https://oauth.reddit.com'), headers: { ...headers, authorization: `Bearer ${access_token}` } }
}

/** Pages a listing newest first until it reaches what the watermark already covers or the budget is spent. */
async function collect(ctx: ConnectorContext, url: string, headers: Record<string, string>, mark: Watermark | null, keep: (m: MentionItem) => boolean) {
  const items: MentionItem[] = []
  let after: string | null | undefined
  do {
    const page = parseJson(await ctx.fetch(`${url}${after ? `&after=${after}` : ''}`, { headers }), Listing)
    const mapped = page.data.children.map(toMention)
    const fresh = mapped.filter((m) => isNew(m, mark))
    items.push(...fresh.filter(keep))
    if (fresh.length < mapped.length) break
    after = page.data.after
  } while (after && items.length < ctx.maxItems)
  return items.slice(0, ctx.maxItems)
}

const containsQuery = (query: string | undefined) => {
  const words = (query ?? '').toLowerCase().split(/\s+/).filter((w) => w && !/^(and|or|not)$/i.test(w))
  return (m: MentionItem) => words.every((w) => m.text.toLowerCase().includes(w.replace(/^"|"$/g, '')))
}

export const redditConnector = defineConnector({
  kind: 'reddit',
  description: 'Reddit posts matching a query (site-wide or within a subreddit) and a subreddit\'s new posts and comments (comments need a subreddit).',
  config: Config,
  cursor: Cursor,
  secrets: ['clientSecret', 'password'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const { origin, headers } = await authenticate(ctx, config, { 'user-agent': userAgentOf(config) })
    const next = { posts: cursor?.posts ?? null, comments: cursor?.comments ?? null }
    const items: MentionItem[] = []
    const q = config.query ? encodeURIComponent(config.query) : ''
    const sub = config.subreddit
    if (config.include.includes('posts')) {
      const url = q
        ? sub ? `${origin}/r/${sub}/search.json?q=${q}&restrict_sr=1&sort=new&limit=100&raw_json=1` : `${origin}/search.json?q=${q}&sort=new&limit=100&raw_json=1`
        : `${origin}/r/${sub}/new.json?limit=100&raw_json=1`
      const posts = await collect(ctx, url, headers, next.posts, () => true)
      next.posts = advanceWatermark(next.posts, posts)
      items.push(...posts)
    }
    if (config.include.includes('comments') && sub) {
      const comments = await collect(ctx, `${origin}/r/${sub}/comments.json?limit=100&raw_json=1`, headers, next.comments, containsQuery(config.query))
      next.comments = advanceWatermark(next.comments, comments)
      items.push(...comments)
    }
    return { items, cursor: next }
  },
  reply: {
    // A script app's password grant: the reply is a comment by that account, under the post or comment it answers.
    requires: ['clientId', 'clientSecret', 'username', 'password'],
    maxGraphemes: 10_000,
    async send(ctx, config, target, text) {
      const ua = { 'user-agent': userAgentOf(config) }
      const res = await ctx.fetch(`${originOf(config, 'https://www.reddit.com')}/api/v1/access_token`, {
        method: 'POST',
        headers: { ...ua, authorization: `Basic ${btoa(`${config.clientId}:${config.clientSecret}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username: config.username, password: config.password }).toString(),
      })
      const token = parseJson(res, UserToken)
      if ('error' in token) throw permanentError(`reddit: sign-in as ${config.username} refused (${token.error}); check the username, password and that the app is a script app of this account`)
      const posted = await ctx.fetch(`${originOf(config, 'https://oauth.reddit.com')}/api/comment`, {
        method: 'POST',
        headers: { ...ua, authorization: `Bearer ${token.access_token}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ api_type: 'json', thing_id: target.externalId, text }).toString(),
      })
      const { json } = readPosted(posted, CommentResult)
      if (json.errors.length) throw refusal(json.errors, Date.now())
      const comment = json.data?.things[0]?.data
      // Taken (no errors) but not described: posted, address unknown.
      if (!comment) throw new PostedUnreadable('reddit: the comment was taken but not described', posted.status)
      return { externalId: comment.name, url: `https://www.reddit.com${comment.permalink}` }
    },
  },
})

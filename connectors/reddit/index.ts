import { z } from 'zod'
import { parseJson } from '../../src/net/parse.ts'
import { decodeEntities, tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { advanceWatermark, isNew, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector, originOf, type ConnectorContext } from '../types.ts'

const Config = z
  .strictObject({
    query: z.string().min(1).max(500).optional(),
    subreddit: z.string().regex(/^[A-Za-z0-9_]{2,21}$/, 'a subreddit name without r/').optional(),
    include: z.array(z.enum(['posts', 'comments'])).min(1).default(['posts', 'comments']),
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    userAgent: z.string().min(1).max(200).optional(),
    ...commonConfig,
  })
  .refine((c) => c.query || c.subreddit, { message: 'set query, subreddit, or both' })
  .refine((c) => !c.clientId === !c.clientSecret, { message: 'clientId and clientSecret go together' })
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
  secrets: ['clientSecret'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const ua = config.userAgent ?? 'earshot:social-listening:v1 (self-hosted; https://github.com/earshot)'
    const { origin, headers } = await authenticate(ctx, config, { 'user-agent': ua })
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
})

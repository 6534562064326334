import { z } from 'zod'
import { parseJson } from '../../src/net/parse.ts'
import { tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { keptWithMark, takeNew, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector, originOf, type ConnectorContext } from '../types.ts'

const Config = z
  .strictObject({
    query: z.string().min(1).max(500),
    identifier: z.string().min(1).optional(),
    appPassword: z.string().min(1).optional(),
    ...commonConfig,
  })
  .refine((c) => !c.identifier === !c.appPassword, { message: 'identifier and appPassword go together' })
type Config = z.infer<typeof Config>

const PostView = z.object({
  uri: z.string(),
  author: z.object({ did: z.string(), handle: z.string(), displayName: z.string().nullish() }),
  record: z.object({ text: z.string().default(''), createdAt: z.string(), langs: z.array(z.string()).nullish() }).loose(),
  indexedAt: z.string(),
  replyCount: z.number().nullish(),
  repostCount: z.number().nullish(),
  likeCount: z.number().nullish(),
  quoteCount: z.number().nullish(),
})
const SearchPosts = z.object({ posts: z.array(PostView), cursor: z.string().nullish() })
const Session = z.object({ accessJwt: z.string() })
type PostView = z.infer<typeof PostView>

/** Bluesky sorts by the earlier of createdAt and indexedAt (a client may claim any createdAt). */
export function toMention(p: PostView): MentionItem {
  const rkey = p.uri.split('/').pop() ?? ''
  const created = Date.parse(p.record.createdAt)
  const indexed = Date.parse(p.indexedAt)
  const sortAt = Number.isNaN(created) ? indexed : Math.min(created, indexed)
  return {
    externalId: p.uri,
    url: `https://bsky.app/profile/${p.author.handle}/post/${rkey}`,
    author: { handle: p.author.handle, ...(p.author.displayName ? { name: p.author.displayName } : {}), profileUrl: `https://bsky.app/profile/${p.author.handle}` },
    text: tidyWhitespace(p.record.text),
    lang: p.record.langs?.[0],
    publishedAt: new Date(sortAt),
    engagement: { likes: p.likeCount ?? undefined, replies: p.replyCount ?? undefined, shares: (p.repostCount ?? 0) + (p.quoteCount ?? 0) || undefined },
    raw: p,
  }
}

async function session(ctx: ConnectorContext, config: Config): Promise<{ origin: string; headers: Record<string, string> }> {
  if (!config.identifier || !config.appPassword) return { origin: originOf(config, 'https://public.api.bsky.app'), headers: {} }
  const origin = originOf(config, 'https://bsky.social')
  const res = await ctx.fetch(`${origin}/xrpc/com.atproto.server.createSession`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: config.identifier, password: config.appPassword }),
  })
  return { origin, headers: { authorization: `Bearer ${parseJson(res, Session).accessJwt}` } }
}

export const blueskyConnector = defineConnector({
  kind: 'bluesky',
  description: 'Bluesky posts matching a query (app.bsky.feed.searchPosts, latest first); optional app-password session.',
  config: Config,
  cursor: Watermark,
  secrets: ['appPassword'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const { origin, headers } = await session(ctx, config)
    const items: MentionItem[] = []
    let page: string | undefined
    do {
      const params = new URLSearchParams({ q: config.query, sort: 'latest', limit: '100' })
      if (cursor) params.set('since', cursor.since)
      if (page) params.set('cursor', page)
      const body = parseJson(await ctx.fetch(`${origin}/xrpc/app.bsky.feed.searchPosts?${params}`, { headers }), SearchPosts)
      if (!takeNew(body.posts.map(toMention), cursor, items) || body.posts.length === 0) break
      page = body.cursor ?? undefined
    } while (page && items.length < ctx.maxItems)
    return keptWithMark(items, cursor, ctx.maxItems)
  },
})

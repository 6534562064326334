import { z } from 'zod'
import { permanentError } from '../../src/net/errors.ts'
import { parseJson } from '../../src/net/parse.ts'
import { tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { keptWithMark, takeNew, Watermark } from '../shared/watermark.ts'
import { commonConfig, type ConnectorContext, defineConnector, originOf, readPosted, type ReplyTarget } from '../types.ts'

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
  cid: z.string().optional(),
  author: z.object({ did: z.string(), handle: z.string(), displayName: z.string().nullish() }),
  record: z.object({ text: z.string().default(''), createdAt: z.string(), langs: z.array(z.string()).nullish() }).loose(),
  indexedAt: z.string(),
  replyCount: z.number().nullish(),
  repostCount: z.number().nullish(),
  likeCount: z.number().nullish(),
  quoteCount: z.number().nullish(),
})
const SearchPosts = z.object({ posts: z.array(PostView), cursor: z.string().nullish() })
const Session = z.object({ accessJwt: z.string(), did: z.string(), handle: z.string() })
/** A strong reference (uri + content hash) is how a reply names the posts it answers. */
const StrongRef = z.object({ uri: z.string(), cid: z.string() })
const Answerable = StrongRef.extend({ record: z.object({ reply: z.object({ root: StrongRef }).nullish() }).loose() })
const Posts = z.object({ posts: z.array(Answerable) })
const Created = z.object({ uri: z.string() })
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

/** Signs in with the app password: the API origin, the headers to send and the account's own did and handle. */
async function signIn(ctx: Pick<ConnectorContext, 'fetch'>, config: Config & { identifier: string; appPassword: string }) {
  const origin = originOf(config, 'https://bsky.social')
  const res = await ctx.fetch(`${origin}/xrpc/com.atproto.server.createSession`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: config.identifier, password: config.appPassword }),
  })
  const s = parseJson(res, Session)
  return { origin, headers: { authorization: `Bearer ${s.accessJwt}` }, did: s.did, handle: s.handle }
}

async function session(ctx: ConnectorContext, config: Config): Promise<{ origin: string; headers: Record<string, string> }> {
  if (!config.identifier || !config.appPassword) return { origin: originOf(config, 'https://public.api.bsky.app'), headers: {} }
  return signIn(ctx, { ...config, identifier: config.identifier, appPassword: config.appPassword })
}

/** The post being answered, with its content hash: from the stored payload, or asked again for rows stored before it was kept. */
async function answered(ctx: Pick<ConnectorContext, 'fetch'>, origin: string, headers: Record<string, string>, target: ReplyTarget) {
  const stored = Answerable.safeParse(target.raw)
  if (stored.success) return stored.data
  const res = await ctx.fetch(`${origin}/xrpc/app.bsky.feed.getPosts?${new URLSearchParams({ uris: target.externalId })}`, { headers })
  const post = parseJson(res, Posts).posts[0]
  if (!post) throw permanentError('the post is no longer on Bluesky')
  return post
}

/** Bluesky shows a URL as a link only where a facet marks its UTF-8 byte range. */
export function linkFacets(text: string) {
  const utf8 = new TextEncoder()
  return [...text.matchAll(/https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]']/g)].map((m) => {
    const byteStart = utf8.encode(text.slice(0, m.index)).length
    return { index: { byteStart, byteEnd: byteStart + utf8.encode(m[0]).length }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: m[0] }] }
  })
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
  reply: {
    // The app password's account posts the reply in the thread; Bluesky notifies the author it answers.
    requires: ['identifier', 'appPassword'],
    maxGraphemes: 300,
    async send(ctx, config, target, text) {
      const { origin, headers, did, handle } = await signIn(ctx, config)
      const parent = await answered(ctx, origin, headers, target)
      const facets = linkFacets(text)
      const record = {
        $type: 'app.bsky.feed.post',
        text,
        createdAt: new Date().toISOString(),
        reply: { root: parent.record.reply?.root ?? { uri: parent.uri, cid: parent.cid }, parent: { uri: parent.uri, cid: parent.cid } },
        ...(facets.length ? { facets } : {}),
      }
      const res = await ctx.fetch(`${origin}/xrpc/com.atproto.repo.createRecord`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ repo: did, collection: 'app.bsky.feed.post', record }),
      })
      const created = readPosted(res, Created)
      return { externalId: created.uri, url: `https://bsky.app/profile/${handle}/post/${created.uri.split('/').pop()}` }
    },
  },
})

import { z } from 'zod'
import { permanentError } from '../../src/net/errors.ts'
import { parseJson } from '../../src/net/parse.ts'
import type { HttpClient } from '../../src/net/http-client.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { graph } from '../shared/graph.ts'
import { isNew, keptWithMark, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector, originOf, readPosted } from '../types.ts'

/** The account's latest posts whose replies are read each run. */
const POSTS = 25
/** Pages read of one post's replies or of the search, newest first, while every item on a page is new. */
const PAGES = 4

const Config = z
  .strictObject({
    /** A long-lived Threads user access token (60 days) with threads_basic and threads_read_replies; threads_manage_replies to reply, threads_keyword_search for `query`. */
    accessToken: z.string().min(20),
    /** Public posts matching these words (Threads keyword search, most recent first). */
    query: z.string().min(1).max(100).optional(),
    /** Replies to the account's latest posts. */
    replies: z.boolean().default(true),
    ...commonConfig,
  })
  .refine((c) => c.replies || c.query, { message: 'read replies, search a query, or both' })

// Loose: the raw kept with a mention holds every field asked for (replied_to, root_post, …), validated or not.
const Post = z.looseObject({
  id: z.string(),
  text: z.string().default(''),
  timestamp: z.string(),
  // Threads gives the username and permalink of public profiles and the account's own only.
  username: z.string().optional(),
  permalink: z.string().optional(),
  hide_status: z.string().optional(),
})
type Post = z.infer<typeof Post>
const Page = z.object({ data: z.array(Post), paging: z.object({ next: z.string().optional() }).optional() })
const Posts = z.object({ data: z.array(z.object({ id: z.string(), permalink: z.string().optional() })) })
const Me = z.object({ id: z.string(), username: z.string() })

const REPLY_FIELDS = 'id,text,username,timestamp,permalink,replied_to,root_post,is_reply,hide_status'
const SEARCH_FIELDS = 'id,text,username,timestamp,permalink,is_reply'
// A reply its post's owner hid reads HIDDEN (newer values may name other ways of hiding): only these are shown.
const SHOWN = new Set(['NOT_HUSHED', 'UNHUSHED'])

const threadsBase = (config: { baseUrl?: string }) => `${originOf(config, 'https://graph.threads.net')}/v1.0`

function toMention(p: Post, postUrl: string | undefined): MentionItem {
  return {
    externalId: p.id,
    // A reply without a permalink of its own (a private profile's) links to the post it is under.
    url: p.permalink ?? postUrl ?? '',
    // A private profile's reply has no username: a shared placeholder would make all of them one person.
    author: p.username ? { handle: p.username, profileUrl: `https://www.threads.net/@${p.username}` } : { handle: '' },
    text: p.text,
    publishedAt: new Date(p.timestamp),
    engagement: {},
    raw: p,
  }
}

/**
 * Reads a newest-first list page by page while every item on a page is new
 * (an item the mark covers means the rest are older still), up to PAGES.
 */
async function readNewest(fetch: HttpClient, token: string, url: string, mark: Watermark | null, postUrl?: string): Promise<{ post: Post; mention: MentionItem }[]> {
  const read: { post: Post; mention: MentionItem }[] = []
  let next: string | undefined = url
  for (let n = 0; next && n < PAGES; n++) {
    const page: z.infer<typeof Page> = parseJson(await graph(fetch, next, token), Page)
    const seen = page.data.map((post) => ({ post, mention: toMention(post, postUrl) }))
    read.push(...seen.filter((s) => isNew(s.mention, mark)))
    if (seen.some((s) => !isNew(s.mention, mark))) break
    next = page.paging?.next
  }
  return read
}

export const threadsConnector = defineConnector({
  kind: 'threads',
  description: 'Replies to your Threads account’s latest posts and public Threads posts matching a keyword search (Threads API); replies as the account.',
  config: Config,
  cursor: Watermark,
  secrets: ['accessToken'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const base = threadsBase(config)
    const me = parseJson(await graph(ctx.fetch, `${base}/me?fields=id,username`, config.accessToken), Me)
    // The account's own posts and replies are the team's words: an app not yet approved for keyword search finds only those.
    // Threads always names the account's own user, so its username tells them apart.
    const byOthers = (p: Post) => p.username !== me.username
    const found = new Map<string, MentionItem>()
    if (config.replies) {
      const posts = parseJson(await graph(ctx.fetch, `${base}/me/threads?${new URLSearchParams({ fields: 'id,permalink', limit: String(POSTS) })}`, config.accessToken), Posts).data
      for (const post of posts) {
        // conversation: replies at every depth, so an answer to the team's answer is read too.
        const url = `${base}/${post.id}/conversation?${new URLSearchParams({ fields: REPLY_FIELDS, reverse: 'true' })}`
        for (const r of await readNewest(ctx.fetch, config.accessToken, url, cursor, post.permalink)) {
          if (byOthers(r.post) && (r.post.hide_status === undefined || SHOWN.has(r.post.hide_status))) found.set(r.post.id, r.mention)
        }
      }
    }
    if (config.query) {
      const url = `${base}/keyword_search?${new URLSearchParams({ q: config.query, search_type: 'RECENT', fields: SEARCH_FIELDS })}`
      for (const r of await readNewest(ctx.fetch, config.accessToken, url, cursor)) {
        if (byOthers(r.post) && !found.has(r.post.id)) found.set(r.post.id, r.mention)
      }
    }
    const fresh = [...found.values()]
    // Every new item was read, so past the first run the oldest go first: the mark moves only past what a run
    // keeps, and the next run takes the rest. The first run keeps the latest.
    fresh.sort((a, b) => (cursor ? 1 : -1) * (a.publishedAt.getTime() - b.publishedAt.getTime()))
    return keptWithMark(fresh, cursor, ctx.maxItems)
  },
  reply: {
    requires: ['accessToken'],
    maxGraphemes: 500,
    async send(ctx, config, target, text) {
      const answered = z.object({ id: z.string() }).safeParse(target.raw)
      if (!answered.success) throw permanentError('the stored post has no id to answer')
      const base = threadsBase(config)
      // Threads publishes in two steps: a container holding the reply, then its publication.
      const container = new URLSearchParams({ media_type: 'TEXT', text, reply_to_id: answered.data.id })
      const { id: creationId } = parseJson(await graph(ctx.fetch, `${base}/me/threads`, config.accessToken, { method: 'POST', body: container.toString() }), z.object({ id: z.string() }))
      const published = await graph(ctx.fetch, `${base}/me/threads_publish`, config.accessToken, { method: 'POST', body: new URLSearchParams({ creation_id: creationId }).toString() })
      return { externalId: readPosted(published, z.object({ id: z.string() })).id, url: null }
    },
  },
})

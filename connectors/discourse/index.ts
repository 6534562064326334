import { z } from 'zod'
import { permanentError } from '../../src/net/errors.ts'
import { parseJson } from '../../src/net/parse.ts'
import { htmlToText } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { commonConfig, defineConnector, readPosted } from '../types.ts'

const Config = z
  .strictObject({
    /** The forum, e.g. https://community.example.com; its origin is the API base. */
    instance: z.url({ protocol: /^https?$/ }),
    /** For forums that are not public: an API key and the user it acts as. */
    apiKey: z.string().min(1).optional(),
    apiUsername: z.string().min(1).optional(),
    /** Only posts in these categories: the number in a category's address (`/c/feature-requests/7` → 7). */
    categories: z.array(z.number().int().positive()).min(1).max(100).optional(),
    ...commonConfig,
  })
  .refine((c) => (c.apiKey === undefined) === (c.apiUsername === undefined), { message: 'apiKey and apiUsername go together' })

// Post types: 1 regular, 2 moderator action, 3 small action ("closed the topic"), 4 whisper (staff only).
const REGULAR = 1
const LIKE = 2

const Post = z.object({
  id: z.number(),
  username: z.string(),
  name: z.string().nullish(),
  created_at: z.string(),
  cooked: z.string().nullish(),
  raw: z.string().nullish(),
  post_number: z.number(),
  post_type: z.number().default(REGULAR),
  reply_count: z.number().nullish(),
  topic_id: z.number(),
  topic_slug: z.string(),
  topic_title: z.string().nullish(),
  category_id: z.number().nullish(),
  hidden: z.boolean().nullish(),
  deleted_at: z.string().nullish(),
  actions_summary: z.array(z.object({ id: z.number(), count: z.number().optional() })).nullish(),
})
const LatestPosts = z.object({ latest_posts: z.array(Post).default([]) })
type Post = z.infer<typeof Post>

/** What a reply needs of the stored post, and what Discourse answers with the new one. */
const Answerable = z.object({ topic_id: z.number(), post_number: z.number() })
const Created = z.object({ id: z.number(), topic_id: z.number(), topic_slug: z.string(), post_number: z.number() })

/** The highest post id seen: ids only grow, so newer posts are exactly those above it. */
const Cursor = z.object({ lastId: z.number().int() })

/** A post's own words: quoted posts (`aside.quote`) belong to their authors, link previews (`aside.onebox`) to the linked page. */
const ownText = (cooked: string) => htmlToText(cooked.replace(/<aside\b[^>]*class="[^"]*\b(?:quote|onebox)\b[^"]*"[^>]*>[\s\S]*?<\/aside>/gi, ' '))

export function toMention(origin: string, p: Post): MentionItem {
  return {
    externalId: String(p.id),
    url: `${origin}/t/${p.topic_slug}/${p.topic_id}/${p.post_number}`,
    author: { handle: p.username, ...(p.name ? { name: p.name } : {}), profileUrl: `${origin}/u/${p.username}` },
    // The topic's title is the opening post's own; a reply only lives under it.
    ...(p.post_number === 1 && p.topic_title ? { title: p.topic_title } : {}),
    text: p.cooked ? ownText(p.cooked) : (p.raw ?? ''),
    publishedAt: new Date(p.created_at),
    engagement: { likes: p.actions_summary?.find((a) => a.id === LIKE)?.count, replies: p.reply_count ?? undefined },
    raw: p,
  }
}

export const discourseConnector = defineConnector({
  kind: 'discourse',
  description: 'Every new post on a Discourse forum, or in some of its categories (latest posts, newest first); an API key for private forums.',
  config: Config,
  cursor: Cursor,
  secrets: ['apiKey'],
  urls: ['instance', 'baseUrl'],
  async poll(ctx, config, cursor) {
    const origin = new URL(config.baseUrl ?? config.instance).origin
    const headers: Record<string, string> = { accept: 'application/json' }
    if (config.apiKey && config.apiUsername) Object.assign(headers, { 'api-key': config.apiKey, 'api-username': config.apiUsername })
    const posts: Post[] = []
    let before: number | undefined
    while (posts.length < ctx.maxItems) {
      const url = `${origin}/posts.json${before === undefined ? '' : `?before=${before}`}`
      // A forum that ignores `before` would hand back the same page forever: only older posts count.
      const page = parseJson(await ctx.fetch(url, { headers }), LatestPosts).latest_posts.filter((p) => before === undefined || p.id < before)
      const fresh = page.filter((p) => !cursor || p.id > cursor.lastId)
      posts.push(...fresh)
      // An empty page is the end of the forum; a page reaching the mark is the end of what is new.
      if (!page.length || fresh.length < page.length) break
      before = Math.min(...page.map((p) => p.id))
    }
    const kept = posts.sort((a, b) => b.id - a.id).slice(0, ctx.maxItems)
    const lastId = Math.max(cursor?.lastId ?? -1, ...kept.map((p) => p.id))
    // Posts of other categories still move the mark: they are seen, just not wanted.
    const wanted = (p: Post) => !config.categories || (p.category_id != null && config.categories.includes(p.category_id))
    const items = kept.filter((p) => p.post_type === REGULAR && !p.hidden && !p.deleted_at && wanted(p)).map((p) => toMention(origin, p))
    return { items, cursor: lastId >= 0 ? { lastId } : null }
  },
  reply: {
    // The key's user posts the reply: a user key, or an all-users key with that username.
    requires: ['apiKey', 'apiUsername'],
    async send(ctx, config, target, text) {
      const parsed = Answerable.safeParse(target.raw)
      if (!parsed.success) throw permanentError('the stored post has no topic to reply in')
      const origin = new URL(config.baseUrl ?? config.instance).origin
      const res = await ctx.fetch(`${origin}/posts.json`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json', 'api-key': config.apiKey, 'api-username': config.apiUsername },
        body: JSON.stringify({ topic_id: parsed.data.topic_id, reply_to_post_number: parsed.data.post_number, raw: text }),
      })
      const post = readPosted(res, Created)
      return { externalId: String(post.id), url: `${origin}/t/${post.topic_slug}/${post.topic_id}/${post.post_number}` }
    },
  },
})

import { z } from 'zod'
import { permanentError } from '../../src/net/errors.ts'
import { parseJson } from '../../src/net/parse.ts'
import { decodeEntities, htmlToText } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { keptWithMark, takeNew, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector, originOf, readPosted } from '../types.ts'

const Config = z.strictObject({
  query: z.string().min(1).max(500),
  site: z.string().regex(/^[a-z0-9.-]+$/, 'a site api name such as stackoverflow or superuser').default('stackoverflow'),
  key: z.string().min(1).optional(),
  /** An access token with the write_access scope, of the account that comments (it needs 50 reputation on the site). */
  accessToken: z.string().min(1).optional(),
  ...commonConfig,
})

const Question = z.object({
  question_id: z.number(),
  title: z.string(),
  body: z.string().nullish(),
  link: z.string(),
  creation_date: z.number(),
  score: z.number().nullish(),
  answer_count: z.number().nullish(),
  owner: z.object({ display_name: z.string().nullish(), link: z.string().nullish(), user_id: z.number().nullish() }).loose().nullish(),
})
const SearchResponse = z.object({ items: z.array(Question), has_more: z.boolean().default(false) })
type Question = z.infer<typeof Question>
const Answerable = z.object({ question_id: z.number(), link: z.string() })
const Posted = z.object({ items: z.array(z.object({ comment_id: z.number(), link: z.string().optional() })).min(1) })

/** Titles and display names arrive HTML-entity-encoded; bodies are HTML. */
export function toMention(q: Question): MentionItem {
  const name = decodeEntities(q.owner?.display_name ?? '')
  return {
    externalId: String(q.question_id),
    url: q.link,
    author: { handle: name || 'anonymous', ...(name ? { name } : {}), ...(q.owner?.link ? { profileUrl: q.owner.link } : {}) },
    title: decodeEntities(q.title),
    text: htmlToText(q.body ?? '') || decodeEntities(q.title),
    publishedAt: new Date(q.creation_date * 1000),
    engagement: { likes: q.score ?? undefined, replies: q.answer_count ?? undefined },
    raw: q,
  }
}

export const stackexchangeConnector = defineConnector({
  kind: 'stackexchange',
  description: 'Stack Exchange questions matching a query on one site (default stackoverflow), newest first; honours backoff.',
  config: Config,
  cursor: Watermark,
  secrets: ['key', 'accessToken'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const origin = originOf(config, 'https://api.stackexchange.com')
    const items: MentionItem[] = []
    for (let page = 1; items.length < ctx.maxItems; page++) {
      const params = new URLSearchParams({ order: 'desc', sort: 'creation', q: config.query, site: config.site, filter: 'withbody', pagesize: '100', page: String(page) })
      if (cursor) params.set('fromdate', String(Math.floor(Date.parse(cursor.since) / 1000)))
      if (config.key) params.set('key', config.key)
      const body = parseJson(await ctx.fetch(`${origin}/2.3/search/advanced?${params}`), SearchResponse)
      if (!takeNew(body.items.map(toMention), cursor, items) || !body.has_more) break
    }
    return keptWithMark(items, cursor, ctx.maxItems)
  },
  reply: {
    // Writes need an app key as well as the user's token.
    requires: ['key', 'accessToken'],
    // Stack Exchange takes comments of 15 to 600 characters; a shorter one is refused with its reason.
    maxGraphemes: 600,
    async send(ctx, config, target, text) {
      const question = Answerable.safeParse(target.raw)
      if (!question.success) throw permanentError('the stored question has no id to comment on')
      const id = question.data.question_id
      const res = await ctx.fetch(`${originOf(config, 'https://api.stackexchange.com')}/2.3/posts/${id}/comments/add`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ body: text, site: config.site, key: config.key, access_token: config.accessToken, preview: 'false' }).toString(),
      })
      const [comment] = readPosted(res, Posted).items
      // Older API versions leave `link` out of a comment; the question's address with its anchor is the same place.
      return { externalId: String(comment.comment_id), url: comment.link ?? `${question.data.link}#comment${comment.comment_id}_${id}` }
    },
  },
})

import { z } from 'zod'
import { parseJson } from '../../src/net/parse.ts'
import { htmlToText } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { isNew, keptWithMark, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector, originOf } from '../types.ts'

const Config = z.strictObject({
  query: z.string().min(1).max(500),
  include: z.array(z.enum(['stories', 'comments'])).min(1).default(['stories', 'comments']),
  ...commonConfig,
})

const str = z.string().nullish()
const Hit = z.object({
  objectID: z.string(),
  created_at_i: z.number(),
  author: z.string().nullish(),
  title: str,
  url: str,
  story_text: str,
  comment_text: str,
  story_title: str,
  story_id: z.number().nullish(),
  points: z.number().nullish(),
  num_comments: z.number().nullish(),
  _tags: z.array(z.string()).default([]),
})
const SearchResponse = z.object({ hits: z.array(Hit), page: z.number(), nbPages: z.number() })
type Hit = z.infer<typeof Hit>

const HN = 'https://news.ycombinator.com'

export function toMention(hit: Hit): MentionItem {
  const isComment = hit._tags.includes('comment')
  const handle = hit.author ?? ''
  const title = isComment ? undefined : (hit.title ?? undefined)
  return {
    externalId: hit.objectID,
    url: `${HN}/item?id=${hit.objectID}`,
    author: { handle, ...(handle ? { profileUrl: `${HN}/user?id=${encodeURIComponent(handle)}` } : {}) },
    title,
    text: htmlToText((isComment ? hit.comment_text : hit.story_text) ?? '') || (title ?? hit.url ?? ''),
    publishedAt: new Date(hit.created_at_i * 1000),
    engagement: { likes: hit.points ?? undefined, replies: hit.num_comments ?? undefined },
    raw: hit,
  }
}

const PAGE_SIZE = 100

export const hackernewsConnector = defineConnector({
  kind: 'hackernews',
  description: 'Hacker News stories and comments matching a query (Algolia search_by_date).',
  config: Config,
  cursor: Watermark,
  secrets: [],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const origin = originOf(config, 'https://hn.algolia.com')
    const tags = config.include.length === 2 ? '(story,comment)' : config.include[0] === 'stories' ? 'story' : 'comment'
    const since = cursor ? Math.floor(Date.parse(cursor.since) / 1000) : 0
    const items: MentionItem[] = []
    for (let page = 0; items.length < ctx.maxItems; page++) {
      const params = new URLSearchParams({ query: config.query, tags, hitsPerPage: String(PAGE_SIZE), page: String(page) })
      if (since) params.set('numericFilters', `created_at_i>=${since}`)
      const body = parseJson(await ctx.fetch(`${origin}/api/v1/search_by_date?${params}`), SearchResponse)
      items.push(...body.hits.map(toMention).filter((m) => isNew(m, cursor)))
      if (body.hits.length < PAGE_SIZE || page + 1 >= body.nbPages) break
    }
    return keptWithMark(items, cursor, ctx.maxItems)
  },
})

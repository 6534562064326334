import { z } from 'zod'
import { UpstreamError } from '../../src/net/errors.ts'
import { parseJson } from '../../src/net/parse.ts'
import { tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { parseDate, toArray } from '../shared/values.ts'
import { commonConfig, defineConnector, originOf } from '../types.ts'

const Config = z.strictObject({
  appId: z.string().regex(/^\d+$/, 'the numeric App Store id (from the app URL: …/id<digits>)'),
  country: z.string().regex(/^[a-z]{2}$/i, 'a two-letter storefront code').default('us'),
  ...commonConfig,
})

// Every scalar in this feed is wrapped as { label }: ratings and ids are strings.
const Label = z.object({ label: z.string() })
const Entry = z.object({
  id: Label,
  author: z.object({ name: Label, uri: Label.optional() }).optional(),
  updated: Label.optional(),
  title: Label.optional(),
  content: Label.optional(),
  'im:rating': Label.optional(),
  'im:version': Label.optional(),
  'im:voteSum': Label.optional(),
  'im:voteCount': Label.optional(),
})
type Entry = z.infer<typeof Entry>
const Feed = z.object({ feed: z.object({ entry: z.union([Entry, z.array(Entry)]).optional() }).loose() })

/** Review ids only grow, so the highest one seen is the mark; the JSON feed may carry no dates. */
const Cursor = z.object({ lastId: z.string().regex(/^\d+$/) })

const MAX_PAGE = 10

export function toMention(e: Entry, appId: string, country: string, seenAt: Date): MentionItem {
  const rating = Number(e['im:rating']!.label)
  return {
    externalId: e.id.label,
    url: `https://apps.apple.com/${country}/app/id${appId}?see-all=reviews`,
    author: { handle: e.author?.name.label ?? '', ...(e.author?.uri ? { profileUrl: e.author.uri.label } : {}) },
    title: e.title?.label || undefined,
    text: tidyWhitespace(e.content?.label ?? ''),
    publishedAt: parseDate(e.updated?.label) ?? seenAt,
    rating: rating >= 1 && rating <= 5 ? rating : undefined,
    version: e['im:version']?.label || undefined,
    engagement: { likes: Number(e['im:voteSum']?.label ?? '') || undefined },
    raw: e,
  }
}

export const appstoreConnector = defineConnector({
  kind: 'appstore',
  description: "Apple App Store customer reviews of one app in one storefront (public RSS JSON feed, newest first, pages 1–10).",
  config: Config,
  cursor: Cursor,
  secrets: [],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const origin = originOf(config, 'https://itunes.apple.com')
    const country = config.country.toLowerCase()
    const last = cursor ? BigInt(cursor.lastId) : -1n
    const items: MentionItem[] = []
    for (let page = 1; page <= MAX_PAGE && items.length < ctx.maxItems; page++) {
      const res = await ctx.fetch(`${origin}/${country}/rss/customerreviews/page=${page}/id=${config.appId}/sortby=mostrecent/json`)
      // Past the last page the feed answers 200 with no entry, an empty body, or a plain-text notice.
      if (!res.text.trim() || (page > 1 && !res.text.trimStart().startsWith('{'))) break
      if (!res.text.trimStart().startsWith('{')) throw new UpstreamError(`itunes: not a review feed: ${res.text.slice(0, 80)}`)
      const reviews = toArray(parseJson(res, Feed).feed.entry).filter((e) => e['im:rating'])
      const fresh = reviews.filter((e) => /^\d+$/.test(e.id.label) && BigInt(e.id.label) > last)
      items.push(...fresh.map((e) => toMention(e, config.appId, country, ctx.now)))
      if (reviews.length === 0 || fresh.length < reviews.length) break
    }
    const kept = items.slice(0, ctx.maxItems)
    const top = kept.reduce((m, i) => (BigInt(i.externalId) > m ? BigInt(i.externalId) : m), last)
    return { items: kept, cursor: top >= 0n ? { lastId: top.toString() } : null }
  },
})

import { z } from 'zod'
import { UpstreamError } from '../../src/net/errors.ts'
import { parseXml } from '../../src/net/parse.ts'
import { rememberIds } from '../shared/values.ts'
import { commonConfig, defineConnector } from '../types.ts'
import { feedEntries, toMention } from './mapper.ts'

const Config = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  ...commonConfig,
})

/** Validators for the conditional GET, and the ids already delivered (feeds have no reliable order or dates). */
const Cursor = z.object({ etag: z.string().optional(), lastModified: z.string().optional(), seen: z.array(z.string()) })

export const rssConnector = defineConnector({
  kind: 'rss',
  description: 'Any RSS 2.0, Atom or RDF feed (Google Alerts links are unwrapped); polled with conditional GET.',
  config: Config,
  cursor: Cursor,
  secrets: [],
  urls: ['url', 'baseUrl'],
  async poll(ctx, config, cursor) {
    const feed = new URL(config.url)
    const url = config.baseUrl ? new URL(feed.pathname + feed.search, config.baseUrl).toString() : config.url
    const headers: Record<string, string> = { accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5' }
    if (cursor?.etag) headers['if-none-match'] = cursor.etag
    if (cursor?.lastModified) headers['if-modified-since'] = cursor.lastModified
    const res = await ctx.fetch(url, { headers, accept: [304] })
    if (res.status === 304 && cursor) return { items: [], cursor }
    const entries = feedEntries(parseXml(res))
    if (!entries) throw new UpstreamError(`${new URL(url).host}: not an RSS, Atom or RDF feed`)
    const seen = new Set(cursor?.seen ?? [])
    const items = entries
      .map((e) => toMention(e, ctx.now))
      .filter((m) => !seen.has(m.externalId))
      .slice(0, ctx.maxItems)
    return {
      items,
      cursor: {
        etag: res.headers.get('etag') ?? undefined,
        lastModified: res.headers.get('last-modified') ?? undefined,
        seen: rememberIds(cursor?.seen ?? [], items.map((i) => i.externalId)),
      },
    }
  },
})

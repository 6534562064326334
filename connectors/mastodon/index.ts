import { z } from 'zod'
import { permanentError } from '../../src/net/errors.ts'
import { parseJson } from '../../src/net/parse.ts'
import { htmlToText } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { parseLinkHeader } from '../shared/values.ts'
import { commonConfig, type ConnectorContext, defineConnector, readPosted } from '../types.ts'

const Config = z
  .strictObject({
    /** The instance to ask, e.g. https://mastodon.social; its origin is the API base. */
    instance: z.url({ protocol: /^https?$/ }),
    hashtag: z.string().regex(/^#?[\p{L}\p{N}_]+$/u, 'a hashtag without spaces').optional(),
    query: z.string().min(1).max(500).optional(),
    accessToken: z.string().min(1).optional(),
    ...commonConfig,
  })
  .refine((c) => c.hashtag || c.query, { message: 'set hashtag, query, or both' })

const Account = z.object({
  acct: z.string(),
  username: z.string(),
  display_name: z.string().nullish(),
  url: z.string().nullish(),
  followers_count: z.number().nullish(),
})
const Status = z.object({
  id: z.string(),
  uri: z.string(),
  url: z.string().nullish(),
  created_at: z.string(),
  content: z.string(),
  spoiler_text: z.string().nullish(),
  language: z.string().nullish(),
  account: Account,
  replies_count: z.number().nullish(),
  reblogs_count: z.number().nullish(),
  favourites_count: z.number().nullish(),
})
type Status = z.infer<typeof Status>

export function toMention(s: Status): MentionItem {
  const spoiler = s.spoiler_text ? htmlToText(s.spoiler_text) : ''
  return {
    externalId: s.uri,
    url: s.url ?? s.uri,
    author: {
      handle: s.account.acct,
      ...(s.account.display_name ? { name: s.account.display_name } : {}),
      ...(s.account.url ? { profileUrl: s.account.url } : {}),
      ...(s.account.followers_count != null ? { followers: s.account.followers_count } : {}),
    },
    text: [spoiler, htmlToText(s.content)].filter(Boolean).join('\n\n'),
    lang: s.language ?? undefined,
    publishedAt: new Date(s.created_at),
    engagement: { likes: s.favourites_count ?? undefined, replies: s.replies_count ?? undefined, shares: s.reblogs_count ?? undefined },
    raw: s,
  }
}

/** Mastodon ids are numeric strings of varying length: longer is newer. */
const newerId = (a: string, b: string) => (a.length !== b.length ? a.length > b.length : a > b)
const maxId = (ids: string[], start?: string) => ids.reduce<string | undefined>((m, id) => (m === undefined || newerId(id, m) ? id : m), start)

/** Newest status id delivered per endpoint; `min_id` then walks forward from it without gaps. */
const Cursor = z.object({ tag: z.string().optional(), search: z.string().optional() })

interface Endpoint {
  url: URL
  schema: z.ZodType<Status[]>
}

/**
 * First run: the newest page, then older pages by the Link header's next
 * (max_id) until the backfill budget. Later runs: `min_id` returns the
 * statuses right after the mark, so stepping it forward misses nothing.
 */
async function pollEndpoint(ctx: ConnectorContext, ep: Endpoint, headers: Record<string, string>, mark: string | undefined) {
  const out: Status[] = []
  let next: string | undefined
  const first = new URL(ep.url)
  if (mark) first.searchParams.set('min_id', mark)
  let url: string | undefined = first.toString()
  let newest = mark
  while (url && out.length < ctx.maxItems) {
    const res = await ctx.fetch(url, { headers })
    const page = parseJson(res, ep.schema)
    if (page.length === 0) break
    out.push(...page)
    newest = maxId(page.map((s) => s.id), newest)
    if (mark) {
      const u = new URL(ep.url)
      u.searchParams.set('min_id', newest!)
      next = u.toString()
    } else {
      const oldest = page.reduce((m, s) => (newerId(m, s.id) ? s.id : m), page[0].id)
      const link = parseLinkHeader(res.headers.get('link')).next
      const u = new URL(ep.url)
      u.searchParams.set('max_id', oldest)
      next = link ?? u.toString()
    }
    url = next
  }
  return { statuses: out.slice(0, ctx.maxItems), newest }
}

const Statuses = z.array(Status)
/** What a reply needs of the stored status: its id on the polled instance and its author. */
const Answerable = z.object({ id: z.string(), account: z.object({ acct: z.string() }) })
const Posted = z.object({ uri: z.string(), url: z.string().nullish() })

/** Mastodon notifies only the accounts a status names, so a reply opens with the author's handle unless it already names them. */
export function addressed(acct: string, text: string): string {
  const handle = `@${acct}`
  const names = text.split(/\s+/).map((w) => w.replace(/[.,!?:;)]+$/, '').toLowerCase())
  return names.includes(handle.toLowerCase()) ? text : `${handle} ${text}`
}
const SearchResult = z.object({ statuses: z.array(Status) }).transform((r) => r.statuses)

export const mastodonConnector = defineConnector({
  kind: 'mastodon',
  description: 'Mastodon statuses with a hashtag (tag timeline) and/or matching a query (v2 search) on one instance.',
  config: Config,
  cursor: Cursor,
  secrets: ['accessToken'],
  urls: ['instance', 'baseUrl'],
  async poll(ctx, config, cursor) {
    const origin = new URL(config.baseUrl ?? config.instance).origin
    const headers: Record<string, string> = config.accessToken ? { authorization: `Bearer ${config.accessToken}` } : {}
    const items: MentionItem[] = []
    const next = { ...cursor }
    if (config.hashtag) {
      const url = new URL(`${origin}/api/v1/timelines/tag/${encodeURIComponent(config.hashtag.replace(/^#/, ''))}`)
      url.searchParams.set('limit', '40')
      const r = await pollEndpoint(ctx, { url, schema: Statuses }, headers, cursor?.tag)
      next.tag = r.newest
      items.push(...r.statuses.map(toMention))
    }
    if (config.query) {
      const url = new URL(`${origin}/api/v2/search`)
      for (const [k, v] of Object.entries({ q: config.query, type: 'statuses', limit: '40', resolve: 'false' })) url.searchParams.set(k, v)
      const r = await pollEndpoint(ctx, { url, schema: SearchResult }, headers, cursor?.search)
      next.search = r.newest
      items.push(...r.statuses.map(toMention))
    }
    return { items, cursor: next }
  },
  reply: {
    // Posting needs a token with the write:statuses scope, for the account that answers.
    requires: ['accessToken'],
    async send(ctx, config, target, text) {
      const parsed = Answerable.safeParse(target.raw)
      if (!parsed.success) throw permanentError('the stored status has no id to reply to')
      const origin = new URL(config.baseUrl ?? config.instance).origin
      const res = await ctx.fetch(`${origin}/api/v1/statuses`, {
        method: 'POST',
        // Mastodon keeps the key an hour and answers a repeat with the status it already posted.
        headers: { authorization: `Bearer ${config.accessToken}`, 'content-type': 'application/json', 'idempotency-key': ctx.idempotencyKey },
        body: JSON.stringify({ status: addressed(parsed.data.account.acct, text), in_reply_to_id: parsed.data.id }),
      })
      const posted = readPosted(res, Posted)
      return { externalId: posted.uri, url: posted.url ?? posted.uri }
    },
  },
})

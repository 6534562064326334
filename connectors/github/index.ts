import { z } from 'zod'
import { permanentError } from '../../src/net/errors.ts'
import { parseJson } from '../../src/net/parse.ts'
import { tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { parseLinkHeader } from '../shared/values.ts'
import { keptWithMark, takeNew, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector, originOf, readPosted, type ReplyTarget } from '../types.ts'

const Config = z.strictObject({
  query: z.string().min(1).max(256),
  token: z.string().min(1).optional(),
  ...commonConfig,
})

const Issue = z.object({
  id: z.number(),
  html_url: z.string(),
  title: z.string(),
  body: z.string().nullish(),
  user: z.object({ login: z.string(), html_url: z.string().nullish() }).nullish(),
  created_at: z.string(),
  comments: z.number().nullish(),
  reactions: z.object({ total_count: z.number() }).nullish(),
  pull_request: z.unknown().optional(),
})
const SearchIssues = z.object({ items: z.array(Issue) })
const Comment = z.object({ id: z.number(), html_url: z.string() })
type Issue = z.infer<typeof Issue>

export function toMention(i: Issue): MentionItem {
  const login = i.user?.login ?? 'ghost'
  return {
    externalId: String(i.id),
    url: i.html_url,
    author: { handle: login, profileUrl: i.user?.html_url ?? `https://github.com/${login}` },
    title: i.title,
    text: tidyWhitespace(i.body ?? '') || i.title,
    publishedAt: new Date(i.created_at),
    engagement: { likes: i.reactions?.total_count, replies: i.comments ?? undefined },
    raw: i,
  }
}

const apiHeaders = (token: string | undefined): Record<string, string> => ({
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
  ...(token ? { authorization: `Bearer ${token}` } : {}),
})

/**
 * The API address of an issue's comments, from its web address
 * (`/owner/repo/issues/42` or `/owner/repo/pull/42`) on the configured API
 * origin, so the token only ever goes where the source polls.
 */
function commentsUrl(origin: string, target: ReplyTarget): string {
  const m = /^\/([^/]+)\/([^/]+)\/(?:issues|pull)\/(\d+)\/?$/.exec(target.url ? new URL(target.url).pathname : '')
  if (!m) throw permanentError('this mention is not a GitHub issue or pull request address')
  return `${origin}/repos/${m[1]}/${m[2]}/issues/${m[3]}/comments`
}

export const githubConnector = defineConnector({
  kind: 'github',
  description: 'GitHub issues and pull requests matching a search query (GitHub search syntax), newest first.',
  config: Config,
  cursor: Watermark,
  secrets: ['token'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const origin = originOf(config, 'https://api.github.com')
    const headers = apiHeaders(config.token)
    // Narrow the search to what the mark has not covered; the boundary second is filtered by id.
    const q = cursor ? `${config.query} created:>=${cursor.since.replace(/\.\d{3}Z$/, 'Z')}` : config.query
    let url: string | undefined = `${origin}/search/issues?${new URLSearchParams({ q, sort: 'created', order: 'desc', per_page: '100' })}`
    const items: MentionItem[] = []
    while (url && items.length < ctx.maxItems) {
      const res = await ctx.fetch(url, { headers })
      if (!takeNew(parseJson(res, SearchIssues).items.map(toMention), cursor, items)) break
      url = parseLinkHeader(res.headers.get('link')).next
    }
    return keptWithMark(items, cursor, ctx.maxItems)
  },
  reply: {
    // Commenting needs a token allowed to write issues (fine-grained: Issues read and write).
    requires: ['token'],
    async send(ctx, config, target, text) {
      const url = commentsUrl(originOf(config, 'https://api.github.com'), target)
      const res = await ctx.fetch(url, { method: 'POST', headers: { ...apiHeaders(config.token), 'content-type': 'application/json' }, body: JSON.stringify({ body: text }) })
      const comment = readPosted(res, Comment)
      return { externalId: String(comment.id), url: comment.html_url }
    },
  },
})

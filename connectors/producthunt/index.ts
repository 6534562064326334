import { z } from 'zod'
import { permanentError, UpstreamError } from '../../src/net/errors.ts'
import type { HttpResponse } from '../../src/net/http-client.ts'
import { errorBody, parseJson } from '../../src/net/parse.ts'
import { htmlToText } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { readChannels } from '../shared/channels.ts'
import { commonConfig, defineConnector, originOf, type ConnectorContext } from '../types.ts'

const Config = z.strictObject({
  /** A developer token (producthunt.com/v2/oauth/applications → your application → Create Token): public scope is enough. */
  token: z.string().min(1),
  /** The launches to read: each post's slug, the part of its address after `/posts/`. */
  posts: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/i, 'a post slug: the part of its address after /posts/'))
    .min(1)
    .max(20)
    .refine((slugs) => new Set(slugs.map((s) => s.toLowerCase())).size === slugs.length, { message: 'each post once' }),
  ...commonConfig,
})
type Config = z.infer<typeof Config>

// Product Hunt's GraphQL schema (API v2): Comment, CommentConnection, PageInfo. Only what a mention needs is asked for.
const User = z.object({ id: z.string().nullish(), username: z.string().nullish(), name: z.string().nullish() })
const Comment = z.object({
  id: z.string().min(1),
  body: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  url: z.string().min(1),
  votesCount: z.number().int().min(0).nullish(),
  parentId: z.string().nullish(),
  user: User.nullish(),
})
type Comment = z.infer<typeof Comment>
const PageInfo = z.object({ endCursor: z.string().nullish(), hasNextPage: z.boolean() })
/** A page of comments, each left unparsed so one odd comment is skipped on its own. */
const Connection = z.object({ totalCount: z.number().int().nullish(), pageInfo: PageInfo, edges: z.array(z.object({ node: z.unknown() })) })
type Connection = z.infer<typeof Connection>
/** A top-level comment's first page of replies, read apart from the comment itself. */
const Threaded = z.object({ id: z.string(), replies: Connection })

const Post = z.object({ name: z.string(), slug: z.string(), url: z.string().nullish(), comments: Connection })
const PostPage = z.object({ data: z.object({ post: Post.nullable() }) })
const RepliesPage = z.object({ data: z.object({ comment: z.object({ replies: Connection }).nullable() }) })

/** GraphQL reports refusals and quota in `errors`, with Product Hunt's `error` code beside (or instead of) `message`. */
const GraphQLErrors = z.object({
  errors: z
    .array(
      z.object({
        message: z.string().nullish(),
        error: z.string().nullish(),
        error_description: z.string().nullish(),
        details: z.object({ reset_in: z.number().nullish() }).nullish(),
      }),
    )
    .min(1),
})

const PAGE = 20
/** Requests one post may take in a run (pages of comments and of replies), so a huge launch cannot eat the API's quota. */
const MAX_REQUESTS = 12
/**
 * Replies arrive under their thread, and threads are listed by their own age: a reply to an old thread shows only
 * when that thread is read. So a run reads back through the threads of the last THREAD_DAYS (a launch's busy days)
 * even past its mark, and stops at the mark only for older ones.
 */
const THREAD_DAYS = 3
const RATE_LIMIT_WAIT_MS = 15 * 60_000

const FIELDS = 'id body createdAt url votesCount parentId user { id username name }'
const POST_QUERY = `query PostComments($slug: String!, $first: Int!, $after: String) {
  post(slug: $slug) {
    name slug url
    comments(first: $first, after: $after, order: NEWEST) {
      totalCount pageInfo { endCursor hasNextPage }
      edges { node { ${FIELDS} replies(first: $first, order: NEWEST) { totalCount pageInfo { endCursor hasNextPage } edges { node { ${FIELDS} } } } } }
    }
  }
}`
const REPLIES_QUERY = `query CommentReplies($id: ID!, $first: Int!, $after: String) {
  comment(id: $id) {
    replies(first: $first, after: $after, order: NEWEST) { totalCount pageInfo { endCursor hasNextPage } edges { node { ${FIELDS} } } }
  }
}`

/** A comment and what a mention of it needs from around it. */
interface Row {
  comment: Comment
  post: { slug: string; name: string }
  replies?: number
}

/**
 * A per-post mark: the newest comment read, as `<createdAt ISO>#<id>`. Comments are ordered by time, then by id
 * (Product Hunt's ids are growing numbers), so comments sharing a second are neither repeated nor skipped.
 */
const Mark = z.string().regex(/^\d{4}-\d\d-\d\dT[^#]+Z#.+$/)
const Cursor = z.record(z.string(), Mark)

const markOf = (c: Comment) => `${new Date(c.createdAt).toISOString()}#${c.id}`

function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
  return a < b ? -1 : a > b ? 1 : 0
}

/** Orders marks (and so comments) oldest first. */
function compareMarks(a: string, b: string): number {
  const [at, aid] = [a.slice(0, a.indexOf('#')), a.slice(a.indexOf('#') + 1)]
  const [bt, bid] = [b.slice(0, b.indexOf('#')), b.slice(b.indexOf('#') + 1)]
  return Date.parse(at) - Date.parse(bt) || compareIds(aid, bid)
}

const isAfter = (c: Comment, mark: string | undefined) => mark === undefined || compareMarks(markOf(c), mark) > 0

/** Product Hunt hides other people's profiles from the API: `[REDACTED]` (and user id 0) stands for anyone but the token's owner. */
const REDACTED = '[REDACTED]'
const shown = (value: string | null | undefined) => (value && value !== REDACTED ? value : undefined)

export function toMention(row: Row): MentionItem {
  const { comment: c, post } = row
  const username = c.user?.id === '0' ? undefined : shown(c.user?.username)
  const name = shown(c.user?.name)
  return {
    externalId: `ph:comment:${c.id}`,
    url: c.url,
    // A hidden author has no handle: '[REDACTED]' would make every commenter one person (one customer, one blocked author).
    author: username ? { handle: username, ...(name ? { name } : {}), profileUrl: `https://www.producthunt.com/@${encodeURIComponent(username)}` } : { handle: '' },
    // No title: the post's name is the launch's, and a comment only lives under it (as a reply under a topic does).
    text: htmlToText(c.body),
    publishedAt: new Date(c.createdAt),
    engagement: { likes: c.votesCount ?? undefined, replies: row.replies },
    // The comment as received, its replies left out (each is a mention of its own), with the post it is on.
    raw: { ...c, post },
  }
}

/** A refused token, said with where to get a new one; the token itself is never part of it. */
const tokenRefused = (reason: string, status?: number) =>
  permanentError(`producthunt: the token was refused (${reason}); create a developer token at https://www.producthunt.com/v2/oauth/applications and save it in the source`, status)

const REFUSED_CODES = new Set(['invalid_oauth_token', 'unauthorized_oauth', 'unauthorized'])

/** The answer to one GraphQL call: HTTP refusals and GraphQL `errors` (sent with HTTP 200) turned into UpstreamErrors. */
async function callGraphQL(ctx: ConnectorContext, config: Config, query: string, variables: Record<string, unknown>): Promise<HttpResponse> {
  const res = await ctx.fetch(`${originOf(config, 'https://api.producthunt.com')}/v2/api/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
    // A 401 is a refused token, said here in words; a 403 (Cloudflare's challenge, say) stays the client's.
    accept: [401],
  })
  const errors = errorBody(res, GraphQLErrors)?.errors
  const first = errors?.[0]
  const reason = first ? [first.error, first.error_description ?? first.message].filter(Boolean).join(': ') : `HTTP ${res.status}`
  if (res.status === 401) throw tokenRefused(reason, 401)
  if (!errors) return res
  const code = errors.map((e) => e.error ?? '').find((c) => c) ?? ''
  if (REFUSED_CODES.has(code)) throw tokenRefused(reason, res.status)
  if (code === 'rate_limit_reached' || errors.some((e) => /rate.?limit/i.test(`${e.message ?? ''} ${e.error_description ?? ''}`))) {
    // The quota (complexity points per application per 15 minutes) is used up; the error says how long is left of it.
    const resetIn = errors.find((e) => e.details?.reset_in != null)?.details?.reset_in
    const wait = resetIn != null ? Math.max(1, resetIn) * 1000 : RATE_LIMIT_WAIT_MS
    throw new UpstreamError(`api.producthunt.com: rate limited (${reason}); retrying after ${Math.ceil(wait / 1000)} s`, { status: res.status, retryAt: new Date(ctx.now.getTime() + wait) })
  }
  // Anything else (a changed schema, an upstream fault) fails the run and backs off.
  throw new UpstreamError(`api.producthunt.com: GraphQL error: ${reason}`.slice(0, 300), { status: res.status })
}

/** The comments of a page that read as comments; an odd one is skipped (logged) without stopping the rest. */
function commentsOf(ctx: ConnectorContext, slug: string, page: Connection): { comment: Comment; node: unknown }[] {
  return page.edges.flatMap(({ node }) => {
    const parsed = Comment.safeParse(node)
    if (parsed.success) return [{ comment: parsed.data, node }]
    const issue = parsed.error.issues[0]
    ctx.logger.warn('producthunt: skipped a comment that does not read as one', { post: slug, at: issue?.path.join('.'), problem: issue?.message })
    return []
  })
}

/**
 * A post's comments and replies this run takes, oldest first, at most `max`. On a first run (no mark), the newest
 * ones: pages are read until they hold `max`. After that, everything past the mark: pages are read, newest thread
 * first, until a thread at or before the mark that is also older than THREAD_DAYS, and a thread's further replies
 * while they are still past the mark; the oldest `max` are taken, the rest left for the next run.
 */
async function readPost(ctx: ConnectorContext, config: Config, slug: string, mark: string | undefined, max: number): Promise<Row[]> {
  const rows = new Map<string, Row>()
  const since = ctx.now.getTime() - THREAD_DAYS * 86_400_000
  let requests = 0
  const capped = () => {
    if (++requests <= MAX_REQUESTS) return false
    ctx.logger.warn('producthunt: more comments on a post than a run reads; the oldest of them may be skipped', { post: slug })
    return true
  }
  const keep = (comment: Comment, post: Row['post'], replies?: number) => {
    if (isAfter(comment, mark) && !rows.has(comment.id)) rows.set(comment.id, { comment, post, ...(replies != null ? { replies } : {}) })
  }

  let after: string | undefined
  for (;;) {
    if (capped()) break
    const res = await callGraphQL(ctx, config, POST_QUERY, { slug, first: PAGE, after })
    const post = parseJson(res, PostPage).data.post
    if (!post) throw permanentError(`producthunt: there is no post "${slug}" (or the token may not see it); check the slug: the part of the post's address after /posts/`, 404)
    const ref = { slug: post.slug, name: post.name }
    let oldest: Comment | undefined
    for (const { comment, node } of commentsOf(ctx, slug, post.comments)) {
      const threaded = Threaded.safeParse(node)
      keep(comment, ref, threaded.success ? (threaded.data.replies.totalCount ?? undefined) : undefined)
      if (!comment.parentId && (!oldest || compareMarks(markOf(comment), markOf(oldest)) < 0)) oldest = comment
      if (!threaded.success) continue
      // A thread's replies, newest first: more are asked for while all of a page was past the mark (on a first run, while the backfill has room).
      let replies: Connection | undefined = threaded.data.replies
      while (replies) {
        const read = commentsOf(ctx, slug, replies)
        for (const r of read) keep(r.comment, ref)
        const next: string | null | undefined = replies.pageInfo.endCursor
        const more = mark === undefined ? rows.size < max : read.every((r) => isAfter(r.comment, mark))
        if (!more || !replies.pageInfo.hasNextPage || !next || capped()) break
        replies = parseJson(await callGraphQL(ctx, config, REPLIES_QUERY, { id: threaded.data.id, first: PAGE, after: next }), RepliesPage).data.comment?.replies
      }
    }
    const next = post.comments.pageInfo.endCursor
    if (!post.comments.pageInfo.hasNextPage || !next || next === after) break
    if (mark === undefined ? rows.size >= max : oldest && !isAfter(oldest, mark) && Date.parse(oldest.createdAt) < since) break
    after = next
  }
  const ordered = [...rows.values()].sort((a, b) => compareMarks(markOf(a.comment), markOf(b.comment)))
  return mark === undefined ? ordered.slice(-max) : ordered.slice(0, max)
}

export const producthuntConnector = defineConnector({
  kind: 'producthunt',
  description: 'Comments and replies people write on your Product Hunt launches (API v2, GraphQL), newest first, per post.',
  config: Config,
  cursor: Cursor,
  secrets: ['token'],
  urls: ['baseUrl'],
  // No reply: Product Hunt's API lets third-party apps read comments, not post them.
  async poll(ctx, config, cursor) {
    const run = await readChannels(config.posts, cursor, ctx.maxItems, (slug, mark, share) => readPost(ctx, config, slug, mark, share), (row) => markOf(row.comment))
    return { items: run.read.flatMap(({ rows }) => rows.map(toMention)), cursor: run.cursor }
  },
})

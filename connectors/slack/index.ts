import { z } from 'zod'
import { permanentError, UpstreamError } from '../../src/net/errors.ts'
import type { HttpResponse } from '../../src/net/http-client.ts'
import { errorBody, parseJson } from '../../src/net/parse.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { readChannels } from '../shared/channels.ts'
import { commonConfig, defineConnector, originOf, readPosted, type ConnectorContext } from '../types.ts'

/** A channel id as Slack shows it (C… for channels, G… for older private ones): names change, ids do not. */
const ChannelId = z.string().regex(/^[CG][A-Z0-9]{8,}$/, 'a Slack channel id like C0123ABCD, not its #name (open the channel → its name at the top → About: the id is at the bottom)')
const UserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/)
/**
 * A message's ts: epoch seconds and always six digits of microseconds, as text. It is the message's id as well as
 * its time, so it is compared exactly, as a fixed-point number (the digits without the dot), never as a float.
 */
const Ts = z.string().regex(/^\d{1,13}\.\d{6}$/, 'a Slack ts like 1709459400.123456')

const Config = z.strictObject({
  /** The app's Bot User OAuth Token (api.slack.com/apps → your app → OAuth & Permissions); sent as `Authorization: Bearer …`. */
  botToken: z
    .string()
    .regex(/^xoxb-[A-Za-z0-9-]{20,}$/, 'a bot token from your Slack app (api.slack.com/apps → your app → OAuth & Permissions → Bot User OAuth Token): it starts with xoxb-, without "Bearer " in front'),
  /** The channels to read, by id; the app must be a member of each (/invite @your-app). */
  channels: z
    .array(ChannelId)
    .min(1)
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'each channel once'),
  /** The workspace's address, for links to messages and people: the API answers with ids only. */
  workspaceUrl: z
    .url({ protocol: /^https$/, hostname: /^[a-z0-9][a-z0-9-]*\.(?:enterprise\.)?slack\.com$/, error: 'your workspace address, like https://acme-community.slack.com (or https://acme.enterprise.slack.com)' })
    .refine((u) => /^https:\/\/[^/?#]+\/?$/i.test(u), 'only the workspace address, like https://acme-community.slack.com, without a path'),
  ...commonConfig,
})
type Config = z.infer<typeof Config>

const PAGE = 200
/** A later run reads every page since its mark (see readChannel); this bounds a run after a very long pause. */
const MAX_PAGES = 50
/**
 * Threads are followed while their parent is among a channel's THREADS latest messages of the last THREAD_DAYS
 * days: the parents older than a channel's mark are seen again on one page of history a run (lookBack), which
 * costs a call per channel instead of one per thread, and keeps the state to at most THREADS threads a channel.
 */
const THREADS = 100
const THREAD_DAYS = 14

/** What Slack answers when it refuses a call, mostly with HTTP 200. */
const SlackError = z.object({ ok: z.literal(false), error: z.string(), needed: z.string().optional() })
type SlackError = z.infer<typeof SlackError>

const Message = z.looseObject({
  ts: Ts,
  /** Absent on bot messages and some of Slack's own notices. */
  user: UserId.optional(),
  text: z.string().optional(),
  /** Joins, leaves, topic changes, bot_message…: anything but a person talking, except thread_broadcast. */
  subtype: z.string().optional(),
  /** Set on messages an app or integration posted. */
  bot_id: z.string().nullish(),
  /** On a thread's parent (equal to ts) and on its replies (the parent's ts), broadcast ones included. */
  thread_ts: Ts.optional(),
  reply_count: z.number().int().min(0).optional(),
  /** On a thread's parent: its newest reply's ts. */
  latest_reply: Ts.optional(),
  reactions: z.array(z.looseObject({ name: z.string(), count: z.number().int().min(0) })).optional(),
})
type Message = z.infer<typeof Message>
/**
 * A page of history or of a thread's replies, each message read on its own: one Slack shapes in a way we did not
 * expect must not hold up the rest.
 */
const History = z.looseObject({
  ok: z.literal(true),
  messages: z.array(z.looseObject({ ts: Ts })),
  has_more: z.boolean().optional(),
  response_metadata: z.looseObject({ next_cursor: z.string().optional() }).optional(),
})
type Row = z.infer<typeof History>['messages'][number]
const UserInfo = z.looseObject({
  ok: z.literal(true),
  user: z.looseObject({
    id: UserId,
    name: z.string(),
    real_name: z.string().optional(),
    profile: z.looseObject({ display_name: z.string().optional(), real_name: z.string().optional() }).optional(),
  }),
})
interface Person {
  handle: string
  name?: string
}
const Posted = z.looseObject({ ok: z.literal(true), channel: ChannelId, ts: Ts })
/** What a reply needs of the stored mention: the channel (in its externalId) and the message's ts and thread. */
const Answerable = z.object({ ts: Ts, thread_ts: Ts.optional() })

/**
 * Per channel, the ts of the newest message read. `oldest` excludes it, so it asks for exactly what is new; it only
 * moves past messages a run took (kept or left out), never past ones its budget left for the next run.
 */
const Marks = z.record(ChannelId, Ts)
/** Per channel, the threads followed: the parent's ts → the newest reply read (the parent's own ts before any). */
const Threads = z.record(ChannelId, z.record(Ts, Ts))
const Current = z.strictObject({ channels: Marks, threads: Threads })
const Cursor = z.union([
  Current,
  // What runs saved before threads were read: the channels' marks alone.
  Marks.transform((channels): z.infer<typeof Current> => ({ channels, threads: {} })),
])
type Threads = z.infer<typeof Threads>

/** The ts as an exact integer of microseconds: "999999999.999999" < "1000000000.000001", which text comparison gets wrong. */
const micros = (ts: string) => BigInt(ts.replace('.', ''))
const oldestFirst = <T extends { ts: string }>(rows: T[]) => [...rows].sort((a, b) => (micros(a.ts) < micros(b.ts) ? -1 : micros(a.ts) > micros(b.ts) ? 1 : 0))
const dateOf = (ts: string) => {
  const [seconds, fraction] = ts.split('.')
  return new Date(Number(seconds) * 1000 + Number(fraction.slice(0, 3)))
}

const workspaceOf = (config: Config) => new URL(config.workspaceUrl).origin
/** A message's link; a reply's opens its thread, as Slack's own permalinks do. */
const messageUrl = (config: Config, channel: string, ts: string, thread?: string) =>
  `${workspaceOf(config)}/archives/${channel}/p${ts.replace('.', '')}${thread && thread !== ts ? `?thread_ts=${thread}&cid=${channel}` : ''}`

/**
 * A person talking: no subtype (those are joins, bot posts, topic changes…) except a thread reply also sent to the
 * channel, not an app's message, and with words.
 */
const byPerson = (m: Message): m is Message & { user: string; text: string } =>
  (m.subtype === undefined || m.subtype === 'thread_broadcast') && !m.bot_id && m.user !== undefined && (m.text ?? '').trim() !== ''

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

/**
 * Slack's markup as a reader sees it: `<@U123>` → `@name`, `<#C123|general>` → `#general`, `<!here>` → `@here`,
 * `<https://x|label>` → `label (https://x)`, `<https://x>` → the URL, and `&lt; &gt; &amp;` unescaped (last, so an
 * escaped `&lt;@U1&gt;` a person typed stays text).
 */
export function readableText(text: string, people: ReadonlyMap<string, Person | undefined>): string {
  const plain = text.replace(/<([^<>]*)>/g, (tag, inner: string) => {
    const bar = inner.indexOf('|')
    const target = bar === -1 ? inner : inner.slice(0, bar)
    const label = bar === -1 ? undefined : inner.slice(bar + 1)
    if (target.startsWith('@')) {
      const id = target.slice(1)
      const known = people.get(id)
      return `@${known?.handle ?? label ?? id}`
    }
    if (target.startsWith('#')) return `#${label ?? target.slice(1)}`
    // <!here>, <!channel>, <!everyone>; user groups and dates carry the text to show: <!subteam^S1|@support>.
    if (target.startsWith('!')) return label ?? `@${target.slice(1).split('^')[0]}`
    if (/^(?:https?|mailto|tel|ftp):/i.test(target)) {
      const bare = target.replace(/^(?:mailto|tel):/i, '')
      return label === undefined || label === target || label === bare ? (label ?? target) : `${label} (${target})`
    }
    return tag
  })
  return unescape(plain)
}

export function toMention(config: Config, channel: string, m: Message & { user: string; text: string }, people: ReadonlyMap<string, Person | undefined>): MentionItem {
  const author = people.get(m.user)
  const likes = m.reactions?.reduce((sum, r) => sum + r.count, 0)
  return {
    externalId: `${channel}:${m.ts}`,
    url: messageUrl(config, channel, m.ts, m.thread_ts),
    author: {
      // A person Slack could not tell us about (deleted, another org's in a shared channel) is their id.
      handle: author?.handle ?? m.user,
      ...(author?.name ? { name: author.name } : {}),
      profileUrl: `${workspaceOf(config)}/team/${m.user}`,
    },
    text: readableText(m.text, people),
    publishedAt: dateOf(m.ts),
    engagement: { ...(likes === undefined ? {} : { likes }), ...(m.reply_count === undefined ? {} : { replies: m.reply_count }) },
    raw: m,
  }
}

const SCOPES = 'channels:history (groups:history for private channels), users:read and chat:write (OAuth & Permissions → Bot Token Scopes, then reinstall the app)'
const TOKEN_REFUSED = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired'])

/** Slack's reason for a refusal, naming the channel and what to change; the token is never part of it. */
function refused(res: HttpResponse, error: SlackError, channel: string | undefined, doing: 'read' | 'reply'): UpstreamError {
  const code = error.error
  const where = channel ? `channel ${channel}: ` : ''
  if (TOKEN_REFUSED.has(code)) return permanentError(`slack: the bot token was refused (${code}); reinstall the app to the workspace and save its Bot User OAuth Token (xoxb-…) from OAuth & Permissions`, res.status)
  if (code === 'missing_scope') return permanentError(`slack: the app lacks a scope (missing_scope${error.needed ? `, needs ${error.needed}` : ''}); it needs ${SCOPES}`, res.status)
  if (code === 'not_in_channel') return permanentError(`slack: ${where}the app is not in the channel (not_in_channel); invite it there: /invite @your-app`, res.status)
  if (code === 'channel_not_found')
    return permanentError(`slack: ${where}no such channel the app can see (channel_not_found); check the id (channel name → About, at the bottom), and invite the app to a private channel: /invite @your-app`, res.status)
  // A reply Slack refused (archived channel, text too long, restricted posting…) is not tried again as is.
  if (doing === 'reply') return permanentError(`slack: ${where}the reply was refused (${code}); the app needs chat:write and to be in the channel`, res.status)
  // Anything else (internal_error, fatal_error, request_timeout…) may pass: the scheduler backs off and tries again.
  return new UpstreamError(`slack: ${where}${code}`, { status: res.status })
}

const headersOf = (config: Config) => ({ authorization: `Bearer ${config.botToken}` })

/** One Web API read: an `ok: false` answer is Slack's refusal (or undefined, for the codes in `absent`), anything else must be the method's shape. */
async function callSlack<T extends z.ZodType>(
  ctx: ConnectorContext,
  config: Config,
  method: string,
  params: Record<string, string>,
  schema: T,
  opts: { channel?: string; absent?: readonly string[] } = {},
): Promise<z.infer<T> | undefined> {
  const res = await ctx.fetch(`${originOf(config, 'https://slack.com')}/api/${method}?${new URLSearchParams(params)}`, { headers: headersOf(config) })
  const error = errorBody(res, SlackError)
  if (error && opts.absent?.includes(error.error)) return undefined
  if (error) throw refused(res, error, opts.channel, 'read')
  return parseJson(res, schema)
}

const history = async (ctx: ConnectorContext, config: Config, params: Record<string, string> & { channel: string }) =>
  (await callSlack(ctx, config, 'conversations.history', params, History, { channel: params.channel }))!

type Page = z.infer<typeof History>

/**
 * Slack's pages past `mark`, followed by their cursor, oldest first: each message once, `skip` (a thread's parent,
 * on top of every page of its replies) left out. Stops at `enough` messages when the pages come oldest first, and at
 * MAX_PAGES in any case (`onCap`). Undefined when the conversation is gone.
 */
async function readPast(mark: string, page: (cursor: string | undefined) => Promise<Page | undefined>, opts: { skip?: string; enough?: number; onCap?: () => void }): Promise<Row[] | undefined> {
  const floor = micros(mark)
  const rows: Row[] = []
  const seen = new Set<string>()
  let cursor: string | undefined
  for (let pages = 0; rows.length < (opts.enough ?? Infinity); pages++) {
    if (pages === MAX_PAGES) {
      opts.onCap?.()
      break
    }
    const got = await page(cursor)
    if (!got) return undefined
    // A server that ignored `oldest` would hand back old messages: only what is past the mark counts, each once.
    for (const row of got.messages) {
      if (row.ts !== opts.skip && micros(row.ts) > floor && !seen.has(row.ts)) {
        seen.add(row.ts)
        rows.push(row)
      }
    }
    const next = got.response_metadata?.next_cursor
    if (!got.has_more || !next || next === cursor) break
    cursor = next
  }
  return oldestFirst(rows)
}

/**
 * A channel's messages this run takes, oldest first, at most `max`: on its first run the latest page (a bounded
 * backfill), else everything after `mark`. Slack pages from the newest back, so what a run can take (the oldest
 * since the mark) is known only once every page is read; the rest is left, unread by the cursor, for the next run.
 */
async function readChannel(ctx: ConnectorContext, config: Config, channel: string, mark: string | undefined, max: number): Promise<Row[]> {
  if (mark === undefined) {
    const page = await history(ctx, config, { channel, limit: String(Math.min(PAGE, max)) })
    return oldestFirst(page.messages).slice(-max)
  }
  const onCap = () => ctx.logger.warn('slack: more new messages in a channel than a run reads; the oldest of them may be skipped', { channel })
  const rows = await readPast(mark, (cursor) => history(ctx, config, { channel, limit: String(PAGE), oldest: mark, ...(cursor ? { cursor } : {}) }), { onCap })
  return rows!.slice(0, max)
}

/**
 * A channel's latest messages up to its mark (inclusive: the mark's own message was read by the run before and may
 * have been answered since), within THREAD_DAYS: where the replies to parents older than the mark show.
 */
async function lookBack(ctx: ConnectorContext, config: Config, channel: string, mark: string): Promise<Row[]> {
  const oldest = `${Math.floor(ctx.now.getTime() / 1000) - THREAD_DAYS * 86_400}.000000`
  return (await history(ctx, config, { channel, latest: mark, inclusive: 'true', oldest, limit: String(THREADS) })).messages
}

interface FollowedThread {
  channel: string
  /** The parent's ts, the thread's id. */
  ts: string
  /** The newest reply read; undefined for a thread not followed before. */
  read: string | undefined
  latest: string | undefined
}

/** A channel's threads worth following: parents with replies from the last THREAD_DAYS, the THREADS newest. */
function followThreads(channel: string, rows: Row[], known: Record<string, string> | undefined, now: Date): FollowedThread[] {
  const since = now.getTime() - THREAD_DAYS * 86_400_000
  const parents = rows.flatMap((row) => {
    const parsed = Message.safeParse(row)
    return parsed.success && parsed.data.thread_ts === parsed.data.ts && (parsed.data.reply_count ?? 0) > 0 && dateOf(parsed.data.ts).getTime() >= since ? [parsed.data] : []
  })
  const unique = new Map(parents.map((m) => [m.ts, m]))
  return oldestFirst([...unique.values()])
    .slice(-THREADS)
    .map((m) => ({ channel, ts: m.ts, read: known?.[m.ts], latest: m.latest_reply }))
}

/** Whether a thread may have replies not read yet: Slack's latest_reply is past the one read (or either is unknown). */
const hasNewReplies = (t: FollowedThread) => t.read === undefined || t.latest === undefined || micros(t.latest) > micros(t.read)

/**
 * A thread's replies after `mark`, oldest first, at most `max`; undefined when the thread is gone (its parent
 * deleted). Slack lists a thread oldest first, with the parent on top of every page, so a run that stops at `max`
 * leaves only newer replies for the next.
 */
async function readThread(ctx: ConnectorContext, config: Config, channel: string, thread: string, mark: string, max: number): Promise<Row[] | undefined> {
  const page = (cursor: string | undefined) =>
    callSlack(ctx, config, 'conversations.replies', { channel, ts: thread, oldest: mark, limit: String(PAGE), ...(cursor ? { cursor } : {}) }, History, { channel, absent: ['thread_not_found'] })
  return (await readPast(mark, page, { skip: thread, enough: max }))?.slice(0, max)
}

/** The people a run's messages name, each asked of users.info once; undefined for one Slack does not know. */
async function lookUpPeople(ctx: ConnectorContext, config: Config, ids: Set<string>): Promise<Map<string, Person | undefined>> {
  const people = new Map<string, Person | undefined>()
  await Promise.all(
    [...ids].map(async (id) => {
      // Deleted people are still found; these are people of another organisation in a shared channel.
      const found = await callSlack(ctx, config, 'users.info', { user: id }, UserInfo, { absent: ['user_not_found', 'user_not_visible'] })
      if (!found) {
        people.set(id, undefined)
        return
      }
      const { user } = found
      const name = user.real_name || user.profile?.real_name
      people.set(id, { handle: user.profile?.display_name || user.name, ...(name ? { name } : {}) })
    }),
  )
  return people
}

type Said = Message & { user: string; text: string }

/**
 * What people said in rows read, newest first. Unreadable rows are skipped (the marks still move past them); in a
 * thread, replies also sent to the channel are skipped too: the channel's history has them, and one run must not
 * return a message twice.
 */
function saidIn(channel: string, rows: Row[], where: 'channel' | 'thread'): { channel: string; message: Said }[] {
  return [...rows].reverse().flatMap((row) => {
    const parsed = Message.safeParse(row)
    if (!parsed.success || !byPerson(parsed.data) || (where === 'thread' && parsed.data.subtype !== undefined)) return []
    return [{ channel, message: parsed.data }]
  })
}

/**
 * The replies of followed threads that Slack says have new ones, under what the channels left of the run's budget.
 * Followed: the parents with replies just read in the channels and, for a channel read before, those of its
 * lookBack page. A thread Slack no longer has is skipped and dropped; the others keep their newest reply read.
 */
async function readThreads(ctx: ConnectorContext, config: Config, channels: { channel: string; rows: Row[] }[], cursor: z.infer<typeof Current> | null, budget: number) {
  const followed: FollowedThread[] = []
  for (const { channel, rows } of channels) {
    const mark = cursor?.channels[channel]
    const older = mark === undefined ? [] : await lookBack(ctx, config, channel, mark)
    followed.push(...followThreads(channel, [...rows, ...older], cursor?.threads[channel], ctx.now))
  }
  const keyOf = (t: FollowedThread) => `${t.channel}/${t.ts}`
  const due = new Map(followed.filter(hasNewReplies).map((t) => [keyOf(t), t]))
  const gone = new Set<string>()
  const run = await readChannels(
    [...due.keys()],
    Object.fromEntries([...due].map(([key, t]) => [key, t.read ?? t.ts])),
    budget,
    async (key, mark, share) => {
      const t = due.get(key)!
      const rows = await readThread(ctx, config, t.channel, t.ts, mark ?? t.ts, share)
      if (rows === undefined) gone.add(key)
      return rows ?? []
    },
    (row) => row.ts,
  )
  const state: Threads = {}
  for (const t of followed) {
    if (!gone.has(keyOf(t))) (state[t.channel] ??= {})[t.ts] = run.cursor?.[keyOf(t)] ?? t.read ?? t.ts
  }
  return { read: run.read.map(({ channel: key, rows }) => ({ channel: due.get(key)!.channel, rows })), followed: state }
}

const mentionedIds = (text: string) => [...text.matchAll(/<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>/g)].map((m) => m[1])

export const slackConnector = defineConnector({
  kind: 'slack',
  description: 'What people say in chosen channels of a Slack workspace, read by your Slack app (Web API conversations.history and conversations.replies): new messages and thread replies after the last run, per channel.',
  config: Config,
  cursor: Cursor,
  secrets: ['botToken'],
  urls: ['baseUrl'],
  // Not `edits`: a run reads only messages past its mark, so a message edited after it was stored never comes back.
  async poll(ctx, config, cursor) {
    const channels = await readChannels(config.channels, cursor?.channels ?? null, ctx.maxItems, (channel, mark, share) => readChannel(ctx, config, channel, mark, share), (row) => row.ts)
    const used = channels.read.reduce((sum, { rows }) => sum + rows.length, 0)
    const threads = await readThreads(ctx, config, channels.read, cursor, ctx.maxItems - used)
    const taken = [...channels.read.flatMap(({ channel, rows }) => saidIn(channel, rows, 'channel')), ...threads.read.flatMap(({ channel, rows }) => saidIn(channel, rows, 'thread'))]
    const ids = new Set(taken.flatMap(({ message }) => [message.user, ...mentionedIds(message.text)]))
    const people = ids.size ? await lookUpPeople(ctx, config, ids) : new Map<string, Person | undefined>()
    const items = taken.map(({ channel, message }) => toMention(config, channel, message, people))
    return { items, cursor: channels.cursor && { channels: channels.cursor, threads: threads.followed } }
  },
  reply: {
    requires: ['botToken'],
    // Slack advises at most 4,000 characters; longer text is truncated, past 40,000 refused.
    maxGraphemes: 4000,
    async send(ctx, config, target, text) {
      const channel = /^([CG][A-Z0-9]{8,}):/.exec(target.externalId)?.[1]
      const parsed = Answerable.safeParse(target.raw)
      if (!channel || !parsed.success) throw permanentError('the stored message has no channel to answer in')
      // In the message's thread: its own for a message in the channel, its parent's for a reply broadcast there.
      const thread = parsed.data.thread_ts ?? parsed.data.ts
      const res = await ctx.fetch(`${originOf(config, 'https://slack.com')}/api/chat.postMessage`, {
        method: 'POST',
        headers: { ...headersOf(config), 'content-type': 'application/json; charset=utf-8' },
        // Slack reads &, < and > as markup; escaped, the text shows as written and cannot ping @channel.
        body: JSON.stringify({ channel, text: text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'), thread_ts: thread, unfurl_links: false }),
      })
      // Refusals come as HTTP 200 with ok: false, and nothing was posted; only an unreadable success means "posted".
      const error = errorBody(res, SlackError)
      if (error) throw refused(res, error, channel, 'reply')
      const sent = readPosted(res, Posted)
      return { externalId: `${sent.channel}:${sent.ts}`, url: messageUrl(config, sent.channel, sent.ts, thread) }
    },
  },
})

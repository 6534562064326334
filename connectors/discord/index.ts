import { z } from 'zod'
import { permanentError, UpstreamError } from '../../src/net/errors.ts'
import type { HttpResponse } from '../../src/net/http-client.ts'
import { errorBody, parseJson } from '../../src/net/parse.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { readChannels } from '../shared/channels.ts'
import { commonConfig, defineConnector, originOf, readPosted, type ConnectorContext } from '../types.ts'

/** Discord's ids are 64-bit snowflakes, sent as digit strings: a JS number would round them, so they stay text and are compared as BigInt. */
const Snowflake = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : 'a Discord id as text, in quotes: a JSON number of 17–20 digits loses its last ones') })
  .regex(/^\d{17,20}$/, 'a Discord id: 17–20 digits, as text (turn on Developer Mode in Discord, then right-click → Copy ID)')

const Config = z.strictObject({
  /** Developer Portal → your application → Bot → Reset Token; sent as `Authorization: Bot …`. */
  botToken: z
    .string()
    .regex(/^[A-Za-z0-9_=-]{20,}\.[A-Za-z0-9_=-]{4,}\.[A-Za-z0-9_=-]{20,}$/, 'a bot token from the Developer Portal (your application → Bot → Reset Token): three parts joined by dots, like MTI4NzQ….GhX2Qa.…, without "Bot " in front'),
  /**
   * The server (guild). Required rather than looked up: a message link needs it, and the messages Discord lists
   * over REST do not carry it; asking GET /channels/{id} for it on every run would cost a call per channel.
   */
  guildId: Snowflake,
  /** The channels to read: text, announcement and forum channels, with their public threads; a thread by its own id. */
  channels: z
    .array(Snowflake)
    .min(1)
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'each channel once'),
  ...commonConfig,
})
type Config = z.infer<typeof Config>

// Message types: 0 DEFAULT and 19 REPLY are people talking; the rest are joins, pins, boosts, thread notices…
const DEFAULT = 0
const REPLY = 19
const PAGE = 100
const PRIVATE_THREAD = 12
/**
 * Threads are read while active in the last THREAD_DAYS days, the THREADS most recently active per channel: every
 * thread Discord lists as active or archived since then costs nothing, but each one with new messages costs a call.
 */
const THREADS = 100
const THREAD_DAYS = 14

const Message = z.looseObject({
  id: Snowflake,
  channel_id: Snowflake,
  type: z.number().int(),
  content: z.string(),
  author: z.looseObject({ id: Snowflake, username: z.string(), global_name: z.string().nullish(), bot: z.boolean().optional(), system: z.boolean().optional() }),
  timestamp: z.iso.datetime({ offset: true }),
  edited_timestamp: z.string().nullish(),
  /** Set on messages a webhook posted (integrations, followed announcement channels): no person's words. */
  webhook_id: Snowflake.optional(),
  mentions: z.array(z.looseObject({ id: Snowflake, username: z.string() })).optional(),
  reactions: z.array(z.looseObject({ count: z.number().int().min(0) })).optional(),
  attachments: z.array(z.unknown()).optional(),
  embeds: z.array(z.unknown()).optional(),
  sticker_items: z.array(z.unknown()).optional(),
})
type Message = z.infer<typeof Message>
/** A page of messages, each read on its own: one Discord shapes in a way we did not expect must not hold up the rest. */
const Page = z.array(z.looseObject({ id: Snowflake }))
type Row = z.infer<typeof Page>[number]
/** A thread (a forum post too) as Discord lists it: a channel of its own under its parent. */
const Thread = z.looseObject({
  id: Snowflake,
  type: z.number().int(),
  parent_id: Snowflake.nullish(),
  /** The thread's title: a forum post's title. */
  name: z.string(),
  last_message_id: Snowflake.nullish(),
  thread_metadata: z.looseObject({ archived: z.boolean(), archive_timestamp: z.iso.datetime({ offset: true }) }),
})
type Thread = z.infer<typeof Thread>
/** A list of threads, each read on its own like messages. */
const ActiveThreads = z.looseObject({ threads: z.array(z.unknown()) })
const ArchivedThreads = z.looseObject({ threads: z.array(z.unknown()), has_more: z.boolean() })
const Sent = z.object({ id: Snowflake, channel_id: Snowflake })
/** What a reply needs of the stored message. */
const Answerable = z.object({ id: Snowflake, channel_id: Snowflake })
const DiscordError = z.object({ message: z.string(), code: z.number() })

/**
 * Per channel and per thread followed (a thread is a channel of its own), the newest message id read. Snowflakes
 * grow with time, so `after` it is exactly what is new; it only moves past messages a run took (kept or left out),
 * never past ones a run's budget left for the next. A thread no longer followed loses its mark.
 */
const Cursor = z.record(Snowflake, Snowflake)

const compareIds = (a: Row, b: Row) => {
  const x = BigInt(a.id)
  const y = BigInt(b.id)
  return x < y ? -1 : x > y ? 1 : 0
}
const oldestFirst = (rows: Row[]) => [...rows].sort(compareIds)

const messageUrl = (guildId: string, channelId: string, id: string) => `https://discord.com/channels/${guildId}/${channelId}/${id}`
/** When a snowflake was made: its top bits are milliseconds since Discord's epoch, 2015-01-01. */
const timeOf = (id: string) => Number((BigInt(id) >> 22n) + 1_420_070_400_000n)

/** A person talking: not a bot, a webhook or one of Discord's own notices (joins, pins, boosts, "started a thread"). */
const byPerson = (m: Message) => (m.type === DEFAULT || m.type === REPLY) && !m.author.bot && !m.author.system && m.webhook_id === undefined

/** A message with nothing at all in it: what a bot without the Message Content intent sees of what people write. */
const blank = (m: Message) => m.content === '' && !m.attachments?.length && !m.embeds?.length && !m.sticker_items?.length

/** Discord's markup for people and custom emoji, as a reader sees it: `<@123>` → `@name`, `<:party:456>` → `:party:`. */
function plainText(m: Message): string {
  const names = new Map(m.mentions?.map((u) => [u.id, u.username]))
  return m.content.replace(/<@!?(\d+)>/g, (tag, id: string) => (names.has(id) ? `@${names.get(id)}` : tag)).replace(/<a?:(\w+):\d+>/g, ':$1:')
}

/** `title`: the post's, for a forum post's first message. */
export function toMention(guildId: string, m: Message, title?: string): MentionItem {
  const likes = m.reactions?.reduce((sum, r) => sum + r.count, 0)
  return {
    externalId: `${m.channel_id}:${m.id}`,
    url: messageUrl(guildId, m.channel_id, m.id),
    ...(title ? { title } : {}),
    author: {
      handle: m.author.username,
      ...(m.author.global_name ? { name: m.author.global_name } : {}),
      // Opens the profile for anyone signed in to Discord.
      profileUrl: `https://discord.com/users/${m.author.id}`,
    },
    text: plainText(m),
    publishedAt: new Date(m.timestamp),
    engagement: likes === undefined ? {} : { likes },
    raw: m,
  }
}

/** Discord's reason for a refusal, naming the channel and what to change there; the token is never part of it. */
function refused(res: HttpResponse, subject: `channel ${string}` | `server ${string}`, doing: 'read' | 'reply'): UpstreamError {
  const error = errorBody(res, DiscordError)
  const reason = error ? `${error.message} (code ${error.code})` : `HTTP ${res.status}`
  if (res.status === 401) return permanentError(`discord: the bot token was refused: ${reason}; reset it in the Developer Portal (your application → Bot → Reset Token) and save the new one`, 401)
  const kind = subject.startsWith('server') ? 'Server' : 'Channel'
  if (res.status === 404) return permanentError(`discord: ${subject}: ${reason}; check its id (Developer Mode on, right-click the ${kind.toLowerCase()} → Copy ${kind} ID)`, 404)
  const needs =
    doing === 'read'
      ? 'to be a member of the server with View Channel and Read Message History in that channel, and the Message Content intent (Developer Portal → Bot) to see what people write'
      : 'View Channel, Send Messages (Send Messages in Threads, in a thread) and Read Message History in that channel'
  return permanentError(`discord: ${subject}: ${reason}; the bot needs ${needs}`, res.status)
}

const REFUSALS = [401, 403, 404]
const headersOf = (config: Config) => ({ authorization: `Bot ${config.botToken}` })

async function listMessages(ctx: ConnectorContext, config: Config, channel: string, params: Record<string, string>): Promise<Row[]> {
  const url = `${originOf(config, 'https://discord.com')}/api/v10/channels/${channel}/messages?${new URLSearchParams(params)}`
  const res = await ctx.fetch(url, { headers: headersOf(config), accept: REFUSALS })
  if (res.status >= 400) throw refused(res, `channel ${channel}`, 'read')
  return parseJson(res, Page)
}

/**
 * A channel's messages this run takes, oldest first, at most `max`: on its first run the latest ones (a bounded
 * backfill), else everything after `after`, page by page. Discord answers `after` with the oldest messages past it,
 * so a run that stops at `max` leaves only newer ones for the next.
 */
async function readChannel(ctx: ConnectorContext, config: Config, channel: string, after: string | undefined, max: number): Promise<Row[]> {
  if (after === undefined) return oldestFirst(await listMessages(ctx, config, channel, { limit: String(Math.min(PAGE, max)) }))
  const rows: Row[] = []
  let from = after
  while (rows.length < max) {
    const limit = Math.min(PAGE, max - rows.length)
    const mark = BigInt(from)
    // A server that ignored `after` would hand back the same page forever: only what is past the mark counts.
    const page = oldestFirst(await listMessages(ctx, config, channel, { limit: String(limit), after: from })).filter((r) => BigInt(r.id) > mark)
    rows.push(...page)
    if (page.length < limit) break
    from = page[page.length - 1].id
  }
  return rows
}

/** Threads in a listing Discord answered, each read on its own: one of a shape we did not expect is left out. */
const threadsIn = (rows: unknown[]) => rows.flatMap((row) => {
  const parsed = Thread.safeParse(row)
  return parsed.success ? [parsed.data] : []
})

/** The server's active threads, all channels' at once: one call a run. */
async function listActiveThreads(ctx: ConnectorContext, config: Config): Promise<Thread[]> {
  const res = await ctx.fetch(`${originOf(config, 'https://discord.com')}/api/v10/guilds/${config.guildId}/threads/active`, { headers: headersOf(config), accept: REFUSALS })
  if (res.status >= 400) throw refused(res, `server ${config.guildId}`, 'read')
  return threadsIn(parseJson(res, ActiveThreads).threads)
}

/** What Discord answers when asked for the threads of a channel that cannot have any (a thread, a voice channel). */
const NO_THREADS_HERE = 50024

/** A channel's public archived threads, pages of them until one archived before `since` (Discord lists them newest archived first), about THREADS at most. */
async function listArchivedThreads(ctx: ConnectorContext, config: Config, channel: string, since: Date): Promise<Thread[]> {
  const threads: Thread[] = []
  let before: string | undefined
  while (threads.length < THREADS) {
    const params = new URLSearchParams({ limit: String(PAGE), ...(before ? { before } : {}) })
    const res = await ctx.fetch(`${originOf(config, 'https://discord.com')}/api/v10/channels/${channel}/threads/archived/public?${params}`, { headers: headersOf(config), accept: [400, ...REFUSALS] })
    if (res.status === 400 && errorBody(res, DiscordError)?.code === NO_THREADS_HERE) return []
    if (res.status >= 400) throw refused(res, `channel ${channel}`, 'read')
    const page = parseJson(res, ArchivedThreads)
    // Archived before `since` means inactive since: followThreads leaves those out; here they only end the paging.
    const listed = threadsIn(page.threads)
    threads.push(...listed)
    const last = listed.at(-1)?.thread_metadata.archive_timestamp
    if (!page.has_more || last === undefined || new Date(last) < since || last === before) break
    before = last
  }
  return threads
}

/** When a thread was last active: its newest message, or its making. */
const activeAt = (t: Thread) => timeOf(t.last_message_id ?? t.id)

/**
 * The public threads to read: those under a chosen channel (and not chosen themselves), active within
 * THREAD_DAYS, the THREADS most recently active per channel.
 */
async function followThreads(ctx: ConnectorContext, config: Config): Promise<Thread[]> {
  const since = new Date(ctx.now.getTime() - THREAD_DAYS * 86_400_000)
  const listed = [...(await listActiveThreads(ctx, config))]
  for (const channel of config.channels) listed.push(...(await listArchivedThreads(ctx, config, channel, since)))
  const byId = new Map(listed.map((t) => [t.id, t]))
  return config.channels.flatMap((channel) =>
    [...byId.values()]
      .filter((t) => t.parent_id === channel && t.type !== PRIVATE_THREAD && !config.channels.includes(t.id) && activeAt(t) >= since.getTime())
      .sort((a, b) => activeAt(b) - activeAt(a))
      .slice(0, THREADS),
  )
}

/**
 * A thread's messages past `after`, like a channel's; from its first on its first read (a forum post's first message
 * has the thread's own id), none when Discord says nothing came since. Undefined when the thread is gone (deleted).
 */
async function readThread(ctx: ConnectorContext, config: Config, thread: Thread, after: string | undefined, max: number): Promise<Row[] | undefined> {
  if (after !== undefined && thread.last_message_id != null && BigInt(thread.last_message_id) <= BigInt(after)) return []
  try {
    return await readChannel(ctx, config, thread.id, after ?? String(BigInt(thread.id) - 1n), max)
  } catch (err) {
    if (err instanceof UpstreamError && err.status === 404) return undefined
    throw err
  }
}

/** The marks but those of threads found deleted: a thread is dropped from the state, not retried. */
function withoutGone(cursor: Record<string, string> | null, gone: Set<string>): Record<string, string> | null {
  if (!cursor) return null
  const kept = Object.entries(cursor).filter(([id]) => !gone.has(id))
  return kept.length ? Object.fromEntries(kept) : null
}

export const discordConnector = defineConnector({
  kind: 'discord',
  description: 'What people say in chosen channels of a Discord server and their public threads (forum posts too), read by your bot (REST API v10): new messages after the last run, per channel and thread.',
  config: Config,
  cursor: Cursor,
  secrets: ['botToken'],
  urls: ['baseUrl'],
  // Not `edits`: a run reads only messages past its mark, so a message edited after it was stored never comes back.
  // One edited before its first read arrives with its new words, as a new mention.
  async poll(ctx, config, cursor) {
    const items: MentionItem[] = []
    let blanks = 0
    let worded = 0
    const threads = new Map((await followThreads(ctx, config)).map((t) => [t.id, t]))
    const gone = new Set<string>()
    const read = async (channel: string, after: string | undefined, share: number) => {
      const thread = threads.get(channel)
      if (!thread) return readChannel(ctx, config, channel, after, share)
      const rows = await readThread(ctx, config, thread, after, share)
      if (rows === undefined) gone.add(channel)
      return rows ?? []
    }
    const run = await readChannels([...config.channels, ...threads.keys()], cursor, ctx.maxItems, read, (row) => row.id)
    for (const { rows } of run.read) {
      // Newest first, as Discord lists them. Unreadable ones are skipped, and the mark still moves past them.
      for (const row of [...rows].reverse()) {
        const parsed = Message.safeParse(row)
        if (!parsed.success || !byPerson(parsed.data)) continue
        if (parsed.data.content.trim() !== '') {
          // A forum post's first message has the post's id: the post's title is the mention's.
          const post = parsed.data.id === parsed.data.channel_id ? threads.get(parsed.data.id)?.name : undefined
          items.push(toMention(config.guildId, parsed.data, post))
          worded++
        } else if (blank(parsed.data)) blanks++
      }
    }
    // Without that intent Discord sends a bot every message with its words, files and embeds emptied: nothing to
    // store, and no error to stop on. Only a run in which nobody said anything readable points to it.
    if (blanks > 0 && worded === 0) {
      ctx.logger.warn('discord: messages came without their words; turn on the Message Content intent (Developer Portal → your application → Bot → Privileged Gateway Intents)', { blanks })
    }
    return { items, cursor: withoutGone(run.cursor, gone) }
  },
  reply: {
    requires: ['botToken'],
    maxGraphemes: 2000,
    async send(ctx, config, target, text) {
      const parsed = Answerable.safeParse(target.raw)
      if (!parsed.success) throw permanentError('the stored message has no channel to answer in')
      const { id, channel_id } = parsed.data
      const res = await ctx.fetch(`${originOf(config, 'https://discord.com')}/api/v10/channels/${channel_id}/messages`, {
        method: 'POST',
        headers: { ...headersOf(config), 'content-type': 'application/json' },
        body: JSON.stringify({
          content: text,
          // If the message was deleted meanwhile, the answer still goes out, as a plain message.
          message_reference: { message_id: id, fail_if_not_exists: false },
          // No @everyone, role or user pings from what the text says; the person answered is still notified,
          // which Discord turns off (replied_user defaults to false) as soon as allowed_mentions is sent.
          allowed_mentions: { parse: [], replied_user: true },
        }),
        accept: REFUSALS,
      })
      if (res.status >= 400) throw refused(res, `channel ${channel_id}`, 'reply')
      const sent = readPosted(res, Sent)
      return { externalId: `${sent.channel_id}:${sent.id}`, url: messageUrl(config.guildId, sent.channel_id, sent.id) }
    },
  },
})

import { z } from 'zod'
import { permanentError } from '../../src/net/errors.ts'
import { parseJson } from '../../src/net/parse.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { commonConfig, defineConnector, originOf, readPosted } from '../types.ts'

/** A chat by id, as a number or as the text a form sends, or by public username. */
const ChatRef = z.union([z.number().int(), z.string().regex(/^(?:-?\d+|@?[A-Za-z][A-Za-z0-9_]{3,31})$/, 'a chat id like -1001234567890 or a public username like @acme_community')])

const Config = z.strictObject({
  /** From @BotFather. The bot reads what is said in the groups it is a member of, and what people write to it. */
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]{30,}$/, 'a bot token from @BotFather looks like 123456789:AAH…'),
  /** Only these chats: ids (-1001234567890; a private chat's id is its person's) or public usernames (@acme_community). */
  chats: z.array(ChatRef).min(1).max(100).optional(),
  /**
   * Push instead of poll: Telegram's webhook for the bot (setWebhook with this as its secret_token) delivers each
   * message to POST /hooks/telegram/{sourceId} at once, and runs ask Telegram nothing.
   */
  webhookSecret: z.string().regex(/^[A-Za-z0-9_-]{24,256}$/, '24–256 letters, digits, _ or -, e.g. `openssl rand -hex 24`').optional(),
  ...commonConfig,
})
type Config = z.infer<typeof Config>

const Chat = z.object({ id: z.number(), type: z.string(), title: z.string().optional(), username: z.string().optional() })
const Message = z.object({
  message_id: z.number(),
  message_thread_id: z.number().optional(),
  /** Set in forum groups: the thread is a topic, which an answer must go to. */
  is_topic_message: z.boolean().optional(),
  from: z.object({ id: z.number(), is_bot: z.boolean(), first_name: z.string(), last_name: z.string().optional(), username: z.string().optional() }).optional(),
  chat: Chat,
  date: z.number(),
  text: z.string().optional(),
  /** A photo's, video's or document's words. */
  caption: z.string().optional(),
})
type Message = z.infer<typeof Message>
/** One update: as getUpdates lists them, and as the webhook delivers each. */
export const TelegramUpdate = z.object({ update_id: z.number(), message: Message.optional(), edited_message: Message.optional() })
type TelegramUpdate = z.infer<typeof TelegramUpdate>
/** A page of updates, each read on its own: one Telegram shapes in a way we did not expect must not hold up the rest. */
const Updates = z.object({ result: z.array(z.looseObject({ update_id: z.number() })) })
const Sent = z.object({ result: z.object({ message_id: z.number(), chat: Chat }) })

/**
 * The next update to ask for. Telegram forgets every update below the offset
 * a call asks from, so a run asks from the cursor alone, which only ever
 * moves past what was stored: one page a run, never a second that would
 * confirm the first before it is committed.
 */
const Cursor = z.object({ offset: z.number().int() })

/** A message's address: public chats by username; a private supergroup's `t.me/c/` link opens for its members. Private and basic-group chats have none. */
function messageUrl(chat: z.infer<typeof Chat>, messageId: number): string {
  if (chat.username) return `https://t.me/${chat.username}/${messageId}`
  const id = String(chat.id)
  return id.startsWith('-100') ? `https://t.me/c/${id.slice(4)}/${messageId}` : ''
}

function toMention(m: Message): MentionItem {
  const from = m.from!
  return {
    externalId: `${m.chat.id}:${m.message_id}`,
    url: messageUrl(m.chat, m.message_id),
    author: {
      // A username is how people know each other there; without one, the account id is all that stays the same.
      handle: from.username ?? String(from.id),
      name: [from.first_name, from.last_name].filter(Boolean).join(' '),
      ...(from.username ? { profileUrl: `https://t.me/${from.username}` } : {}),
    },
    text: m.text ?? m.caption ?? '',
    publishedAt: new Date(m.date * 1000),
    engagement: {},
    raw: m,
  }
}

/** People's words: not bots (the group's anonymous admins post as one: they are the team), not joins and pins. */
const spoken = (m: Message) => m.from !== undefined && !m.from.is_bot && Boolean(m.text ?? m.caption)

function inChats(config: Config) {
  if (!config.chats) return () => true
  const refs = new Set(config.chats.map((c) => String(c).replace(/^@/, '').toLowerCase()))
  return (m: Message) => refs.has(String(m.chat.id)) || (m.chat.username !== undefined && refs.has(m.chat.username.toLowerCase()))
}

/**
 * The mentions in some updates, and how many updates were not for the inbox. An edit comes as the message again,
 * under its own id: the stored mention takes the new words, and of a message and its edits in one page the last
 * counts (ingestion keeps one item per id).
 */
export function updatesToMentions(updates: TelegramUpdate[], config: Config): { items: MentionItem[]; ignored: number } {
  const wanted = inChats(config)
  const latest = new Map<string, MentionItem>()
  let ignored = 0
  for (const u of updates) {
    const m = u.message ?? u.edited_message
    if (!m || !spoken(m) || !wanted(m)) {
      ignored++
      continue
    }
    const mention = toMention(m)
    latest.delete(mention.externalId)
    latest.set(mention.externalId, mention)
  }
  return { items: [...latest.values()], ignored }
}

/** What a pushed update holds, for the source whose stored config is `config`. */
export const pushedMentions = (update: TelegramUpdate, config: Record<string, unknown>) => updatesToMentions([update], Config.parse(config))

const botUrl = (config: Config, method: string) => `${originOf(config, 'https://api.telegram.org')}/bot${config.botToken}/${method}`

/** What a reply needs of the stored message. */
const Answerable = z.object({ message_id: z.number(), message_thread_id: z.number().optional(), is_topic_message: z.boolean().optional(), chat: z.object({ id: z.number() }) })

export const telegramConnector = defineConnector({
  kind: 'telegram',
  description: 'What people say in the Telegram groups your bot is in (its privacy mode off), and what they write to it; up to 100 messages a run.',
  config: Config,
  cursor: Cursor,
  secrets: ['botToken', 'webhookSecret'],
  urls: ['baseUrl'],
  edits: true,
  async poll(ctx, config, cursor) {
    // Telegram refuses getUpdates to a bot with a webhook: what is pushed needs no run.
    if (config.webhookSecret) return { items: [], cursor }
    const params = new URLSearchParams({ limit: String(Math.min(100, ctx.maxItems)), timeout: '0', allowed_updates: '["message","edited_message"]' })
    if (cursor) params.set('offset', String(cursor.offset))
    const updates = parseJson(await ctx.fetch(`${botUrl(config, 'getUpdates')}?${params}`), Updates).result
    const readable = updates.flatMap((u) => {
      const parsed = TelegramUpdate.safeParse(u)
      return parsed.success ? [parsed.data] : []
    })
    const { items } = updatesToMentions(readable, config)
    // The cursor moves past the unreadable ones too: Telegram would only send them again.
    const last = Math.max(cursor ? cursor.offset - 1 : -1, ...updates.map((u) => u.update_id))
    return { items, cursor: last >= 0 ? { offset: last + 1 } : null }
  },
  reply: {
    requires: ['botToken'],
    maxGraphemes: 4096,
    async send(ctx, config, target, text) {
      const parsed = Answerable.safeParse(target.raw)
      if (!parsed.success) throw permanentError('the stored message has no chat to answer in')
      const { chat, message_id, message_thread_id, is_topic_message } = parsed.data
      const res = await ctx.fetch(botUrl(config, 'sendMessage'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // In a forum group the answer goes to the message's topic; if the message was deleted meanwhile, it still goes out.
        body: JSON.stringify({
          chat_id: chat.id,
          text,
          ...(is_topic_message ? { message_thread_id } : {}),
          reply_parameters: { message_id, allow_sending_without_reply: true },
        }),
      })
      const sent = readPosted(res, Sent).result
      return { externalId: `${sent.chat.id}:${sent.message_id}`, url: messageUrl(sent.chat, sent.message_id) || null }
    },
  },
})

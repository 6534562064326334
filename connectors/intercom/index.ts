import { z } from 'zod'
import { parseJson } from '../../src/net/parse.ts'
import { htmlToText, tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { deskRequester } from '../shared/values.ts'
import { isNew, keptWithMark, newestFirst, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector, originOf, readPosted } from '../types.ts'

const Config = z.strictObject({
  /** An access token of an Intercom app (Developer Hub → your app → Authentication) that can read conversations. */
  accessToken: z.string().min(1),
  /** Your Intercom workspace id (in the app's address: /a/apps/<id>/…), for links to each conversation. */
  workspaceId: z.string().regex(/^[a-z0-9]{4,20}$/, 'the id after /a/apps/ in your Intercom address').optional(),
  /** To reply: the id of the teammate (admin) the replies are from. */
  adminId: z.string().regex(/^\d+$/, "a teammate's numeric id").optional(),
  ...commonConfig,
})
type Config = z.infer<typeof Config>

const Author = z.object({ type: z.string(), id: z.string().nullish(), name: z.string().nullish(), email: z.string().nullish() })
const Conversation = z.object({
  id: z.string(),
  created_at: z.number().int(),
  source: z.object({ subject: z.string().nullish(), body: z.string().nullish(), author: Author, url: z.string().nullish() }),
})
const SearchPage = z.object({
  conversations: z.array(Conversation),
  pages: z.object({ next: z.object({ starting_after: z.string() }).nullish() }).loose().nullish(),
})
type Conversation = z.infer<typeof Conversation>
// The conversation as it stands after the reply: its newest part is the reply.
const Replied = z.object({ id: z.string(), conversation_parts: z.object({ conversation_parts: z.array(z.object({ id: z.string() })).min(1) }) })

// API version pinned: the shapes above are this version's.
const VERSION = '2.11'
const PER_PAGE = 150

const headersFor = (config: Config) => ({
  authorization: `Bearer ${config.accessToken}`, 'intercom-version': VERSION, 'content-type': 'application/json', accept: 'application/json',
})
const conversationUrl = (workspaceId: string | undefined, id: string) => (workspaceId ? `https://app.intercom.com/a/inbox/${workspaceId}/inbox/conversation/${id}` : '')
const FIRST_RUN_DAYS = 7
// A run reads at most this many conversations since the mark (a busy week, a first run), then keeps the newest.
const MAX_SCANNED = 10_000

/** The message that opened the conversation, by whoever opened it (a customer's e-mail links them). */
export function toMention(c: Conversation, workspaceId: string | undefined): MentionItem {
  const a = c.source.author
  const subject = c.source.subject ? htmlToText(c.source.subject) : ''
  return {
    externalId: c.id,
    url: conversationUrl(workspaceId, c.id),
    ...deskRequester('intercom', a.email, a.id ? `${a.type}-${a.id}` : undefined, a.name),
    ...(subject ? { title: tidyWhitespace(subject) } : {}),
    text: htmlToText(c.source.body ?? ''),
    publishedAt: new Date(c.created_at * 1000),
    engagement: {},
    raw: c,
  }
}

export const intercomConnector = defineConnector({
  kind: 'intercom',
  description: 'Intercom conversations as they are opened by customers (conversation search): the first message, by its author, linked to the customer by e-mail.',
  config: Config,
  cursor: Watermark,
  secrets: ['accessToken'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const origin = originOf(config, 'https://api.intercom.io')
    const headers = headersFor(config)
    const since = Math.floor((cursor ? Date.parse(cursor.since) : ctx.now.getTime() - FIRST_RUN_DAYS * 86_400_000) / 1000)
    const found: MentionItem[] = []
    let after: string | undefined
    do {
      const body = {
        // The mark's own second again (>= since - 1): conversations opened in it are told apart by the mark's ids.
        query: {
          operator: 'AND',
          value: [
            { field: 'created_at', operator: '>', value: since - 1 },
            { field: 'source.author.type', operator: 'IN', value: ['user', 'lead'] },
          ],
        },
        pagination: { per_page: PER_PAGE, ...(after ? { starting_after: after } : {}) },
      }
      const page = parseJson(await ctx.fetch(`${origin}/conversations/search`, { method: 'POST', headers, body: JSON.stringify(body) }), SearchPage)
      found.push(...page.conversations.map((c) => toMention(c, config.workspaceId)))
      after = page.pages?.next?.starting_after
    } while (after && found.length < MAX_SCANNED)
    // Search promises no order: sort here, then keep the newest within the budget past the mark.
    return keptWithMark(newestFirst(found.filter((m) => isNew(m, cursor)), ctx.maxItems), cursor, ctx.maxItems)
  },
  reply: {
    // A reply in the conversation from the teammate `adminId`: Intercom delivers it to the customer (Messenger or e-mail).
    requires: ['adminId'],
    async send(ctx, config, target, text) {
      const res = await ctx.fetch(`${originOf(config, 'https://api.intercom.io')}/conversations/${encodeURIComponent(target.externalId)}/reply`, {
        method: 'POST',
        headers: headersFor(config),
        body: JSON.stringify({ message_type: 'comment', type: 'admin', admin_id: config.adminId, body: text }),
      })
      const part = readPosted(res, Replied).conversation_parts.conversation_parts.at(-1)!
      return { externalId: `${target.externalId}/part/${part.id}`, url: conversationUrl(config.workspaceId, target.externalId) || null }
    },
  },
})

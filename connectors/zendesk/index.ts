import { z } from 'zod'
import { parseJson } from '../../src/net/parse.ts'
import { tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { deskRequester } from '../shared/values.ts'
import { commonConfig, defineConnector, originOf, readPosted } from '../types.ts'

const Config = z.strictObject({
  /** The account's subdomain: `acme` for acme.zendesk.com. */
  subdomain: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, 'the part before .zendesk.com'),
  /** An agent's e-mail and an API token (Admin Center → Apps and integrations → Zendesk API). */
  email: z.email(),
  apiToken: z.string().min(1),
  ...commonConfig,
})
type Config = z.infer<typeof Config>

const Ticket = z.object({
  id: z.number().int(),
  subject: z.string().nullish(),
  description: z.string().nullish(),
  requester_id: z.number().int().nullish(),
  created_at: z.iso.datetime({ offset: true }),
})
const User = z.object({ id: z.number().int(), name: z.string().nullish(), email: z.string().nullish() })
const Updated = z.object({ audit: z.object({ id: z.number().int() }).loose() })
const ExportPage = z.object({
  tickets: z.array(Ticket),
  users: z.array(User).default([]),
  after_cursor: z.string().nullish(),
  end_of_stream: z.boolean(),
})
type Ticket = z.infer<typeof Ticket>

/** Where the export stands: Zendesk's own cursor, which moves past every ticket changed so far. */
const Cursor = z.object({ after: z.string().min(1) })

// Tickets come oldest change first; the first run starts this far back.
const FIRST_RUN_DAYS = 7
const PER_PAGE = 100

const originOfAccount = (config: Config) => originOf(config, `https://${config.subdomain}.zendesk.com`)
const authorization = (config: Config) => ({ authorization: `Basic ${btoa(`${config.email}/token:${config.apiToken}`)}` })

/** A ticket as a mention: its subject and first message, by its requester (their e-mail links the customer). */
export function toMention(t: Ticket, requester: z.infer<typeof User> | undefined, origin: string): MentionItem {
  return {
    externalId: String(t.id),
    url: `${origin}/agent/tickets/${t.id}`,
    ...deskRequester('zendesk', requester?.email, t.requester_id ? `user-${t.requester_id}` : undefined, requester?.name),
    ...(t.subject ? { title: tidyWhitespace(t.subject) } : {}),
    text: tidyWhitespace(t.description ?? ''),
    publishedAt: new Date(t.created_at),
    engagement: {},
    raw: t,
  }
}

export const zendeskConnector = defineConnector({
  kind: 'zendesk',
  description: "Zendesk Support tickets as they are opened (incremental export): subject and first message, by the requester, linked to the customer by e-mail.",
  config: Config,
  cursor: Cursor,
  secrets: ['apiToken'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const origin = originOfAccount(config)
    const headers = authorization(config)
    const items: MentionItem[] = []
    let after = cursor?.after
    const start = Math.floor(ctx.now.getTime() / 1000) - FIRST_RUN_DAYS * 86_400
    while (items.length < ctx.maxItems) {
      // Whole pages only, sized to the budget, so the cursor never skips part of one.
      const perPage = Math.min(PER_PAGE, ctx.maxItems - items.length)
      const params = new URLSearchParams({ per_page: String(perPage), include: 'users', ...(after ? { cursor: after } : { start_time: String(start) }) })
      const page = parseJson(await ctx.fetch(`${origin}/api/v2/incremental/tickets/cursor.json?${params}`, { headers }), ExportPage)
      const users = new Map(page.users.map((u) => [u.id, u]))
      // The export brings every ticket that changed; one first seen before is a duplicate the store ignores.
      items.push(...page.tickets.map((t) => toMention(t, t.requester_id ? users.get(t.requester_id) : undefined, origin)))
      after = page.after_cursor ?? after
      if (page.end_of_stream || !page.after_cursor) break
    }
    return { items, cursor: after ? { after } : null }
  },
  reply: {
    // A public comment on the ticket by the token's agent: Zendesk e-mails it to the requester.
    requires: [],
    async send(ctx, config, target, text) {
      const origin = originOfAccount(config)
      const res = await ctx.fetch(`${origin}/api/v2/tickets/${encodeURIComponent(target.externalId)}.json`, {
        method: 'PUT',
        headers: { ...authorization(config), 'content-type': 'application/json' },
        body: JSON.stringify({ ticket: { comment: { body: text, public: true } } }),
      })
      return { externalId: `${target.externalId}/audit/${readPosted(res, Updated).audit.id}`, url: `${origin}/agent/tickets/${target.externalId}` }
    },
  },
})

import { z } from 'zod'
import { permanentError } from '../../src/net/errors.ts'
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/net/http-client.ts'
import { errorBody, parseJson } from '../../src/net/parse.ts'
import { htmlToText, tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { escapeHtml } from '../../src/surveys/html.ts'
import { moveMark, pastMark } from '../shared/second-mark.ts'
import { deskRequester, parseLinkHeader } from '../shared/values.ts'
import { commonConfig, defineConnector, originOf, readPosted } from '../types.ts'

const Config = z.strictObject({
  /** The helpdesk's address: `acme.freshdesk.com`, or just `acme`. */
  domain: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}(\.freshdesk\.com)?$/i, 'acme.freshdesk.com, or just acme'),
  /** An agent's API key (profile settings → Your API Key): the tickets that agent can see are read, and replies go out as them. */
  apiKey: z.string().min(1),
  ...commonConfig,
})
type Config = z.infer<typeof Config>

const Requester = z.object({ id: z.number().int().nullish(), name: z.string().nullish(), email: z.string().nullish() })
const Ticket = z.object({
  id: z.number().int().positive(),
  subject: z.string().nullish(),
  /** The customer's first message, as plain text (`description` is its HTML). */
  description_text: z.string().nullish(),
  description: z.string().nullish(),
  requester_id: z.number().int().nullish(),
  requester: Requester.nullish(),
  /** 1 e-mail, 2 portal, 3 phone, 7 chat, 9 feedback widget, 10 outbound e-mail, … */
  source: z.number().int().nullish(),
  status: z.number().int().nullish(),
  priority: z.number().int().nullish(),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
})
type Ticket = z.infer<typeof Ticket>
// Each ticket is read on its own, so one Freshdesk cannot describe does not fail the run.
const TicketPage = z.array(z.unknown())
// The conversation the reply became.
const Replied = z.object({ id: z.number().int() })
// Freshdesk answers `{code, message}` (401, 403) or `{description, errors: [{field, message, code}]}` (400).
const FreshdeskError = z.object({
  code: z.string().optional(),
  message: z.string().optional(),
  description: z.string().optional(),
  errors: z.array(z.object({ field: z.string().optional(), message: z.string(), code: z.string().optional() })).optional(),
})

/**
 * Where the ticket list stands: the `updated_at` of the newest ticket read and
 * the ids read at exactly that second, so tickets sharing it are neither read
 * twice nor skipped. It only moves forward.
 */
const Cursor = z.object({ updatedAt: z.iso.datetime(), ids: z.array(z.number().int()) })
type Cursor = z.infer<typeof Cursor>

// The first run starts this far back (without updated_since Freshdesk lists only the last 30 days' new tickets).
const FIRST_RUN_DAYS = 7
const PER_PAGE = 100
// Freshdesk lists at most 300 pages of one query.
const MAX_PAGE = 300
// Tickets an agent sends out (outbound e-mail): their first message is the agent's words, not a customer's.
const OUTBOUND_EMAIL = 10

const hostOf = (config: Config) => (config.domain.includes('.') ? config.domain : `${config.domain}.freshdesk.com`).toLowerCase()
const apiOf = (config: Config) => `${originOf(config, `https://${hostOf(config)}`)}/api/v2`
/** The ticket in the agent's view: always the helpdesk itself, whatever origin the API is called at. */
const ticketUrl = (config: Config, id: number | string) => `https://${hostOf(config)}/a/tickets/${id}`
// Basic auth with the API key as the user and any password: Freshdesk's docs use X.
const authorization = (config: Config) => ({ authorization: `Basic ${btoa(`${config.apiKey}:X`)}` })

/** Freshdesk's own words for a refusal, or '' when its body does not say. */
function refusal(res: HttpResponse): string {
  const body = errorBody(res, FreshdeskError)
  if (!body) return ''
  const fields = (body.errors ?? []).map((e) => `${e.field ? `${e.field}: ` : ''}${e.message}${e.code ? ` (${e.code})` : ''}`)
  return [body.code && body.message ? `${body.code}: ${body.message}` : (body.message ?? body.description), ...fields].filter(Boolean).join('; ')
}

/**
 * Calls Freshdesk and turns its refusals into a reason a person can act on:
 * they are the config's fault (or the ticket's), so polling stops until the
 * config changes and a reply is failed with that reason. Rate limits (429,
 * Retry-After) and 5xx are the shared client's to wait out or retry.
 */
async function call(fetch: HttpClient, url: string, init: HttpRequest, explain: (status: number) => string): Promise<HttpResponse> {
  const res = await fetch(url, { ...init, accept: [400, 401, 403, 404] })
  if (res.status < 400) return res
  const why = refusal(res)
  throw permanentError(`freshdesk: ${explain(res.status)} (HTTP ${res.status}${why ? `: ${why}` : ''})`, res.status)
}

const explainPoll = (config: Config) => (status: number) =>
  status === 401
    ? "Freshdesk refused the API key; copy it again from the agent's profile settings (Your API Key) into apiKey"
    : status === 403
      ? "the API key's agent may not list tickets, or the helpdesk is suspended"
      : status === 404
        ? `no Freshdesk helpdesk answers at ${hostOf(config)}; check domain`
        : 'Freshdesk refused the ticket list'

/** A ticket as a mention: its subject and the customer's first message, by its requester (their e-mail links the customer). */
export function toMention(t: Ticket, config: Config): MentionItem {
  const requester = t.requester ?? undefined
  const requesterId = t.requester_id ?? requester?.id
  const text = t.description_text ?? (t.description ? htmlToText(t.description) : '')
  return {
    externalId: `freshdesk:ticket:${t.id}`,
    url: ticketUrl(config, t.id),
    ...deskRequester('freshdesk', requester?.email, requesterId ? `contact-${requesterId}` : undefined, requester?.name),
    ...(t.subject ? { title: tidyWhitespace(t.subject) } : {}),
    text: tidyWhitespace(text),
    publishedAt: new Date(t.created_at),
    engagement: {},
    raw: t,
  }
}

// The stored cursor names its time updatedAt (sources already hold it so); the shared mark calls it at.
const secondMark = (mark: Cursor | null) => mark && { at: mark.updatedAt, ids: mark.ids }

/** True for a ticket the mark has not covered: changed after its second, or in it and not yet read. */
const isUnread = (t: Ticket, mark: Cursor | null) => pastMark(t.updated_at, t.id, secondMark(mark))

const advance = (mark: Cursor | null, t: Ticket): Cursor => {
  const moved = moveMark(secondMark(mark), t.updated_at, t.id)
  return { updatedAt: moved.at, ids: moved.ids }
}

export const freshdeskConnector = defineConnector({
  kind: 'freshdesk',
  description: "Freshdesk tickets as they are opened or changed (ticket list by update time): subject and the customer's first message, by the requester, linked to the customer by e-mail.",
  config: Config,
  cursor: Cursor,
  secrets: ['apiKey'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const headers = authorization(config)
    const items: MentionItem[] = []
    let mark = cursor
    // The second asked from: the mark's, else a week back.
    let asked = mark ? Date.parse(mark.updatedAt) : Math.floor(ctx.now.getTime() / 1000) * 1000 - FIRST_RUN_DAYS * 86_400_000
    let page = 1
    while (items.length < ctx.maxItems) {
      // One second early once there is a mark, whether Freshdesk reads updated_since as > or >=; the mark tells what was read.
      const since = new Date(asked - (mark ? 1000 : 0)).toISOString().replace('.000Z', 'Z')
      const params = new URLSearchParams({
        updated_since: since, order_by: 'updated_at', order_type: 'asc', per_page: String(PER_PAGE), page: String(page),
        // Accounts made since late 2018 list tickets without their description unless asked for it.
        include: 'requester,description',
      })
      const res = await call(ctx.fetch, `${apiOf(config)}/tickets?${params}`, { headers }, explainPoll(config))
      const rows = parseJson(res, TicketPage)
      for (const row of rows) {
        const parsed = Ticket.safeParse(row)
        if (!parsed.success) {
          const id = (row as { id?: unknown } | null)?.id
          ctx.logger.warn('freshdesk: skipped a ticket of an unexpected shape', { id: typeof id === 'number' ? id : undefined, issue: parsed.error.issues[0]?.message })
          continue
        }
        const t = parsed.data
        if (!isUnread(t, mark)) continue
        mark = advance(mark, t)
        if (t.source !== OUTBOUND_EMAIL) items.push(toMention(t, config))
        if (items.length >= ctx.maxItems) break
      }
      if (items.length >= ctx.maxItems || !parseLinkHeader(res.headers.get('link')).next) break
      // Ask again from the newest second read rather than turning the page: a ticket changed meanwhile
      // moves to the end of the list, and page numbers over a moving list would skip whatever slid back.
      const newest = mark ? Date.parse(mark.updatedAt) : asked
      if (newest > asked) {
        asked = newest
        page = 1
      } else if (page < MAX_PAGE) {
        // A whole page changed in the same second: only turning the page gets past it.
        page++
      } else {
        ctx.logger.warn('freshdesk: more tickets changed in one second than Freshdesk lists (300 pages); the rest of that second is skipped', { second: mark?.updatedAt })
        break
      }
    }
    return { items, cursor: mark }
  },
  reply: {
    // A public reply on the ticket by the API key's agent: Freshdesk e-mails it to the requester.
    requires: [],
    async send(ctx, config, target, text) {
      const id = /^freshdesk:ticket:(\d+)$/.exec(target.externalId)?.[1]
      if (!id) throw permanentError(`freshdesk: ${target.externalId} is not a Freshdesk ticket`)
      const res = await call(
        ctx.fetch,
        `${apiOf(config)}/tickets/${id}/reply`,
        {
          method: 'POST',
          headers: { ...authorization(config), 'content-type': 'application/json' },
          // Freshdesk takes HTML: the text as written, its line breaks kept.
          body: JSON.stringify({ body: escapeHtml(text).replace(/\r?\n/g, '<br>') }),
        },
        (status) =>
          status === 401
            ? "Freshdesk refused the API key; copy it again from the agent's profile settings (Your API Key) into apiKey"
            : status === 403
              ? `the API key's agent may not reply on ticket ${id}`
              : status === 404
                ? `ticket ${id} is no longer in Freshdesk (deleted, or merged into another)`
                : `Freshdesk refused the reply on ticket ${id}`,
      )
      return { externalId: `${target.externalId}/conversation/${readPosted(res, Replied).id}`, url: ticketUrl(config, id) }
    },
  },
})

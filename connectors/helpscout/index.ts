import { z } from 'zod'
import { permanentError } from '../../src/net/errors.ts'
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/net/http-client.ts'
import { errorBody, parseJson } from '../../src/net/parse.ts'
import { htmlToText, tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { escapeHtml } from '../../src/surveys/html.ts'
import { moveMark, pastMark } from '../shared/second-mark.ts'
import { deskRequester } from '../shared/values.ts'
import { commonConfig, defineConnector, originOf } from '../types.ts'

const Config = z.strictObject({
  /** App ID and App Secret of an OAuth2 app (Your Profile → My Apps → Create My App): it reads and replies as the user who made it. */
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** Only these inboxes (the id in a mailbox's address, /mailbox/<id>/); every inbox the app's user sees when absent. */
  mailboxes: z.array(z.number().int().positive()).min(1).max(50).optional(),
  /** To reply as another Help Scout user than the app's own (the id in their profile's address). */
  userId: z.number().int().positive().optional(),
  ...commonConfig,
})
type Config = z.infer<typeof Config>

// Help Scout writes ids as numbers; older payloads wrote the conversation number as a string of digits.
const NumericId = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)])
const Person = z.object({
  id: NumericId.nullish(),
  /** customer or user. */
  type: z.string().nullish(),
  first: z.string().nullish(),
  last: z.string().nullish(),
  email: z.string().nullish(),
})
type Person = z.infer<typeof Person>
const Thread = z.object({
  id: NumericId,
  /** customer, message (the team's reply), note, lineitem, chat, phone, … */
  type: z.string(),
  state: z.string().nullish(),
  body: z.string().nullish(),
  createdAt: z.iso.datetime({ offset: true }).nullish(),
  customer: Person.nullish(),
  createdBy: Person.nullish(),
})
type Thread = z.infer<typeof Thread>
const Conversation = z.object({
  id: z.number().int().positive(),
  number: NumericId.nullish(),
  subject: z.string().nullish(),
  status: z.string().nullish(),
  mailboxId: z.number().int().nullish(),
  createdAt: z.iso.datetime({ offset: true }),
  createdBy: Person.nullish(),
  source: z.object({ type: z.string().nullish(), via: z.string().nullish() }).nullish(),
  primaryCustomer: Person.nullish(),
  _embedded: z.object({ threads: z.array(Thread).default([]) }).nullish(),
})
type Conversation = z.infer<typeof Conversation>
// HAL: an empty page has no `_embedded` at all. Each conversation is read on its own, so one Help Scout cannot describe does not fail the run.
const ConversationPage = z.object({
  _embedded: z.object({ conversations: z.array(z.unknown()) }).nullish(),
  page: z.object({ number: z.number().int(), totalPages: z.number().int(), size: z.number().int().optional(), totalElements: z.number().int().optional() }),
})
const Token = z.object({ access_token: z.string().min(1), expires_in: z.number().optional() })
// What the reply needs from the stored mention: who is being answered.
const Answered = z.object({ primaryCustomer: Person.nullish(), _embedded: z.object({ threads: z.array(Thread) }).nullish() })
// Help Scout answers `{message, _embedded: {errors: [{path, message}]}}`; its token endpoint answers OAuth's `{error, error_description}`.
const HelpScoutError = z.object({
  message: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
  _embedded: z.object({ errors: z.array(z.object({ path: z.string().nullish(), message: z.string() })) }).optional(),
})

/**
 * Where the list stands: the `createdAt` of the newest conversation read and
 * the ids read at exactly that second, so conversations opened in the same
 * second are neither read twice nor skipped. It only moves forward.
 */
const Cursor = z.object({ createdAt: z.iso.datetime(), ids: z.array(z.number().int()) })
type Cursor = z.infer<typeof Cursor>

const FIRST_RUN_DAYS = 7
// Help Scout pages 25 conversations; a run reads at most this many pages (a busy week on a first run), then carries on next run.
const MAX_PAGES = 200

const apiOf = (config: Config) => `${originOf(config, 'https://api.helpscout.net')}/v2`
/** The conversation in Help Scout's web app: its id and, where known, the number people see. */
const conversationUrl = (c: Conversation) => `https://secure.helpscout.net/conversation/${c.id}${c.number != null ? `/${c.number}` : ''}`

/** Help Scout's own words for a refusal, or '' when its body does not say. */
function refusal(res: HttpResponse): string {
  const body = errorBody(res, HelpScoutError)
  if (!body) return ''
  const fields = (body._embedded?.errors ?? []).map((e) => `${e.path ? `${e.path}: ` : ''}${e.message}`)
  const head = body.error ? `${body.error}${body.error_description ? `: ${body.error_description}` : ''}` : body.message
  return [head, ...fields].filter(Boolean).join('; ')
}

const REFUSED_APP = "Help Scout refused the app's credentials; copy App ID and App Secret again from Your Profile → My Apps into clientId and clientSecret"

/** Trades the app's credentials for a bearer token (client credentials: no person signs in). */
async function requestToken(fetch: HttpClient, config: Config): Promise<string> {
  const res = await fetch(`${apiOf(config)}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: config.clientId, client_secret: config.clientSecret }).toString(),
    accept: [400, 401, 403],
  })
  if (res.status >= 400) {
    // Only Help Scout's error code goes into the message, never the form that carried the secret.
    const why = refusal(res)
    throw permanentError(`helpscout: ${REFUSED_APP} (HTTP ${res.status}${why ? `: ${why}` : ''})`, res.status)
  }
  return parseJson(res, Token).access_token
}

type Call = (url: string, init: HttpRequest, explain: (status: number) => string) => Promise<HttpResponse>

/**
 * Calls Help Scout with a token, signing in again once when it answers 401
 * (a token expires after two days, or the app's secret was rotated). A 401
 * means the call did nothing, so calling again cannot post twice. Other
 * refusals are the config's fault (or the conversation's): polling stops
 * until the config changes and a reply fails with the reason. Rate limits
 * (429, X-RateLimit-Retry-After) and 5xx are the shared client's.
 */
function signedIn(fetch: HttpClient, config: Config): Call {
  let token: Promise<string> | undefined
  let renewed = false
  return async (url, init, explain) => {
    token ??= requestToken(fetch, config)
    for (;;) {
      const res = await fetch(url, { ...init, headers: { ...init.headers, authorization: `Bearer ${await token}` }, accept: [400, 401, 403, 404] })
      if (res.status === 401 && !renewed) {
        renewed = true
        token = requestToken(fetch, config)
        continue
      }
      if (res.status < 400) return res
      const why = refusal(res)
      throw permanentError(`helpscout: ${explain(res.status)} (HTTP ${res.status}${why ? `: ${why}` : ''})`, res.status)
    }
  }
}

const explainPoll = (config: Config) => (status: number) => {
  const inboxes = config.mailboxes ? `mailboxes ${config.mailboxes.join(', ')}` : 'its inboxes'
  return status === 401
    ? `${REFUSED_APP} (a new token was refused too)`
    : status === 403
      ? `the app's Help Scout user may not read ${inboxes}`
      : status === 404
        ? `Help Scout knows no ${config.mailboxes ? inboxes : 'conversation list here'}; check mailboxes`
        : `Help Scout refused the conversation list for ${inboxes}`
}

const name = (p: Person | null | undefined) => [p?.first, p?.last].filter(Boolean).join(' ')

/** The customer's first message: the earliest customer thread (Help Scout lists threads newest first). */
function openingThread(c: Conversation): Thread | undefined {
  const written = (c._embedded?.threads ?? []).filter((t) => t.type === 'customer' || (t.createdBy?.type === 'customer' && t.type !== 'note'))
  return written.sort((a, b) => Date.parse(a.createdAt ?? '') - Date.parse(b.createdAt ?? '') || Number(a.id) - Number(b.id))[0]
}

/** True for a conversation a customer opened; one the team started (an outbound e-mail) has the team's words first. */
const customerOpened = (c: Conversation) => (c.createdBy?.type ?? c.source?.via) === 'customer'

/** A conversation as a mention: its subject and the customer's first message, by the customer (their e-mail links them). */
export function toMention(c: Conversation): MentionItem {
  const opening = openingThread(c)
  // The list may describe the primary customer by id alone; the opening thread and createdBy know them too.
  const known = [c.primaryCustomer, opening?.customer, c.createdBy?.type === 'customer' ? c.createdBy : undefined]
  const email = known.find((p) => p?.email)?.email
  const id = known.find((p) => p?.id != null)?.id
  const customerName = known.map(name).find(Boolean)
  return {
    externalId: `helpscout:conversation:${c.id}`,
    url: conversationUrl(c),
    ...deskRequester('helpscout', email, id != null ? `customer-${id}` : undefined, customerName),
    ...(c.subject ? { title: tidyWhitespace(c.subject) } : {}),
    text: htmlToText(opening?.body ?? ''),
    publishedAt: new Date(c.createdAt),
    engagement: {},
    // Only the opening message: later threads are the team's and other people's words, and this mention does not follow them.
    raw: { ...c, _embedded: { threads: opening ? [opening] : [] } },
  }
}

const secondMark = (mark: Cursor | null) => mark && { at: mark.createdAt, ids: mark.ids }

const isUnread = (c: Conversation, mark: Cursor | null) => pastMark(c.createdAt, c.id, secondMark(mark))

const advance = (mark: Cursor | null, c: Conversation): Cursor => {
  const moved = moveMark(secondMark(mark), c.createdAt, c.id)
  return { createdAt: moved.at, ids: moved.ids }
}

/** The Help Scout customer a reply goes to: the conversation's primary customer, else the one who wrote its first message. */
function customerIdOf(raw: unknown): number | undefined {
  const parsed = Answered.safeParse(raw)
  if (!parsed.success) return undefined
  const id = parsed.data.primaryCustomer?.id ?? parsed.data._embedded?.threads.find((t) => t.customer?.id != null)?.customer?.id
  return id ?? undefined
}

export const helpscoutConnector = defineConnector({
  kind: 'helpscout',
  description: "Help Scout conversations customers open (Mailbox API 2.0, oldest first): subject and the customer's first message, by the customer, linked to the customer by e-mail.",
  config: Config,
  cursor: Cursor,
  secrets: ['clientSecret'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const call = signedIn(ctx.fetch, config)
    const items: MentionItem[] = []
    let mark = cursor
    // A conversation opened after the mark was modified after it too (its opening is a modification), so
    // modifiedSince finds every new one; one second early, whether Help Scout reads it as > or >=.
    const since = mark ? Date.parse(mark.createdAt) - 1000 : Math.floor(ctx.now.getTime() / 1000) * 1000 - FIRST_RUN_DAYS * 86_400_000
    const params = {
      status: 'all', embed: 'threads', sortField: 'createdAt', sortOrder: 'asc', modifiedSince: new Date(since).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(config.mailboxes ? { mailbox: config.mailboxes.join(',') } : {}),
    }
    // Oldest first, so stopping anywhere leaves the mark behind everything unread. Turning pages is safe here:
    // a conversation modified meanwhile joins the list before the new ones (it is older) and pushes them
    // later, to be read twice (the mark drops the second), never skipped.
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await call(`${apiOf(config)}/conversations?${new URLSearchParams({ ...params, page: String(page) })}`, {}, explainPoll(config))
      const body = parseJson(res, ConversationPage)
      for (const row of body._embedded?.conversations ?? []) {
        const parsed = Conversation.safeParse(row)
        if (!parsed.success) {
          const id = (row as { id?: unknown } | null)?.id
          ctx.logger.warn('helpscout: skipped a conversation of an unexpected shape', { id: typeof id === 'number' ? id : undefined, issue: parsed.error.issues[0]?.message })
          continue
        }
        const c = parsed.data
        // Older conversations that changed since are on the list too: read when they were new, or opened before the first run's week.
        if (Date.parse(c.createdAt) < since || !isUnread(c, mark)) continue
        mark = advance(mark, c)
        // Help Scout's own spam folder is left there.
        if (customerOpened(c) && c.status !== 'spam') items.push(toMention(c))
        if (items.length >= ctx.maxItems) break
      }
      if (items.length >= ctx.maxItems || page >= body.page.totalPages) break
    }
    return { items, cursor: mark }
  },
  reply: {
    // A reply in the conversation by the app's user (or `userId`): Help Scout e-mails it to the customer.
    requires: [],
    async send(ctx, config, target, text) {
      const id = /^helpscout:conversation:(\d+)$/.exec(target.externalId)?.[1]
      if (!id) throw permanentError(`helpscout: ${target.externalId} is not a Help Scout conversation`)
      const customer = customerIdOf(target.raw)
      if (customer === undefined) throw permanentError(`helpscout: conversation ${id} names no customer to reply to`)
      const res = await signedIn(ctx.fetch, config)(
        `${apiOf(config)}/conversations/${id}/reply`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          // Help Scout shows the text as HTML: the text as written, its line breaks kept.
          body: JSON.stringify({ customer: { id: customer }, text: escapeHtml(text).replace(/\r?\n/g, '<br>'), ...(config.userId ? { user: config.userId } : {}) }),
        },
        (status) =>
          status === 401
            ? `${REFUSED_APP} (a new token was refused too)`
            : status === 403
              ? `the app's Help Scout user${config.userId ? ` (or user ${config.userId})` : ''} may not reply in conversation ${id}`
              : status === 404
                ? `conversation ${id} is no longer in Help Scout (deleted, or merged into another)${config.userId ? `, or there is no user ${config.userId}` : ''}`
                : `Help Scout refused the reply in conversation ${id}`,
      )
      // Help Scout answers 201 with no body: the new thread's id is in Resource-ID.
      const thread = res.headers.get('resource-id')
      return { externalId: `${target.externalId}/thread/${thread ?? ctx.idempotencyKey}`, url: target.url }
    },
  },
})

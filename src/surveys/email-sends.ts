// Surveys by e-mail: recipients are queued here, checked against fatigue and
// unsubscribes; the send loop (send-loop.ts) mails them; the link a person
// follows carries a token that ties their answer back to them.
import { z } from '@hono/zod-openapi'
import type postgres from 'postgres'
import type { Deps } from '../deps.ts'
import type { Sql } from '../db/sql.ts'
import { AppError } from '../errors.ts'
import { decodeCursor, encodeCursor } from '../http/pagination.ts'
import { customerLanguages, findCustomers } from './customer-lookup.ts'
import { LOCALES, Properties, propertiesOf, Text, type Locale } from './schemas.ts'
import { localeFor } from './survey-language.ts'
import { getSurvey } from './surveys.ts'

const MAX_RECIPIENTS = 5000

/** A text, or one per language (`{"en": "…", "ru": "…"}`): a batch to people of several languages says each theirs. */
const Localized = (max: number) => z.union([Text(max).min(1), z.partialRecord(z.enum(LOCALES), Text(max).min(1)).refine((m) => Object.keys(m).length > 0, 'give at least one language')])
type Localized = z.infer<ReturnType<typeof Localized>>

/** The text for an invitation in `locale`: that language's, else the survey's own language's, else none. */
const textIn = (text: Localized | undefined, locale: Locale, own: Locale): string | null =>
  text === undefined ? null : typeof text === 'string' ? text : (text[locale] ?? text[own] ?? null)

export const SendRequest = z.strictObject({
  recipients: z
    .array(
      z.object({
        email: z.string().max(320),
        name: Text(200).min(1).optional(),
        customerRef: Text(200).min(1).optional(),
        /** The language to write to this person in; the survey's own when it has no text in it. */
        locale: z.enum(LOCALES).optional(),
        /** Go onto their answer (an order, a plan), to segment results by. */
        properties: Properties.optional(),
      }),
    )
    .min(1)
    .max(MAX_RECIPIENTS),
  /** The subject line, or one per language: each invitation takes its own language's; the question when absent. */
  subject: Localized(200).optional(),
  /** A short paragraph above the question, or one per language like `subject`. */
  intro: Localized(2000).optional(),
  /** Days after the invitation to remind, once, those who have not answered (1–14); no reminder when absent. */
  remindAfterDays: z.number().int().min(1).max(14).optional(),
  /** When to send (ISO 8601, at most 30 days ahead); now when absent. */
  sendAt: z.iso
    .datetime({ offset: true })
    .refine((s) => Date.parse(s) <= Date.now() + 30 * 86_400_000, 'at most 30 days ahead')
    .optional(),
})
export type SendRequest = z.infer<typeof SendRequest>

export const SEND_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const

export const SurveySend = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string().nullable(),
    customerId: z.uuid().nullable(),
    locale: z.enum(LOCALES).openapi({ description: 'The language the invitation is written in' }),
    status: z.enum(SEND_STATUSES),
    attempts: z.number().int(),
    error: z.string().nullable(),
    createdAt: z.date(),
    sentAt: z.date().nullable(),
    respondedAt: z.date().nullable(),
    responseId: z.uuid().nullable(),
    remindAt: z.date().nullable().openapi({ description: 'When the reminder is due, while one is' }),
    remindedAt: z.date().nullable(),
    reminderError: z.string().nullable().openapi({ description: 'Why no reminder went out (answered, unsubscribed, refused)' }),
  })
  .openapi('SurveySend')
export type SurveySend = z.infer<typeof SurveySend>

export interface QueueResult {
  queued: number
  skipped: { index: number; email: string; reason: string }[]
}

const EmailAddress = z.email()
const isEmail = (s: string) => EmailAddress.safeParse(s).success

/**
 * Queues one invitation per recipient. Skipped, with the reason: malformed
 * addresses, repeats, unsubscribed addresses, people who answered any survey
 * of the workspace or were sent this one within the survey's fatigue days,
 * and unknown customer references. Links point at EARSHOT_PUBLIC_URL when it
 * is set (a caller cannot move them elsewhere), else at `requestOrigin`.
 */
interface QueuedRow {
  email: string
  name: string | null
  customer_id: string | null
  locale: string | null
  subject?: string | null
  intro?: string | null
  properties: Properties | null
}

export async function queueSends(deps: Deps, workspaceId: string, surveyId: string, input: SendRequest, requestOrigin: string): Promise<QueueResult> {
  const linkBase = deps.config.publicUrl ?? requestOrigin
  if (!deps.mail) throw new AppError(409, 'mail_not_configured', 'no mail server is configured (EARSHOT_SMTP_URL and EARSHOT_MAIL_FROM)')
  const survey = await getSurvey(deps, workspaceId, surveyId)
  if (survey.status !== 'active') throw new AppError(409, 'survey_paused', 'this survey is paused; resume it before sending it')
  const { sql } = deps
  const lower = input.recipients.map((r) => r.email.trim().toLowerCase())
  const days = survey.settings.fatigueDays
  const since = new Date(deps.clock().getTime() - days * 86_400_000)
  const refs = [...new Set(input.recipients.flatMap((r) => (r.customerRef ? [r.customerRef] : [])))]
  const [{ byRef, byEmail }, unsubscribed, answered, sent] = await Promise.all([
    findCustomers(sql, workspaceId, refs, lower),
    sql<{ email: string }[]>`SELECT email FROM survey_unsubscribes WHERE workspace_id = ${workspaceId} AND email = ANY(${lower})`,
    days > 0
      ? sql<{ email: string }[]>`
          SELECT DISTINCT lower(email) AS email FROM survey_responses
          WHERE workspace_id = ${workspaceId} AND lower(email) = ANY(${lower}) AND responded_at > ${since}`
      : [],
    days > 0
      ? sql<{ email: string }[]>`
          SELECT DISTINCT lower(email) AS email FROM survey_sends
          WHERE workspace_id = ${workspaceId} AND survey_id = ${surveyId} AND lower(email) = ANY(${lower})
            AND created_at > ${since} AND status <> 'failed'`
      : [],
  ])
  const blocked = new Map<string, string>([
    ...unsubscribed.map((r) => [r.email, 'unsubscribed'] as const),
    ...sent.map((r) => [r.email, `sent this survey within the last ${days} days`] as const),
    ...answered.map((r) => [r.email, `answered a survey within the last ${days} days`] as const),
  ])
  const skipped: QueueResult['skipped'] = []
  const seen = new Set<string>()
  const rows: QueuedRow[] = []
  input.recipients.forEach((r, index) => {
    const email = lower[index]
    const skip = (reason: string) => skipped.push({ index, email: r.email, reason })
    if (!isEmail(email)) return skip('not an e-mail address')
    if (seen.has(email)) return skip('repeated in this request')
    seen.add(email)
    const reason = blocked.get(email)
    if (reason) return skip(reason)
    const refCustomer = r.customerRef ? byRef.get(r.customerRef) : undefined
    if (r.customerRef && !refCustomer) return skip(`no customer with externalRef "${r.customerRef}"`)
    rows.push({
      email: r.email.trim(),
      name: r.name ?? null,
      customer_id: refCustomer ?? byEmail.get(email) ?? null,
      locale: r.locale ?? null,
      properties: propertiesOf(r.properties),
    })
  })
  // Without a language asked for, a customer's own.
  const spoken = await customerLanguages(sql, workspaceId, rows.flatMap((r) => (r.locale === null && r.customer_id ? [r.customer_id] : [])))
  const own = survey.settings.locale
  for (const r of rows) {
    if (r.locale === null && r.customer_id) r.locale = spoken.get(r.customer_id) ?? null
    const writtenIn = localeFor(survey, r.locale)
    r.subject = textIn(input.subject, writtenIn, own)
    r.intro = textIn(input.intro, writtenIn, own)
  }
  if (rows.length) {
    await sql`
      INSERT INTO survey_sends (workspace_id, survey_id, email, name, customer_id, locale, link_base, subject, intro, properties, remind_after_days,
        next_attempt_at)
      SELECT ${workspaceId}, ${surveyId}, r.email, r.name, r.customer_id, r.locale, ${linkBase}, r.subject, r.intro, r.properties,
             ${input.remindAfterDays ?? null}, ${input.sendAt ? new Date(input.sendAt) : deps.clock()}
      FROM jsonb_to_recordset(${sql.json(rows as unknown as postgres.JSONValue)}) AS r(
        email text, name text, customer_id uuid, locale text, subject text, intro text, properties jsonb)`
  }
  return { queued: rows.length, skipped }
}

export const SendListQuery = z.object({
  status: z.enum(SEND_STATUSES).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

const SendCursor = z.object({ at: z.iso.datetime(), id: z.uuid() })

export const SendTotals = z.object({
  queued: z.number().int(),
  sending: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  responded: z.number().int(),
  reminded: z.number().int(),
  /** Responded / sent, in %; null before anything was sent. */
  responseRatePct: z.number().nullable(),
})

/** A survey's invitations, newest first, with totals over all of them. */
export async function listSends(deps: Deps, workspaceId: string, surveyId: string, q: z.infer<typeof SendListQuery>) {
  const survey = await getSurvey(deps, workspaceId, surveyId)
  const { sql } = deps
  const after = q.cursor ? decodeCursor(q.cursor, SendCursor) : undefined
  const [items, [totals]] = await Promise.all([
    sql<(Omit<SurveySend, 'locale'> & { locale: string | null })[]>`
      SELECT id, email, name, customer_id AS "customerId", locale, status, attempts, error, created_at AS "createdAt", sent_at AS "sentAt",
             responded_at AS "respondedAt", response_id AS "responseId", remind_at AS "remindAt", reminded_at AS "remindedAt",
             reminder_error AS "reminderError"
      FROM survey_sends
      WHERE workspace_id = ${workspaceId} AND survey_id = ${surveyId} ${q.status ? sql`AND status = ${q.status}` : sql``}
        ${after ? sql`AND (created_at, id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
      ORDER BY created_at DESC, id DESC
      LIMIT ${q.limit + 1}`,
    sql<Omit<z.infer<typeof SendTotals>, 'responseRatePct'>[]>`
      SELECT count(*) FILTER (WHERE status = 'queued')::int AS queued, count(*) FILTER (WHERE status = 'sending')::int AS sending,
             count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status = 'failed')::int AS failed,
             count(responded_at)::int AS responded, count(reminded_at)::int AS reminded
      FROM survey_sends WHERE workspace_id = ${workspaceId} AND survey_id = ${surveyId}`,
  ])
  const page = items.slice(0, q.limit).map((s): SurveySend => ({ ...s, locale: localeFor(survey, s.locale) }))
  const last = page.at(-1)
  return {
    items: page,
    nextCursor: items.length > q.limit && last ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id }) : null,
    totals: { ...totals, responseRatePct: totals.sent ? Math.round((1000 * totals.responded) / totals.sent) / 10 : null },
  }
}

/** SHA-256 of a link token, hex: what survey_sends keeps. */
export async function tokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** Invitations whose link carries the token hashed `hash`: the invitation's own or its reminder's. */
const byToken = (sql: Sql, hash: string) => sql`(token_hash = ${hash} OR reminder_token_hash = ${hash})`

interface Invitation {
  id: string
  email: string
  customerId: string | null
  properties: Properties | null
}

/** The invitation a link token belongs to, for this survey; undefined for a token nobody was sent. */
export async function findSend(sql: Sql, workspaceId: string, surveyId: string, token: string): Promise<Invitation | undefined> {
  const [row]: [Invitation?] = await sql`
    SELECT id, email, customer_id AS "customerId", properties FROM survey_sends
    WHERE ${byToken(sql, await tokenHash(token))} AND workspace_id = ${workspaceId} AND survey_id = ${surveyId}`
  return row
}

/** The first answer through an invitation's link marks it answered. */
export async function markResponded(sql: Sql, workspaceId: string, sendId: string, responseId: string): Promise<void> {
  await sql`
    UPDATE survey_sends SET responded_at = now(), response_id = ${responseId}
    WHERE workspace_id = ${workspaceId} AND id = ${sendId} AND responded_at IS NULL`
}

/** Unsubscribes the address an invitation of this survey went to from every survey of its workspace; false for an unknown token. */
export async function unsubscribe(sql: Sql, workspaceId: string, surveyId: string, token: string): Promise<boolean> {
  const [row]: [{ email: string }?] = await sql`
    INSERT INTO survey_unsubscribes (workspace_id, email)
    SELECT workspace_id, lower(email) FROM survey_sends
    WHERE ${byToken(sql, await tokenHash(token))} AND workspace_id = ${workspaceId} AND survey_id = ${surveyId}
    ON CONFLICT (workspace_id, email) DO UPDATE SET at = survey_unsubscribes.at
    RETURNING email`
  return row !== undefined
}

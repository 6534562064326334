// What a customer said, everything held about them, and erasing it. Erasure
// keeps rows (so counts and trends stay true) but removes the person: text,
// author, links, notes and free-form data.
import type postgres from 'postgres'
import type { Tx } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import { writeAudit, type Actor } from '../audit/audit.ts'
import { notFound } from '../errors.ts'
import { decodeCursor, encodeCursor } from '../http/pagination.ts'
import { z } from '@hono/zod-openapi'
import { mentionColumns, toMention, type Mention, type MentionRow } from '../mentions/shape.ts'
import type { ErasureReason } from '../webhooks/erasure.ts'
import { enqueueEvent } from '../webhooks/events.ts'
import { loadCustomer } from './customers.ts'

export interface ResponseItem {
  id: string
  surveyId: string
  surveyKind: string
  score: number
  comment: string | null
  email: string | null
  respondent: string | null
  lang: string
  sentiment: string | null
  page: string | null
  properties: Record<string, string>
  /** The choice question's options picked. */
  choices: string[]
  respondedAt: Date
}

export type TimelineItem = { type: 'mention'; at: Date; mention: Mention } | { type: 'response'; at: Date; response: ResponseItem }

/** A condition on the rows of one table, as SQL. */
type Fragment = postgres.PendingQuery<postgres.Row[]>

const TimelineCursor = z.object({ t: z.string(), id: z.uuid() })

/** Everything the customer said, newest first, and the tickets any of it is linked to. */
export async function customerTimeline(deps: Deps, workspaceId: string, id: string, page: { cursor?: string; limit: number }) {
  const { sql } = deps
  await loadCustomer(sql, workspaceId, id)
  const c = page.cursor ? decodeCursor(page.cursor, TimelineCursor) : undefined
  const before = (at: ReturnType<typeof sql>, rowId: ReturnType<typeof sql>) => (c ? sql`AND (${at}, ${rowId}) < (${c.t}::timestamptz, ${c.id}::uuid)` : sql``)
  const entries = await sql<{ type: 'mention' | 'response'; id: string; at: Date; t: string }[]>`
    (SELECT 'mention' AS type, m.id, m.published_at AS at, m.published_at::text AS t FROM mentions m
      WHERE m.workspace_id = ${workspaceId} AND m.customer_id = ${id} ${before(sql`m.published_at`, sql`m.id`)})
    UNION ALL
    (SELECT 'response', r.id, r.responded_at, r.responded_at::text FROM survey_responses r
      WHERE r.workspace_id = ${workspaceId} AND r.customer_id = ${id} ${before(sql`r.responded_at`, sql`r.id`)})
    ORDER BY at DESC, id DESC LIMIT ${page.limit + 1}`
  const more = entries.length > page.limit
  const shown = more ? entries.slice(0, page.limit) : entries
  const mentionIds = shown.filter((e) => e.type === 'mention').map((e) => e.id)
  const responseIds = shown.filter((e) => e.type === 'response').map((e) => e.id)
  const [mentions, responses, tickets] = await Promise.all([
    mentionIds.length ? sql<MentionRow[]>`SELECT ${mentionColumns(sql)} FROM mentions m WHERE m.workspace_id = ${workspaceId} AND m.id = ANY(${mentionIds}::uuid[])` : [],
    responseIds.length ? selectResponses(deps, workspaceId, sql`r.id = ANY(${responseIds}::uuid[])`) : [],
    customerTickets(deps, workspaceId, id),
  ])
  const mentionById = new Map(mentions.map((m) => [m.id, toMention(m)]))
  const responseById = new Map(responses.map((r) => [r.id, r]))
  const items: TimelineItem[] = shown.map((e) =>
    e.type === 'mention' ? { type: 'mention', at: e.at, mention: mentionById.get(e.id)! } : { type: 'response', at: e.at, response: responseById.get(e.id)! },
  )
  const last = shown[shown.length - 1]
  return { items, tickets, nextCursor: more && last ? encodeCursor({ t: last.t, id: last.id }) : null }
}

function selectResponses(deps: Deps, workspaceId: string, where: ReturnType<Deps['sql']>) {
  return deps.sql<ResponseItem[]>`
    SELECT r.id, r.survey_id AS "surveyId", s.kind AS "surveyKind", r.score, r.comment, r.email, r.respondent, r.lang,
           r.sentiment_label AS sentiment, r.page, coalesce(r.properties, '{}') AS properties,
           coalesce(r.choices, '{}') AS choices, r.responded_at AS "respondedAt"
    FROM survey_responses r JOIN surveys s ON s.id = r.survey_id
    WHERE r.workspace_id = ${workspaceId} AND ${where} ORDER BY r.responded_at DESC, r.id DESC`
}

function customerTickets(deps: Deps, workspaceId: string, customerId: string) {
  return deps.sql<{ id: string; title: string; status: string }[]>`
    SELECT t.id, t.title, t.status FROM tickets t
    WHERE t.workspace_id = ${workspaceId} AND EXISTS (
      SELECT 1 FROM ticket_links l
      LEFT JOIN mentions m ON m.id = l.mention_id LEFT JOIN survey_responses r ON r.id = l.response_id
      WHERE l.ticket_id = t.id AND (m.customer_id = ${customerId} OR r.customer_id = ${customerId}))
    ORDER BY t.updated_at DESC`
}

/** Everything held about the person, as one JSON document (data-subject access). */
export async function exportCustomer(deps: Deps, workspaceId: string, id: string) {
  const { sql } = deps
  const customer = await loadCustomer(sql, workspaceId, id)
  const [mentions, responses, tickets, notes, replies, invitations, responseReplies] = await Promise.all([
    sql<(MentionRow & { raw: unknown })[]>`
      SELECT ${mentionColumns(sql)}, m.raw FROM mentions m WHERE m.workspace_id = ${workspaceId} AND m.customer_id = ${id} ORDER BY m.published_at DESC`,
    selectResponses(deps, workspaceId, sql`r.customer_id = ${id}`),
    customerTickets(deps, workspaceId, id),
    sql<{ mentionId: string; author: string; body: string; createdAt: Date }[]>`
      SELECT n.mention_id AS "mentionId", n.author, n.body, n.created_at AS "createdAt"
      FROM mention_notes n JOIN mentions m ON m.id = n.mention_id
      WHERE n.workspace_id = ${workspaceId} AND m.customer_id = ${id} ORDER BY n.created_at`,
    sql<{ mentionId: string; author: string; text: string; status: string; url: string | null; createdAt: Date }[]>`
      SELECT r.mention_id AS "mentionId", r.author, r.body AS text, r.status, r.url, r.created_at AS "createdAt"
      FROM mention_replies r JOIN mentions m ON m.id = r.mention_id
      WHERE r.workspace_id = ${workspaceId} AND m.customer_id = ${id} ORDER BY r.created_at`,
    sql<{ surveyId: string; email: string; name: string | null; properties: Record<string, string> | null; status: string; sentAt: Date | null; respondedAt: Date | null }[]>`
      SELECT survey_id AS "surveyId", email, name, properties, status, sent_at AS "sentAt", responded_at AS "respondedAt"
      FROM survey_sends WHERE workspace_id = ${workspaceId} AND customer_id = ${id} ORDER BY created_at`,
    sql<{ responseId: string; author: string; to: string; subject: string; text: string; status: string; createdAt: Date }[]>`
      SELECT rr.response_id AS "responseId", rr.author, rr.to_email AS "to", rr.subject, rr.body AS text, rr.status, rr.created_at AS "createdAt"
      FROM survey_response_replies rr JOIN survey_responses r ON r.id = rr.response_id
      WHERE rr.workspace_id = ${workspaceId} AND r.customer_id = ${id} ORDER BY rr.created_at`,
  ])
  return {
    exportedAt: deps.clock(),
    customer,
    mentions: mentions.map((m) => ({ ...toMention(m), raw: m.raw })),
    surveyResponses: responses,
    tickets,
    notes,
    replies,
    surveyInvitations: invitations,
    surveyResponseReplies: responseReplies,
  }
}

/**
 * Blanks what the mentions `which` picks say and who said them: text, author, links, raw payload and the customer
 * link go, while what was counted (date, source, sentiment, intents, status, tags) stays. The notes, replies and
 * translations about them are deleted, and webhooks subscribed to `mention.erased` get their ids, so the systems that
 * were sent copies can erase theirs. Returns their ids.
 */
export async function eraseMentions(tx: Tx, workspaceId: string, which: Fragment, reason: ErasureReason): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    UPDATE mentions SET body = '', title = NULL, url = NULL, author_handle = NULL, author_name = NULL, author_profile_url = NULL,
      author_followers = NULL, raw = NULL, pii = '[]', explanation = '{}', customer_id = NULL, customer_match = NULL,
      erased_at = now(), updated_at = now()
    WHERE workspace_id = ${workspaceId} AND ${which}
    RETURNING id`
  const ids = rows.map((m) => m.id)
  if (ids.length === 0) return ids
  await tx`DELETE FROM mention_notes WHERE workspace_id = ${workspaceId} AND mention_id = ANY(${ids}::uuid[])`
  // A reply addresses its person by name (`@alice …`); what stays public at the source is the source's to remove.
  await tx`DELETE FROM mention_replies WHERE workspace_id = ${workspaceId} AND mention_id = ANY(${ids}::uuid[])`
  await tx`DELETE FROM translations WHERE workspace_id = ${workspaceId} AND mention_id = ANY(${ids}::uuid[])`
  await enqueueEvent(tx, workspaceId, 'mention.erased', { mentionIds: ids, reason })
  return ids
}

/** The same for survey responses: the comment, e-mail, user, page, properties and customer link go; the score and its reading stay. */
export async function eraseResponses(tx: Tx, workspaceId: string, which: Fragment, reason: ErasureReason): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    UPDATE survey_responses SET comment = NULL, email = NULL, respondent = NULL, page = NULL, properties = NULL, pii = '[]', customer_id = NULL
    WHERE workspace_id = ${workspaceId} AND ${which}
    RETURNING id`
  const ids = rows.map((r) => r.id)
  if (ids.length === 0) return ids
  // What the team wrote them quotes their answer and holds their address.
  await tx`DELETE FROM survey_response_replies WHERE workspace_id = ${workspaceId} AND response_id = ANY(${ids}::uuid[])`
  await tx`DELETE FROM translations WHERE workspace_id = ${workspaceId} AND response_id = ANY(${ids}::uuid[])`
  await enqueueEvent(tx, workspaceId, 'survey_response.erased', { responseIds: ids, reason })
  return ids
}

// Ids per pattern: PostgreSQL refuses a regular expression past a size, and a customer may have said a lot.
const IDS_PER_PATTERN = 200

/**
 * Drops the finished webhook deliveries that name these mentions or answers (the JSON format carries their ids): a
 * delivery's body holds what was said and by whom. One still pending goes out as it was queued; chat messages, which
 * quote without ids, age out with the log.
 */
async function forgetDeliveries(tx: Tx, workspaceId: string, ids: string[]) {
  for (let i = 0; i < ids.length; i += IDS_PER_PATTERN) {
    await tx`DELETE FROM webhook_deliveries WHERE workspace_id = ${workspaceId} AND status <> 'pending' AND body ~ ${ids.slice(i, i + IDS_PER_PATTERN).join('|')}`
  }
}

/**
 * Right to erasure: the customer and its identities go; its mentions and
 * survey responses stay as anonymous rows (so ticket counts and trends keep
 * their numbers) with text, author, links and raw payloads removed.
 */
export async function eraseCustomer(deps: Deps, workspaceId: string, id: string, actor: Actor) {
  return deps.sql.begin(async (tx) => {
    const [c]: [{ id: string }?] = await tx`SELECT id FROM customers WHERE workspace_id = ${workspaceId} AND id = ${id} FOR UPDATE`
    if (!c) throw notFound('customer')
    const mentionIds = await eraseMentions(tx, workspaceId, tx`customer_id = ${id}`, 'customer')
    const responseIds = await eraseResponses(tx, workspaceId, tx`customer_id = ${id}`, 'customer')
    await forgetDeliveries(tx, workspaceId, [...mentionIds, ...responseIds])
    // Survey invitations hold the address they went to; the unsubscribe stays, so they are not mailed again.
    await tx`DELETE FROM survey_sends WHERE workspace_id = ${workspaceId} AND customer_id = ${id}`
    await tx`DELETE FROM audit_log WHERE workspace_id = ${workspaceId} AND entity = 'customer' AND entity_id = ${id}`
    await tx`DELETE FROM customers WHERE workspace_id = ${workspaceId} AND id = ${id}`
    const erased = { mentions: mentionIds.length, surveyResponses: responseIds.length }
    await writeAudit(tx, workspaceId, actor, [{ entity: 'customer', entityId: id, action: 'erased', changes: erased }])
    return { erased }
  })
}

/** One author on one platform, as erasing or blocking them names them. */
export const AuthorOnPlatform = z.strictObject({
  /** The platform the author writes on, as mentions carry it (`reddit`, `x`, `mastodon`, …). */
  platform: z.string().trim().toLowerCase().min(1).max(50),
  /** Their handle in any spelling mentions use (`@Alice`, `u/alice`, a profile link). */
  handle: z.string().trim().min(1).max(300),
})
export type AuthorOnPlatform = z.infer<typeof AuthorOnPlatform>
export const AuthorErasure = AuthorOnPlatform.openapi('AuthorErasure')
export type AuthorErasure = AuthorOnPlatform

/**
 * Right to erasure for someone who is no customer, as most people who post
 * about a product are not: everything one author said on one platform is
 * erased as a customer's words are. Their handle is compared as identities
 * are (case, @ and profile-link forms alike).
 */
export async function eraseAuthor(deps: Deps, workspaceId: string, author: AuthorErasure, actor: Actor) {
  return deps.sql.begin(async (tx) => {
    const ids = await eraseMentions(tx, workspaceId, tx`author_kind = ${author.platform} AND author_key = earshot_handle_key(${author.handle})`, 'author')
    // A block names them too.
    await tx`DELETE FROM blocked_authors WHERE workspace_id = ${workspaceId} AND author_kind = ${author.platform} AND author_key = earshot_handle_key(${author.handle})`
    await forgetDeliveries(tx, workspaceId, ids)
    await writeAudit(tx, workspaceId, actor, ids.map((id) => ({ entity: 'mention' as const, entityId: id, action: 'author_erased' })))
    return { erased: { mentions: ids.length } }
  })
}

/** The same for the author of one mention, as the inbox offers it; undefined when the mention has no author left. */
export async function eraseAuthorOf(deps: Deps, workspaceId: string, mentionId: string, actor: Actor) {
  const [author]: [AuthorErasure?] = await deps.sql`
    SELECT author_kind AS platform, author_handle AS handle FROM mentions WHERE workspace_id = ${workspaceId} AND id = ${mentionId} AND author_handle IS NOT NULL`
  return author && eraseAuthor(deps, workspaceId, author, actor)
}

// One-call event emitters for the modules that change mentions and tickets:
// each loads the payload in the caller's transaction and queues the event only
// when some webhook listens, so callers pay one cheap query when nobody does.

import type { Sql, Tx } from '../db/sql.ts'
import { enqueueEvent, enqueueEvents, hasSubscribers } from './events.ts'
import { loadMentionPayloads } from './mention-payload.ts'

/** Queues `mention.created` or `mention.updated` for these mentions (call after the change, same transaction). */
export async function announceMentions(tx: Sql | Tx, workspaceId: string, type: 'mention.created' | 'mention.updated', ids: string[], at = new Date()) {
  if (ids.length === 0 || !(await hasSubscribers(tx, workspaceId, type))) return 0
  const payloads = await loadMentionPayloads(tx, workspaceId, ids)
  return enqueueEvents(tx, workspaceId, payloads.map((data) => ({ type, data: { ...data } })), at)
}

/** Queues `mention.replied`: the reply as it went out, with the mention it answers (call in the transaction that records it as sent). */
export async function announceReply(tx: Sql | Tx, workspaceId: string, mentionId: string, reply: { id: string; author: string; text: string; url: string | null; sentAt: Date | null }) {
  if (!(await hasSubscribers(tx, workspaceId, 'mention.replied'))) return 0
  const [mention] = await loadMentionPayloads(tx, workspaceId, [mentionId])
  return enqueueEvent(tx, workspaceId, 'mention.replied', { reply, mention })
}

/**
 * Queues `ticket.updated` for a ticket whose status (or anything else) just
 * changed. When it became done, the payload says how many linked mentions
 * are waiting for a follow-up and the inbox filter that lists them.
 */
export async function announceTicketUpdate(
  tx: Sql | Tx,
  workspaceId: string,
  ticketId: string,
  previousStatus: string,
  opts: { at?: Date; extra?: Record<string, unknown> } = {},
) {
  if (!(await hasSubscribers(tx, workspaceId, 'ticket.updated'))) return 0
  const [ticket]: [{ title: string; status: string; provider: string | null; externalKey: string | null; externalUrl: string | null }?] = await tx`
    SELECT title, status, external_provider AS provider, external_key AS "externalKey", external_url AS "externalUrl"
    FROM tickets WHERE workspace_id = ${workspaceId} AND id = ${ticketId}`
  if (!ticket) return 0
  let followUp = {}
  if (ticket.status === 'done') {
    const [{ mentions }] = await tx<{ mentions: number }[]>`
      SELECT count(*)::int AS mentions FROM ticket_links tl JOIN mentions m ON m.id = tl.mention_id
      WHERE tl.workspace_id = ${workspaceId} AND tl.ticket_id = ${ticketId} AND m.status NOT IN ('resolved', 'ignored', 'spam')`
    followUp = { readyToFollowUp: { mentions, filter: { ticket: ticketId, followUp: true } } }
  }
  return enqueueEvent(tx, workspaceId, 'ticket.updated', { id: ticketId, ...ticket, previousStatus, ...opts.extra, ...followUp }, { at: opts.at })
}

/**
 * Queues `survey_response.created` for freshly inserted responses (rows as
 * inserted: `id` + `workspace_id`), grouped per workspace; call in the
 * inserting transaction.
 */
export async function announceSurveyResponses(tx: Sql | Tx, rows: { id: string; workspace_id: string }[], at = new Date()) {
  const byWorkspace = new Map<string, string[]>()
  for (const r of rows) byWorkspace.set(r.workspace_id, [...(byWorkspace.get(r.workspace_id) ?? []), r.id])
  let queued = 0
  for (const [workspaceId, ids] of byWorkspace) {
    if (!(await hasSubscribers(tx, workspaceId, 'survey_response.created'))) continue
    const payloads = await tx<Record<string, unknown>[]>`
      SELECT r.id, r.survey_id AS "surveyId", s.kind AS "surveyKind", s.name AS "surveyName", r.score, r.comment,
             r.customer_id AS "customerId", r.lang, r.sentiment_label AS sentiment, r.page,
             coalesce(r.properties, '{}') AS properties, coalesce(r.choices, '{}') AS choices, r.responded_at AS "respondedAt"
      FROM survey_responses r JOIN surveys s ON s.id = r.survey_id
      WHERE r.workspace_id = ${workspaceId} AND r.id = ANY(${ids}::uuid[])
      ORDER BY r.responded_at, r.id`
    queued += await enqueueEvents(tx, workspaceId, payloads.map((data) => ({ type: 'survey_response.created' as const, data: { ...data } })), at)
  }
  return queued
}

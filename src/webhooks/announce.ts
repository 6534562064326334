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

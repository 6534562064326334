// Product issues and the evidence linked to them. A mention or survey
// response may be evidence for several tickets.
import type { Deps } from '../deps.ts'
import type { Sql, Tx } from '../db/sql.ts'
import { writeAudit, type Actor } from '../audit/audit.ts'
import { notFound } from '../errors.ts'
import { announceTicketUpdate } from '../webhooks/announce.ts'
import { decodeCursor, encodeCursor } from '../http/pagination.ts'
import { z } from '@hono/zod-openapi'
import type { LinkInput, NewTicket, Ticket, TicketPatch } from './schema.ts'
import { ticketStats } from './stats.ts'
import { workspaceSettings } from '../workspaces/settings.ts'

interface TicketRow {
  id: string
  title: string
  description: string | null
  status: Ticket['status']
  external_provider: NonNullable<Ticket['external']>['provider'] | null
  external_key: string | null
  external_url: string | null
  created_at: Date
  updated_at: Date
}

export const toTicket = (r: TicketRow): Ticket => ({
  id: r.id,
  title: r.title,
  description: r.description,
  status: r.status,
  external: r.external_provider ? { provider: r.external_provider, key: r.external_key, url: r.external_url } : null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

async function loadTicket(sql: Sql | Tx, workspaceId: string, id: string, lock = false): Promise<Ticket> {
  const [row]: [TicketRow?] = await sql`
    SELECT * FROM tickets WHERE workspace_id = ${workspaceId} AND id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`
  if (!row) throw notFound('ticket')
  return toTicket(row)
}

/**
 * Links evidence of this workspace to a ticket; ids of other workspaces or
 * unknown ids are a 404 for the whole call, already linked ones are skipped.
 */
async function insertLinks(tx: Tx, workspaceId: string, ticketId: string, input: { mentionIds?: string[]; responseIds?: string[] }) {
  const mentionIds = [...new Set(input.mentionIds ?? [])]
  const responseIds = [...new Set(input.responseIds ?? [])]
  const [found] = await tx<{ m: number; r: number }[]>`
    SELECT (SELECT count(*) FROM mentions WHERE workspace_id = ${workspaceId} AND id = ANY(${mentionIds}::uuid[]))::int AS m,
           (SELECT count(*) FROM survey_responses WHERE workspace_id = ${workspaceId} AND id = ANY(${responseIds}::uuid[]))::int AS r`
  if (found.m !== mentionIds.length) throw notFound('mention')
  if (found.r !== responseIds.length) throw notFound('survey response')
  const links = await tx<{ id: string; mentionId: string | null; responseId: string | null; createdAt: Date }[]>`
    INSERT INTO ticket_links (workspace_id, ticket_id, mention_id, response_id)
    SELECT ${workspaceId}::uuid, ${ticketId}::uuid, m, NULL::uuid FROM unnest(${mentionIds}::uuid[]) AS m
    UNION ALL
    SELECT ${workspaceId}::uuid, ${ticketId}::uuid, NULL::uuid, r FROM unnest(${responseIds}::uuid[]) AS r
    ON CONFLICT DO NOTHING
    RETURNING id, mention_id AS "mentionId", response_id AS "responseId", created_at AS "createdAt"`
  return links
}

const externalColumns = (e: NewTicket['external']) =>
  e === undefined ? {} : { external_provider: e?.provider ?? null, external_key: e?.key ?? null, external_url: e?.url ?? null }

export async function createTicket(deps: Deps, workspaceId: string, input: NewTicket, actor: Actor) {
  return deps.sql.begin(async (tx) => {
    const ext = externalColumns(input.external)
    const [row] = await tx<TicketRow[]>`
      INSERT INTO tickets (workspace_id, title, description, status, external_provider, external_key, external_url)
      VALUES (${workspaceId}, ${input.title}, ${input.description ?? null}, ${input.status ?? 'open'},
              ${ext.external_provider ?? null}, ${ext.external_key ?? null}, ${ext.external_url ?? null})
      RETURNING *`
    const links = input.mentionIds?.length || input.responseIds?.length ? await insertLinks(tx, workspaceId, row.id, input) : []
    await writeAudit(tx, workspaceId, actor, [
      { entity: 'ticket', entityId: row.id, action: 'created', changes: { title: input.title, status: row.status, linked: links.length } },
    ])
    return getTicketIn(tx, workspaceId, row.id)
  })
}

export async function updateTicket(deps: Deps, workspaceId: string, id: string, patch: TicketPatch, actor: Actor) {
  return deps.sql.begin(async (tx) => {
    const before = await loadTicket(tx, workspaceId, id, true)
    const set: Record<string, unknown> = { ...externalColumns(patch.external) }
    if (patch.title !== undefined) set.title = patch.title
    if (patch.description !== undefined) set.description = patch.description
    if (patch.status !== undefined) set.status = patch.status
    await tx`UPDATE tickets SET ${tx(set as Record<string, string>)}, updated_at = now() WHERE workspace_id = ${workspaceId} AND id = ${id}`
    const changes: Record<string, { from: unknown; to: unknown }> = {}
    if (patch.title !== undefined && patch.title !== before.title) changes.title = { from: before.title, to: patch.title }
    if (patch.status !== undefined && patch.status !== before.status) changes.status = { from: before.status, to: patch.status }
    if (patch.description !== undefined && patch.description !== before.description) changes.description = { from: null, to: null }
    if (patch.external !== undefined) changes.external = { from: before.external, to: patch.external }
    await writeAudit(tx, workspaceId, actor, [{ entity: 'ticket', entityId: id, action: 'updated', changes }])
    if (Object.keys(changes).length > 0) await announceTicketUpdate(tx, workspaceId, id, before.status)
    return getTicketIn(tx, workspaceId, id)
  })
}

export async function deleteTicket(deps: Deps, workspaceId: string, id: string, actor: Actor): Promise<void> {
  await deps.sql.begin(async (tx) => {
    const rows = await tx`DELETE FROM tickets WHERE workspace_id = ${workspaceId} AND id = ${id} RETURNING id`
    if (rows.length === 0) throw notFound('ticket')
    await writeAudit(tx, workspaceId, actor, [{ entity: 'ticket', entityId: id, action: 'deleted' }])
  })
}

const LINKS_SHOWN = 500

async function getTicketIn(sql: Sql | Tx, workspaceId: string, id: string) {
  const ticket = await loadTicket(sql, workspaceId, id)
  const { timeZone } = await workspaceSettings(sql, workspaceId)
  const [stats, links] = await Promise.all([
    ticketStats(sql, workspaceId, id, timeZone),
    sql<{ id: string; mentionId: string | null; responseId: string | null; createdAt: Date }[]>`
      SELECT id, mention_id AS "mentionId", response_id AS "responseId", created_at AS "createdAt"
      FROM ticket_links WHERE workspace_id = ${workspaceId} AND ticket_id = ${id} ORDER BY created_at DESC, id LIMIT ${LINKS_SHOWN}`,
  ])
  return { ...ticket, ...stats, links }
}

/** A ticket with its numbers: evidence counts, customers affected and their value, sentiment, sources, weekly series. */
export const getTicket = (deps: Deps, workspaceId: string, id: string) => getTicketIn(deps.sql, workspaceId, id)

const ListCursor = z.object({ t: z.string(), id: z.uuid() })

export async function listTickets(deps: Deps, workspaceId: string, input: { status?: Ticket['status'][]; q?: string; cursor?: string; limit: number }) {
  const { sql } = deps
  const c = input.cursor ? decodeCursor(input.cursor, ListCursor) : undefined
  const pattern = input.q ? `%${input.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : undefined
  const rows = await sql<(TicketRow & { t: string; mention_count: number })[]>`
    SELECT t.*, t.updated_at::text AS t,
      (SELECT count(*) FROM ticket_links l WHERE l.ticket_id = t.id AND l.mention_id IS NOT NULL)::int AS mention_count
    FROM tickets t
    WHERE t.workspace_id = ${workspaceId}
      ${input.status ? sql`AND t.status IN ${sql(input.status)}` : sql``}
      ${pattern ? sql`AND (t.title ILIKE ${pattern} OR t.external_key ILIKE ${pattern})` : sql``}
      ${c ? sql`AND (t.updated_at, t.id) < (${c.t}::timestamptz, ${c.id}::uuid)` : sql``}
    ORDER BY t.updated_at DESC, t.id DESC LIMIT ${input.limit + 1}`
  const more = rows.length > input.limit
  const shown = more ? rows.slice(0, input.limit) : rows
  const last = shown[shown.length - 1]
  return {
    items: shown.map((r) => ({ ...toTicket(r), mentionCount: r.mention_count })),
    nextCursor: more && last ? encodeCursor({ t: last.t, id: last.id }) : null,
  }
}

export async function addLinks(deps: Deps, workspaceId: string, ticketId: string, input: LinkInput, actor: Actor) {
  return deps.sql.begin(async (tx) => {
    await loadTicket(tx, workspaceId, ticketId, true)
    const links = await insertLinks(tx, workspaceId, ticketId, input)
    await tx`UPDATE tickets SET updated_at = now() WHERE workspace_id = ${workspaceId} AND id = ${ticketId}`
    await writeAudit(tx, workspaceId, actor, [
      { entity: 'ticket', entityId: ticketId, action: 'linked', changes: { mentionIds: links.flatMap((l) => (l.mentionId ? [l.mentionId] : [])), responseIds: links.flatMap((l) => (l.responseId ? [l.responseId] : [])) } },
      ...links.flatMap((l) => (l.mentionId ? [{ entity: 'mention' as const, entityId: l.mentionId, action: 'ticket_linked', changes: { ticketId } }] : [])),
    ])
    return { items: links }
  })
}

export async function removeLink(deps: Deps, workspaceId: string, ticketId: string, linkId: string, actor: Actor): Promise<void> {
  await deps.sql.begin(async (tx) => {
    const [link]: [{ mention_id: string | null; response_id: string | null }?] = await tx`
      DELETE FROM ticket_links WHERE workspace_id = ${workspaceId} AND ticket_id = ${ticketId} AND id = ${linkId} RETURNING mention_id, response_id`
    if (!link) throw notFound('link')
    await tx`UPDATE tickets SET updated_at = now() WHERE workspace_id = ${workspaceId} AND id = ${ticketId}`
    await writeAudit(tx, workspaceId, actor, [
      { entity: 'ticket', entityId: ticketId, action: 'unlinked', changes: { mentionId: link.mention_id, responseId: link.response_id } },
      ...(link.mention_id ? [{ entity: 'mention' as const, entityId: link.mention_id, action: 'ticket_unlinked', changes: { ticketId } }] : []),
    ])
  })
}

import type { Tx } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import { AppError, badRequest, conflict, notFound } from '../errors.ts'
import { announceTicketUpdate } from '../webhooks/announce.ts'
import { openSecretBox } from '../crypto/secret-box.ts'
import { buildIssue } from './evidence.ts'
import { findIntegration, secretContext, trackerContext, type IntegrationRow } from './integrations.ts'
import { trackerFor } from './registry.ts'
import type { TrackerLink } from './schema.ts'
import { PROVIDERS, type Provider, type RemoteIssue, type TicketStatus } from './tracker.ts'

const POLL_EVERY_MS = 15 * 60_000
const POLLS_PER_TICK = 50
const INBOUND_CANDIDATES = 1000

async function linkTicket(tx: Tx, integration: IntegrationRow, ticketId: string, remote: RemoteIssue, now: Date) {
  const inserted = await tx`
    INSERT INTO ticket_trackers (ticket_id, workspace_id, integration_id, provider, external_id, external_key, external_url, remote_state, synced_at, next_poll_at)
    VALUES (${ticketId}, ${integration.workspaceId}, ${integration.id}, ${integration.provider}, ${remote.id}, ${remote.key}, ${remote.url},
            ${remote.state}, ${now}, ${new Date(now.getTime() + POLL_EVERY_MS)})
    ON CONFLICT DO NOTHING
    RETURNING ticket_id`
  if (inserted.length === 0) throw conflict(`${remote.key} is already linked to a ticket`)
  await tx`
    UPDATE tickets SET external_provider = ${integration.provider}, external_key = ${remote.key}, external_url = ${remote.url}, updated_at = ${now}
    WHERE workspace_id = ${integration.workspaceId} AND id = ${ticketId}`
}

/** Creates the ticket's issue in the tracker, with a summary of the evidence, and links the two. */
export async function exportTicket(deps: Deps, workspaceId: string, ticketId: string, input: { provider: Provider; target: string }): Promise<TrackerLink> {
  const tracker = trackerFor(input.provider)
  const target = tracker.target.safeParse(input.target)
  if (!target.success) throw badRequest(`target: ${target.error.issues[0].message}`)
  const integration = await findIntegration(deps.sql, workspaceId, input.provider)
  const ctx = await trackerContext(deps, integration)
  // The ticket row stays locked while the tracker is called, so a double click makes one issue.
  return deps.sql.begin(async (tx) => {
    const [ticket]: [{ status: string }?] = await tx`SELECT status FROM tickets WHERE workspace_id = ${workspaceId} AND id = ${ticketId} FOR UPDATE`
    if (!ticket) throw notFound('ticket')
    const [linked] = await tx`SELECT external_key FROM ticket_trackers WHERE ticket_id = ${ticketId}`
    if (linked) throw conflict(`the ticket is already linked to ${linked.external_key}`)
    const remote = await tracker.createIssue(ctx, target.data, await buildIssue(tx, workspaceId, ticketId))
    await linkTicket(tx, integration, ticketId, remote, deps.clock())
    return { ticketId, provider: input.provider, externalKey: remote.key, externalUrl: remote.url, remoteState: remote.state, status: ticket.status }
  })
}

function providerOf(url: URL): { provider: Provider; ref: string } | undefined {
  // Linear and Jira URLs are specific; GitHub's path shape is the fallback (Enterprise hosts vary).
  for (const provider of ['linear', 'jira', 'github'] as const) {
    const ref = trackerFor(provider).parseIssueUrl(url)
    if (ref) return { provider, ref }
  }
  return undefined
}

/** Links an existing tracker issue, by its URL, to a new ticket (or to `ticketId`). */
export async function importTicket(deps: Deps, workspaceId: string, input: { url: string; ticketId?: string }): Promise<TrackerLink> {
  const found = providerOf(new URL(input.url))
  if (!found) throw badRequest('not the URL of a GitHub, Linear or Jira issue')
  const integration = await findIntegration(deps.sql, workspaceId, found.provider)
  const remote = await trackerFor(found.provider).fetchIssue(await trackerContext(deps, integration), found.ref)
  const now = deps.clock()
  return deps.sql.begin(async (tx) => {
    let ticketId = input.ticketId
    let status: string = remote.status
    if (ticketId) {
      const [ticket]: [{ status: string }?] = await tx`SELECT status FROM tickets WHERE workspace_id = ${workspaceId} AND id = ${ticketId} FOR UPDATE`
      if (!ticket) throw notFound('ticket')
      status = ticket.status
    } else {
      const [created] = await tx<{ id: string }[]>`
        INSERT INTO tickets (workspace_id, title, status, created_at, updated_at) VALUES (${workspaceId}, ${remote.title}, ${remote.status}, ${now}, ${now})
        RETURNING id`
      ticketId = created.id
    }
    await linkTicket(tx, integration, ticketId, remote, now)
    return { ticketId, provider: found.provider, externalKey: remote.key, externalUrl: remote.url, remoteState: remote.state, status }
  })
}

interface LinkedTicket {
  ticketId: string
  workspaceId: string
  provider: Provider
}

/**
 * Takes the tracker's word for a ticket's status. GitHub only knows open and
 * closed, so "open" never overrides our finer planned / in_progress. A
 * change is audited and announced as `ticket.updated`; a ticket becoming
 * done puts its linked mentions on the inbox's follow-up list (filter
 * `followUp`), which needs nothing stored here.
 */
export async function applyRemoteStatus(deps: Deps, tx: Tx, link: LinkedTicket, remote: { state: string; status: TicketStatus }): Promise<boolean> {
  const now = deps.clock()
  await tx`UPDATE ticket_trackers SET remote_state = ${remote.state}, synced_at = ${now} WHERE ticket_id = ${link.ticketId}`
  const [ticket]: [{ title: string; status: TicketStatus }?] = await tx`
    SELECT title, status FROM tickets WHERE workspace_id = ${link.workspaceId} AND id = ${link.ticketId} FOR UPDATE`
  if (!ticket || ticket.status === remote.status) return false
  if (remote.status === 'open' && (ticket.status === 'planned' || ticket.status === 'in_progress')) return false
  await tx`UPDATE tickets SET status = ${remote.status}, updated_at = ${now} WHERE id = ${link.ticketId}`
  await tx`
    INSERT INTO audit_log (workspace_id, entity, entity_id, action, actor, changes, at)
    VALUES (${link.workspaceId}, 'ticket', ${link.ticketId}, 'status_synced', ${`${link.provider} sync`},
            ${tx.json({ status: [ticket.status, remote.status], remoteState: remote.state })}, ${now})`
  await announceTicketUpdate(tx, link.workspaceId, link.ticketId, ticket.status, { at: now, extra: { remoteState: remote.state } })
  return true
}

/**
 * POST /hooks/<provider>: finds the integrations whose webhook secret signed
 * this body (the URL names no workspace), then applies the status change to
 * their linked tickets. Unsigned or wrongly signed bodies change nothing.
 */
export async function handleTrackerHook(deps: Deps, provider: string, headers: Headers, body: string): Promise<{ updated: number }> {
  if (!PROVIDERS.includes(provider as Provider)) throw notFound('hook')
  const tracker = trackerFor(provider as Provider)
  try {
    JSON.parse(body)
  } catch {
    throw badRequest('the body is not JSON')
  }
  const candidates = await deps.sql<{ id: string; workspaceId: string; secret: string }[]>`
    SELECT id, workspace_id AS "workspaceId", webhook_secret_ciphertext AS secret
    FROM integrations WHERE provider = ${provider} AND webhook_secret_ciphertext IS NOT NULL
    LIMIT ${INBOUND_CANDIDATES}`
  const unsigned = new AppError(401, 'unauthorized', 'the signature matches no configured integration')
  if (candidates.length === 0) throw unsigned
  const now = deps.clock()
  const verified: { id: string; workspaceId: string }[] = []
  const box = await openSecretBox(deps.config.secretKey)
  for (const c of candidates) {
    try {
      const secret = await box.open(c.secret, secretContext(c.workspaceId, tracker.provider, 'webhook'))
      if (await tracker.verifyWebhook(headers, body, secret, now)) verified.push(c)
    } catch (e) {
      deps.logger.warn('tracker hook: cannot check an integration secret', { integrationId: c.id, err: e instanceof Error ? e.message : String(e) })
    }
  }
  if (verified.length === 0) throw unsigned
  const update = tracker.parseWebhook(headers, body)
  if (!update) return { updated: 0 }
  let updated = 0
  for (const integration of verified) {
    updated += await deps.sql.begin(async (tx) => {
      const links = await tx<LinkedTicket[]>`
        SELECT ticket_id AS "ticketId", workspace_id AS "workspaceId", provider
        FROM ticket_trackers WHERE integration_id = ${integration.id} AND workspace_id = ${integration.workspaceId} AND external_id = ${update.id}`
      let n = 0
      for (const link of links) if (await applyRemoteStatus(deps, tx, link, update)) n++
      return n
    })
  }
  return { updated }
}

/**
 * Tick job: refreshes statuses of linked issues whose integration has no
 * webhook secret (so nothing would tell us), every 15 minutes each. Claimed
 * with SKIP LOCKED and pushed forward before the call, so instances don't
 * poll the same issue and a failing tracker is retried next period.
 */
export async function pollTrackerStatuses(deps: Deps): Promise<{ polled: number; changed: number }> {
  const now = deps.clock()
  const due = await deps.sql<(LinkedTicket & { externalId: string })[]>`
    UPDATE ticket_trackers tt SET next_poll_at = ${new Date(now.getTime() + POLL_EVERY_MS)}
    WHERE tt.ticket_id IN (
      SELECT t.ticket_id FROM ticket_trackers t JOIN integrations i ON i.id = t.integration_id
      WHERE t.next_poll_at <= ${now} AND i.webhook_secret_ciphertext IS NULL
      ORDER BY t.next_poll_at
      LIMIT ${POLLS_PER_TICK}
      FOR UPDATE OF t SKIP LOCKED)
    RETURNING tt.ticket_id AS "ticketId", tt.workspace_id AS "workspaceId", tt.provider, tt.external_id AS "externalId"`
  let changed = 0
  let polled = 0
  for (const link of due) {
    try {
      const integration = await findIntegration(deps.sql, link.workspaceId, link.provider)
      const remote = await trackerFor(link.provider).fetchIssue(await trackerContext(deps, integration), link.externalId)
      polled++
      if (await deps.sql.begin((tx) => applyRemoteStatus(deps, tx, link, remote))) changed++
    } catch (e) {
      deps.logger.warn('tracker poll failed', { ticketId: link.ticketId, provider: link.provider, err: e instanceof Error ? e.message : String(e) })
    }
  }
  return { polled, changed }
}

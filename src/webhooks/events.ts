import type { Sql, Tx } from '../db/sql.ts'
import type { WebhookFormat } from './schema.ts'
import { renderSlackMessage } from './slack.ts'
import { renderTeamsMessage } from './teams.ts'

export const EVENT_TYPES = [
  'mention.created', 'mention.updated', 'mention.replied', 'mention.erased', 'alert.fired', 'survey_response.created', 'survey_response.erased',
  'ticket.updated', 'digest.daily', 'digest.weekly',
] as const
/** What webhooks subscribe to, and `webhook.test`, which goes only to the webhook it tests. */
export type EventType = (typeof EVENT_TYPES)[number] | 'webhook.test'

/** One thing that happened, as emitted by the module it happened in. */
export interface OutgoingEvent {
  type: EventType
  data: Record<string, unknown>
  /** Webhooks that get this event even without subscribing to its type (an alert's channels). */
  webhookIds?: string[]
}

/** The JSON body receivers get for `json` webhooks (the Standard Webhooks envelope). */
export interface EventEnvelope {
  type: EventType
  timestamp: string
  data: Record<string, unknown>
}

interface Target {
  id: string
  format: WebhookFormat
  events: string[]
}

/** How a chat channel's webhook wants an event said. */
const CHAT_RENDERERS = { slack: renderSlackMessage, teams: renderTeamsMessage } satisfies Record<Exclude<WebhookFormat, 'json'>, (e: EventEnvelope) => unknown>

// postgres.js caps a statement at 65,534 parameters; 7 per row.
const INSERT_CHUNK = 5000

const newMessageId = () => `msg_${crypto.randomUUID().replaceAll('-', '')}`

/**
 * Writes one outbox row per (event, interested webhook) inside the caller's
 * transaction, so an event is sent exactly when its change commits. The
 * dispatcher loop sends them; nothing is sent from here.
 */
export async function enqueueEvents(tx: Sql | Tx, workspaceId: string, events: OutgoingEvent[], at: Date): Promise<number> {
  if (events.length === 0) return 0
  const types = [...new Set(events.map((e) => e.type))]
  const targeted = [...new Set(events.flatMap((e) => e.webhookIds ?? []))]
  const hooks = await tx<Target[]>`
    SELECT id, format, events FROM webhooks
    WHERE workspace_id = ${workspaceId} AND enabled AND (events && ${types}::text[] OR id = ANY(${targeted}::uuid[]))`
  if (hooks.length === 0) return 0
  const rows = []
  for (const event of events) {
    const receivers = hooks.filter((h) => h.events.includes(event.type) || event.webhookIds?.includes(h.id))
    if (receivers.length === 0) continue
    const envelope: EventEnvelope = { type: event.type, timestamp: at.toISOString(), data: event.data }
    const json = JSON.stringify(envelope)
    const messageId = newMessageId()
    for (const hook of receivers) {
      rows.push({
        workspace_id: workspaceId,
        webhook_id: hook.id,
        message_id: messageId,
        event_type: event.type,
        body: hook.format === 'json' ? json : JSON.stringify(CHAT_RENDERERS[hook.format](envelope)),
        next_attempt_at: at,
      })
    }
  }
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await tx`INSERT INTO webhook_deliveries ${tx(rows.slice(i, i + INSERT_CHUNK))}`
  }
  return rows.length
}

/** Enqueues a single event in the caller's transaction; see enqueueEvents. */
export async function enqueueEvent(
  tx: Sql | Tx,
  workspaceId: string,
  type: EventType,
  data: Record<string, unknown>,
  opts: { at?: Date; webhookIds?: string[] } = {},
) {
  return enqueueEvents(tx, workspaceId, [{ type, data, webhookIds: opts.webhookIds }], opts.at ?? new Date())
}

/** Whether any enabled webhook of the workspace subscribes to `type`, to skip building payloads nobody gets. */
export async function hasSubscribers(tx: Sql | Tx, workspaceId: string, type: EventType): Promise<boolean> {
  const [row]: [{ one: number }?] = await tx`
    SELECT 1 AS one FROM webhooks WHERE workspace_id = ${workspaceId} AND enabled AND ${type} = ANY(events) LIMIT 1`
  return row !== undefined
}

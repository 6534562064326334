import { z } from '@hono/zod-openapi'
import { enqueueEvent } from './events.ts'
import type { Deps } from '../deps.ts'
import { badRequest, conflict, notFound } from '../errors.ts'
import { decodeCursor, encodeCursor } from '../http/pagination.ts'
import { UpstreamError } from '../net/errors.ts'
import { assertPublicUrl } from '../net/ssrf.ts'
import type { Delivery, NewWebhook, Webhook, WebhookPatch } from './schema.ts'
import { generateSecret } from './signing.ts'
import { encryptSecret } from '../crypto/secret-box.ts'

/** The AES-GCM associated data binding a sealed signing secret to its webhook. */
export const secretContext = (workspaceId: string, webhookId: string) => `webhook:${workspaceId}:${webhookId}`

const COLUMNS = (sql: Deps['sql']) => sql`
  id, url, events, format, description, enabled, consecutive_failures AS "consecutiveFailures",
  disabled_reason AS "disabledReason", disabled_at AS "disabledAt", created_at AS "createdAt", updated_at AS "updatedAt"`

/** Refuses private and loopback targets up front (the dispatcher checks again on every attempt). */
async function assertTarget(deps: Deps, url: string) {
  try {
    await assertPublicUrl(url, { allowPrivate: deps.config.allowPrivateUrls, lookup: deps.lookupHost })
  } catch (e) {
    if (e instanceof UpstreamError) throw badRequest(e.message)
    throw e
  }
}

/** Creates a webhook; the returned `secret` is the only time it leaves the server. */
export async function createWebhook(deps: Deps, workspaceId: string, input: NewWebhook): Promise<Webhook & { secret: string }> {
  await assertTarget(deps, input.url)
  const secret = input.secret ?? generateSecret()
  const id = crypto.randomUUID()
  const sealed = await encryptSecret(deps.config.secretKey, secret, secretContext(workspaceId, id))
  const [row] = await deps.sql<Webhook[]>`
    INSERT INTO webhooks (id, workspace_id, url, events, format, secret, description, enabled)
    VALUES (${id}, ${workspaceId}, ${input.url}, ${input.events}, ${input.format}, ${sealed}, ${input.description ?? null}, ${input.enabled})
    RETURNING ${COLUMNS(deps.sql)}`
  return { ...row, secret }
}

export async function listWebhooks(deps: Deps, workspaceId: string): Promise<Webhook[]> {
  return deps.sql<Webhook[]>`SELECT ${COLUMNS(deps.sql)} FROM webhooks WHERE workspace_id = ${workspaceId} ORDER BY created_at, id`
}

export async function getWebhook(deps: Deps, workspaceId: string, id: string): Promise<Webhook> {
  const [row]: [Webhook?] = await deps.sql`SELECT ${COLUMNS(deps.sql)} FROM webhooks WHERE workspace_id = ${workspaceId} AND id = ${id}`
  if (!row) throw notFound('webhook')
  return row
}

/** Updates a webhook; turning it back on clears the failure run that disabled it. */
export async function updateWebhook(deps: Deps, workspaceId: string, id: string, patch: WebhookPatch): Promise<Webhook> {
  const set: Record<string, unknown> = { updated_at: deps.clock() }
  if (patch.url !== undefined) {
    await assertTarget(deps, patch.url)
    set.url = patch.url
  }
  if (patch.events !== undefined) set.events = patch.events
  if (patch.format !== undefined) set.format = patch.format
  if (patch.secret !== undefined) set.secret = await encryptSecret(deps.config.secretKey, patch.secret, secretContext(workspaceId, id))
  if (patch.description !== undefined) set.description = patch.description
  if (patch.enabled !== undefined) set.enabled = patch.enabled
  if (patch.enabled === true) Object.assign(set, { consecutive_failures: 0, disabled_reason: null, disabled_at: null })
  const [row]: [Webhook?] = await deps.sql`
    UPDATE webhooks SET ${deps.sql(set)} WHERE workspace_id = ${workspaceId} AND id = ${id} RETURNING ${COLUMNS(deps.sql)}`
  if (!row) throw notFound('webhook')
  return row
}

export async function deleteWebhook(deps: Deps, workspaceId: string, id: string): Promise<void> {
  const rows = await deps.sql`DELETE FROM webhooks WHERE workspace_id = ${workspaceId} AND id = ${id} RETURNING id`
  if (rows.length === 0) throw notFound('webhook')
}

const DeliveryCursor = z.object({ seq: z.string().regex(/^\d+$/) })

interface DeliveryRow extends Omit<Delivery, 'attemptLog'> {
  seq: string
}

/** A webhook's deliveries, newest first, each with its attempt log. */
export async function listDeliveries(
  deps: Deps,
  workspaceId: string,
  webhookId: string,
  query: { cursor?: string; limit: number; status?: Delivery['status'] },
): Promise<{ items: Delivery[]; nextCursor: string | null }> {
  await getWebhook(deps, workspaceId, webhookId)
  const before = query.cursor ? decodeCursor(query.cursor, DeliveryCursor).seq : null
  const rows = await deps.sql<DeliveryRow[]>`
    SELECT id, seq::text, message_id AS "messageId", event_type AS "eventType", status, attempts,
           CASE WHEN status = 'pending' THEN next_attempt_at END AS "nextAttemptAt",
           last_status AS "lastStatus", last_error AS "lastError", created_at AS "createdAt", delivered_at AS "deliveredAt"
    FROM webhook_deliveries
    WHERE workspace_id = ${workspaceId} AND webhook_id = ${webhookId}
      ${query.status ? deps.sql`AND status = ${query.status}` : deps.sql``}
      ${before ? deps.sql`AND seq < ${before}` : deps.sql``}
    ORDER BY seq DESC
    LIMIT ${query.limit + 1}`
  const page = rows.slice(0, query.limit)
  const attempts = await deps.sql<{ deliveryId: string; at: Date; statusCode: number | null; error: string | null; durationMs: number }[]>`
    SELECT delivery_id AS "deliveryId", at, status_code AS "statusCode", error, duration_ms AS "durationMs"
    FROM webhook_attempts
    WHERE workspace_id = ${workspaceId} AND delivery_id = ANY(${page.map((r) => r.id)}::uuid[])
    ORDER BY id`
  const items = page.map(({ seq: _seq, ...row }) => ({
    ...row,
    attemptLog: attempts.filter((a) => a.deliveryId === row.id).map(({ deliveryId: _d, ...a }) => a),
  }))
  const nextCursor = rows.length > query.limit ? encodeCursor({ seq: page[page.length - 1].seq }) : null
  return { items, nextCursor }
}

/** Queues a `webhook.test` event for this webhook alone, to see a receiver (or a chat channel) take one. */
export async function sendTestEvent(deps: Deps, workspaceId: string, webhookId: string): Promise<void> {
  const webhook = await getWebhook(deps, workspaceId, webhookId)
  if (!webhook.enabled) throw conflict('the webhook is disabled; enable it before testing it')
  await enqueueEvent(deps.sql, workspaceId, 'webhook.test', { webhookId, message: 'earshot can reach this webhook.' }, { at: deps.clock(), webhookIds: [webhookId] })
}

/** Queues a delivery again with the same `webhook-id`, so receivers that already took it can drop the duplicate. */
export async function redeliver(deps: Deps, workspaceId: string, webhookId: string, deliveryId: string): Promise<void> {
  const webhook = await getWebhook(deps, workspaceId, webhookId)
  if (!webhook.enabled) throw conflict('the webhook is disabled; enable it before redelivering')
  const rows = await deps.sql`
    UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ${deps.clock()}, delivered_at = NULL
    WHERE workspace_id = ${workspaceId} AND webhook_id = ${webhookId} AND id = ${deliveryId}
    RETURNING id`
  if (rows.length === 0) throw notFound('delivery')
}

import type { Tx } from '../db/sql.ts'
import type { MentionPayload } from '../webhooks/mention-payload.ts'
import { enqueueEvent } from '../webhooks/events.ts'

/** What firing needs to know about an alert; read under the alert's row lock. */
export interface FiringAlert {
  id: string
  workspaceId: string
  name: string
  kind: string
  channels: string[]
}

/**
 * Records one firing and queues `alert.fired` for the alert's channels, in
 * the caller's transaction. The dedup key makes firing the same occurrence
 * twice (two instances, a retried transaction) a no-op; returns whether it fired.
 */
export async function fireAlert(
  tx: Tx,
  alert: FiringAlert,
  occurrence: { dedupKey: string; explanation: Record<string, unknown>; mention?: MentionPayload; response?: Record<string, unknown> & { id: string }; at: Date },
): Promise<boolean> {
  const [event]: [{ id: string }?] = await tx`
    INSERT INTO alert_events (workspace_id, alert_id, dedup_key, mention_id, response_id, explanation, fired_at)
    VALUES (${alert.workspaceId}, ${alert.id}, ${occurrence.dedupKey}, ${occurrence.mention?.id ?? null}, ${occurrence.response?.id ?? null},
            ${tx.json(occurrence.explanation as never)}, ${occurrence.at})
    ON CONFLICT (alert_id, dedup_key) DO NOTHING
    RETURNING id`
  if (!event) return false
  await tx`UPDATE alerts SET last_fired_at = ${occurrence.at} WHERE id = ${alert.id}`
  await enqueueEvent(
    tx,
    alert.workspaceId,
    'alert.fired',
    {
      alert: { id: alert.id, name: alert.name, kind: alert.kind },
      eventId: event.id,
      firedAt: occurrence.at.toISOString(),
      explanation: occurrence.explanation,
      ...(occurrence.mention ? { mention: occurrence.mention } : {}),
      ...(occurrence.response ? { response: occurrence.response } : {}),
    },
    { at: occurrence.at, webhookIds: alert.channels },
  )
  return true
}

import type { Tx } from '../db/sql.ts'
import type { MentionPayload } from '../webhooks/mention-payload.ts'
import { enqueueEvent, type EventEnvelope } from '../webhooks/events.ts'

/** What firing needs to know about an alert; read under the alert's row lock. */
export interface FiringAlert {
  id: string
  workspaceId: string
  name: string
  kind: string
  channels: string[]
  /** Addresses that get each firing by e-mail. */
  emails: string[]
}

type Answer = Record<string, unknown> & { id: string }

/** One thing an alert fires for. */
export interface Occurrence {
  dedupKey: string
  explanation: Record<string, unknown>
  mention?: MentionPayload
  response?: Answer
}

/**
 * Records the occurrences in one statement, in the caller's transaction. The
 * dedup key makes recording one twice (two instances, a retried transaction) a
 * no-op; returns the newly recorded ones, with their events' ids, in order.
 */
async function record<O extends Occurrence>(tx: Tx, alert: FiringAlert, occurrences: O[], at: Date): Promise<(O & { eventId: string })[]> {
  const rows = occurrences.map((o) => ({ dedupKey: o.dedupKey, mentionId: o.mention?.id ?? null, responseId: o.response?.id ?? null, explanation: o.explanation }))
  const recorded = await tx<{ id: string; dedupKey: string }[]>`
    INSERT INTO alert_events (workspace_id, alert_id, dedup_key, mention_id, response_id, explanation, fired_at)
    SELECT ${alert.workspaceId}, ${alert.id}, o."dedupKey", o."mentionId", o."responseId", o.explanation, ${at}
    FROM jsonb_to_recordset(${tx.json(rows as never)}) AS o("dedupKey" text, "mentionId" uuid, "responseId" uuid, explanation jsonb)
    ON CONFLICT (alert_id, dedup_key) DO NOTHING
    RETURNING id, dedup_key AS "dedupKey"`
  const ids = new Map(recorded.map((r) => [r.dedupKey, r.id]))
  return occurrences.flatMap((o) => (ids.has(o.dedupKey) ? [{ ...o, eventId: ids.get(o.dedupKey)! }] : []))
}

/** Queues `alert.fired` for the alert's channels, and its e-mails (mailed by the tick once this commits). */
async function announce(tx: Tx, alert: FiringAlert, eventId: string, at: Date, what: Record<string, unknown>) {
  await tx`UPDATE alerts SET last_fired_at = ${at} WHERE id = ${alert.id}`
  const data = { alert: { id: alert.id, name: alert.name, kind: alert.kind }, eventId, firedAt: at.toISOString(), ...what }
  await enqueueEvent(tx, alert.workspaceId, 'alert.fired', data, { at, webhookIds: alert.channels })
  if (alert.emails.length) {
    const envelope: EventEnvelope = { type: 'alert.fired', timestamp: at.toISOString(), data }
    await tx`
      INSERT INTO alert_mails (workspace_id, alert_id, email, payload)
      SELECT ${alert.workspaceId}, ${alert.id}, e, ${tx.json(envelope as never)} FROM unnest(${alert.emails}::text[]) AS e`
  }
}

/** Records one occurrence and queues `alert.fired` with it; returns whether it fired (false when it had fired before). */
export async function fireAlert(tx: Tx, alert: FiringAlert, occurrence: Occurrence & { at: Date }): Promise<boolean> {
  const [fired] = await record(tx, alert, [occurrence], occurrence.at)
  if (!fired) return false
  const { explanation, mention, response } = fired
  await announce(tx, alert, fired.eventId, occurrence.at, { explanation, ...(mention ? { mention } : {}), ...(response ? { response } : {}) })
  return true
}

/**
 * Records several survey answers at once and queues one `alert.fired` listing
 * them (`responses`), so a burst (an e-mail campaign's answers) is one message,
 * not one a person. Each answer is still recorded, so none fires again.
 */
export async function fireAlertForAnswers(tx: Tx, alert: FiringAlert, occurrences: (Occurrence & { response: Answer })[], at: Date): Promise<boolean> {
  const fired = await record(tx, alert, occurrences, at)
  if (fired.length === 0) return false
  const responses = fired.map((o) => o.response)
  await announce(tx, alert, fired[0].eventId, at, { explanation: { answers: responses.length, responseIds: responses.map((r) => r.id) }, responses })
  return true
}

// `unanswered` alerts: a response-time promise. A mention the filter matches
// that is still open and has waited longer than `replyWithin` without a reply
// at its source fires the alert, once per mention, the highest priority first.
import type { Tx } from '../db/sql.ts'
import { OPEN_STATUSES, pinTimeBounds, type Fragment, type MentionFilter, type MentionStatus } from '../mentions/filter.ts'
import { loadMentionPayloads } from '../webhooks/mention-payload.ts'
import { fireAlert, type FiringAlert } from './fire.ts'
import { workingCutoff, type BusinessHours } from './business-hours.ts'
import { durationMs, type UnansweredCheck } from './schema.ts'

export interface UnansweredAlert extends FiringAlert {
  replyWithin: string
  businessHours: BusinessHours | null
  cooldown: string
  createdAt: Date
  lastFiredAt: Date | null
}


/**
 * The filter narrowed to mentions past their reply time: not answered, still
 * owed, and published after `replyWithin` before the alert existed, so a new
 * alert does not fire for the whole backlog it was created over. Null when the
 * filter only wants statuses that owe nothing.
 */
export function overdueFilter(filter: MentionFilter, alert: Pick<UnansweredAlert, 'replyWithin' | 'createdAt' | 'businessHours'>, now: Date): MentionFilter | null {
  const within = durationMs(alert.replyWithin)
  const pinned = pinTimeBounds(filter, now, 1)
  const due = alert.businessHours ? workingCutoff(now.getTime(), within, alert.businessHours) : now.getTime() - within
  const until = Math.min(due, pinned.until ? Date.parse(pinned.until) : Infinity)
  const since = Math.max(alert.createdAt.getTime() - within, pinned.since ? Date.parse(pinned.since) : -Infinity)
  const owed: readonly MentionStatus[] = OPEN_STATUSES
  const status = filter.status?.filter((s) => owed.includes(s)) ?? [...OPEN_STATUSES]
  if (status.length === 0) return null
  return {
    ...pinned,
    answered: false,
    status,
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
  }
}

/** Checks one alert under its row lock: records what is waiting and fires for the first overdue mention not yet fired for. */
export async function checkUnanswered(tx: Tx, alert: UnansweredAlert, where: (f: MentionFilter) => Fragment, filter: MentionFilter, now: Date): Promise<'quiet' | 'fired'> {
  const narrowed = overdueFilter(filter, alert, now)
  const overdue = narrowed ? where(narrowed) : tx`false`
  const [summary] = await tx<{ waiting: number; oldest: Date | null }[]>`
    SELECT count(*)::int AS waiting, min(m.published_at) AS oldest FROM mentions m WHERE ${overdue} AND m.duplicate_of IS NULL`
  const check: UnansweredCheck = {
    waiting: summary.waiting,
    oldestMinutes: summary.oldest ? Math.round((now.getTime() - summary.oldest.getTime()) / 60_000) : null,
    replyWithin: alert.replyWithin,
  }
  await tx`UPDATE alerts SET last_evaluated_at = ${now}, last_evaluation = ${tx.json(check as never)} WHERE id = ${alert.id}`
  if (summary.waiting === 0) return 'quiet'
  if (alert.lastFiredAt && now.getTime() - alert.lastFiredAt.getTime() < durationMs(alert.cooldown)) return 'quiet'
  const [next]: [{ id: string }?] = await tx`
    SELECT m.id FROM mentions m
    WHERE ${overdue} AND m.duplicate_of IS NULL
      AND NOT EXISTS (SELECT 1 FROM alert_events e WHERE e.alert_id = ${alert.id} AND e.dedup_key = 'unanswered:' || m.id::text)
    ORDER BY m.priority DESC, m.published_at
    LIMIT 1`
  if (!next) return 'quiet'
  const [mention] = await loadMentionPayloads(tx, alert.workspaceId, [next.id])
  const fired = await fireAlert(tx, alert, { dedupKey: `unanswered:${next.id}`, explanation: { ...check, mentionId: next.id }, mention, at: now })
  return fired ? 'fired' : 'quiet'
}

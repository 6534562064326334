// Surveys by e-mail on repeat (a survey's `recurring`): on the tick, the
// customers due an invitation are queued as `POST …/sends` would queue them, so
// the send loop mails them and fatigue, unsubscribes and reminders hold alike.
import type { Deps } from '../deps.ts'
import { queueSends } from './email-sends.ts'
import type { Recurring } from './schemas.ts'

const DAY_MS = 86_400_000
/** How often one survey's customers are looked over: a schedule counts in days, and the look costs a pass over them. */
const CHECK_EVERY_MS = 10 * 60_000
/** Invitations queued per survey per look: a first run over a large customer base spreads over the next looks. */
const PER_CHECK = 1000

/**
 * Queues the invitations that active surveys on a schedule owe: to each customer with an e-mail address (on one of
 * its `plans`, when it names some) whose record is `firstAfterDays` old, not invited to this survey in the last
 * `everyDays` or fatigue days, whichever is longer (a failed invitation counts too, so a dead address is not retried
 * every look), not unsubscribed, and with no answer to any survey of the workspace within the survey's fatigue days.
 * Longest without an invitation first. Each survey is claimed per look, so instances ticking together queue once.
 * Without mail or EARSHOT_PUBLIC_URL (Workers, a server without SMTP) it does nothing.
 */
export async function queueRecurringSends(deps: Deps, now: Date): Promise<number> {
  const linkBase = deps.config.publicUrl
  if (!deps.mail || !linkBase) return 0
  const { sql } = deps
  const due = await sql<{ id: string; workspaceId: string; recurring: Recurring; fatigueDays: number }[]>`
    UPDATE surveys SET recurring_checked_at = ${now}
    WHERE status = 'active' AND jsonb_typeof(settings->'recurring') = 'object'
      AND (recurring_checked_at IS NULL OR recurring_checked_at <= ${new Date(now.getTime() - CHECK_EVERY_MS)})
    RETURNING id, workspace_id AS "workspaceId", settings->'recurring' AS recurring, (settings->>'fatigueDays')::int AS "fatigueDays"`
  let queued = 0
  for (const survey of due) {
    const { everyDays, firstAfterDays, remindAfterDays, plans } = survey.recurring
    // queueSends refuses anyone sent this survey within its fatigue days: asking for them would only be refused.
    const every = Math.max(everyDays, survey.fatigueDays)
    const ago = (days: number) => new Date(now.getTime() - days * DAY_MS)
    const people = await sql<{ email: string; name: string | null }[]>`
      SELECT c.email, c.name FROM customers c
      LEFT JOIN LATERAL (
        SELECT max(s.created_at) AS at FROM survey_sends s
        WHERE s.workspace_id = c.workspace_id AND lower(s.email) = lower(c.email) AND s.survey_id = ${survey.id}
      ) last ON true
      WHERE c.workspace_id = ${survey.workspaceId} AND c.email IS NOT NULL AND c.created_at <= ${ago(firstAfterDays)}
        ${plans ? sql`AND c.plan = ANY(${plans}::text[])` : sql``}
        AND (last.at IS NULL OR last.at <= ${ago(every)})
        AND NOT EXISTS (SELECT 1 FROM survey_unsubscribes u WHERE u.workspace_id = c.workspace_id AND u.email = lower(c.email))
        AND NOT EXISTS (
          SELECT 1 FROM survey_responses r
          WHERE r.workspace_id = c.workspace_id AND lower(r.email) = lower(c.email) AND r.responded_at > ${ago(survey.fatigueDays)})
        AND NOT EXISTS (SELECT 1 FROM survey_responses r WHERE r.customer_id = c.id AND r.responded_at > ${ago(survey.fatigueDays)})
      ORDER BY last.at NULLS FIRST, c.created_at, c.id
      LIMIT ${PER_CHECK}`
    if (people.length === 0) continue
    const recipients = people.map((p) => ({ email: p.email, ...(p.name ? { name: p.name.slice(0, 200) } : {}) }))
    try {
      const result = await queueSends(deps, survey.workspaceId, survey.id, { recipients, ...(remindAfterDays ? { remindAfterDays } : {}) }, linkBase)
      queued += result.queued
    } catch (e) {
      deps.logger.warn('recurring survey invitations not queued', { surveyId: survey.id, err: e instanceof Error ? e.message : String(e) })
    }
  }
  return queued
}

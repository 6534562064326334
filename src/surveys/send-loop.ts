import PQueue from 'p-queue'
import type { Deps } from '../deps.ts'
import type { Mailer } from '../mail/mailer.ts'
import { MailRefused } from '../mail/refused.ts'
import { repeat } from '../scheduler/repeat.ts'
import { invitationMessage } from './email-message.ts'
import { tokenHash } from './email-sends.ts'
import { getSurvey } from './surveys.ts'
import { newRespondentToken } from './respondent-token.ts'

const BATCH = 50
// Two messages at a time: a mail server throttles a burst, and invitations are not urgent.
const CONCURRENCY = 2
// Longer than one message takes; a send left 'sending' past it (a crash) goes out again.
const LEASE_SECONDS = 120
const MAX_ATTEMPTS = 4

/** An invitation to a survey that no longer takes answers is not sent at all. */
class SurveyPaused extends Error {}

/** Minutes before attempt `n + 1`: 1, 5, 25. */
const retryDelayMs = (attempts: number) => 60_000 * 5 ** (attempts - 1)

interface Due {
  id: string
  workspaceId: string
  surveyId: string
  email: string
  name: string | null
  subject: string | null
  intro: string | null
  linkBase: string
  locale: string | null
  attempts: number
}

/**
 * Mails the invitations that are due, BATCH at a time, from any number of
 * instances (rows are leased with SKIP LOCKED). Each attempt gets a fresh
 * link token whose hash is stored before the message leaves, so a link that
 * went out always resolves. A 5xx from the mail server fails the invitation;
 * anything else is retried with backoff, then failed.
 */
export async function sendDueInvitations(deps: Deps, mailer: Mailer): Promise<{ sent: number; failed: number }> {
  const { sql } = deps
  const due = await sql<Due[]>`
    UPDATE survey_sends s SET status = 'sending', attempts = attempts + 1, lease_expires_at = now() + make_interval(secs => ${LEASE_SECONDS})
    WHERE s.id IN (
      SELECT id FROM survey_sends
      WHERE (status = 'queued' AND next_attempt_at <= now()) OR (status = 'sending' AND lease_expires_at < now())
      ORDER BY next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
    RETURNING id, workspace_id AS "workspaceId", survey_id AS "surveyId", email, name, subject, intro, link_base AS "linkBase", locale, attempts`
  let sent = 0
  let failed = 0
  const surveyOf = surveyCache(deps)
  const queue = new PQueue({ concurrency: CONCURRENCY })
  await Promise.all(
    due.map((d) =>
      queue.add(async () => {
        try {
          const survey = await surveyOf(d)
          if (survey.status !== 'active') throw new SurveyPaused('the survey was paused before this invitation went out')
          const token = newRespondentToken()
          await sql`UPDATE survey_sends SET token_hash = ${await tokenHash(token)} WHERE id = ${d.id} AND workspace_id = ${d.workspaceId}`
          await mailer.send(invitationMessage(survey, d, token))
          await sql`
            UPDATE survey_sends SET status = 'sent', sent_at = now(), error = NULL, lease_expires_at = NULL,
              remind_at = now() + make_interval(days => remind_after_days)
            WHERE id = ${d.id} AND workspace_id = ${d.workspaceId}`
          sent++
        } catch (err) {
          const final = err instanceof MailRefused || err instanceof SurveyPaused || d.attempts >= MAX_ATTEMPTS
          const message = err instanceof Error ? err.message : String(err)
          await sql`
            UPDATE survey_sends SET status = ${final ? 'failed' : 'queued'}, error = ${message.slice(0, 1000)}, lease_expires_at = NULL,
              next_attempt_at = ${new Date(deps.clock().getTime() + retryDelayMs(d.attempts))}
            WHERE id = ${d.id} AND workspace_id = ${d.workspaceId}`
          if (final) failed++
          deps.logger.warn('survey invitation not sent', { sendId: d.id, attempt: d.attempts, final, err: message })
        }
      }),
    ),
  )
  return { sent, failed }
}

/**
 * Sends the one reminder of the invitations whose `remind_at` has come and
 * that nobody answered: not through the link, and not from that address
 * anywhere in the workspace since the invitation went out. Unsubscribed
 * addresses and paused surveys get none. Leased and retried like invitations,
 * with `remind_at` as the lease and the next attempt.
 */
export async function sendDueReminders(deps: Deps, mailer: Mailer): Promise<{ sent: number; failed: number }> {
  const { sql } = deps
  const due = await sql<(Due & { sentAt: Date; settled: boolean })[]>`
    UPDATE survey_sends s SET reminder_attempts = reminder_attempts + 1, remind_at = now() + make_interval(secs => ${LEASE_SECONDS})
    WHERE s.id IN (
      SELECT id FROM survey_sends WHERE remind_at <= now() AND status = 'sent'
      ORDER BY remind_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
    RETURNING id, workspace_id AS "workspaceId", survey_id AS "surveyId", email, name, subject, intro, link_base AS "linkBase", locale,
      reminder_attempts AS attempts, sent_at AS "sentAt",
      (responded_at IS NOT NULL
        OR EXISTS (SELECT 1 FROM survey_unsubscribes u WHERE u.workspace_id = s.workspace_id AND u.email = lower(s.email))
        OR EXISTS (SELECT 1 FROM survey_responses r WHERE r.workspace_id = s.workspace_id AND lower(r.email) = lower(s.email)
                   AND r.responded_at > s.sent_at)) AS settled`
  let sent = 0
  let failed = 0
  const queue = new PQueue({ concurrency: CONCURRENCY })
  const surveyOf = surveyCache(deps)
  await Promise.all(
    due.map((d) =>
      queue.add(async () => {
        const done = (error: string | null) => sql`
          UPDATE survey_sends SET remind_at = NULL, reminder_error = ${error}, reminded_at = ${error ? null : sql`now()`}
          WHERE id = ${d.id} AND workspace_id = ${d.workspaceId}`
        try {
          if (d.settled) return void (await done('not needed: answered or unsubscribed'))
          const survey = await surveyOf(d)
          if (survey.status !== 'active') throw new SurveyPaused('the survey was paused before the reminder went out')
          const token = newRespondentToken()
          await sql`UPDATE survey_sends SET reminder_token_hash = ${await tokenHash(token)} WHERE id = ${d.id} AND workspace_id = ${d.workspaceId}`
          await mailer.send(invitationMessage(survey, d, token, { reminder: true }))
          await done(null)
          sent++
        } catch (err) {
          const final = err instanceof MailRefused || err instanceof SurveyPaused || d.attempts >= MAX_ATTEMPTS
          const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000)
          if (final) {
            await done(message)
            failed++
          } else {
            await sql`
              UPDATE survey_sends SET reminder_error = ${message}, remind_at = ${new Date(deps.clock().getTime() + retryDelayMs(d.attempts))}
              WHERE id = ${d.id} AND workspace_id = ${d.workspaceId}`
          }
          deps.logger.warn('survey reminder not sent', { sendId: d.id, attempt: d.attempts, final, err: message })
        }
      }),
    ),
  )
  return { sent, failed }
}

/** Reads each survey once per batch: a batch is mostly one campaign. */
function surveyCache(deps: Deps) {
  const surveys = new Map<string, ReturnType<typeof getSurvey>>()
  return (d: Due) => surveys.get(d.surveyId) ?? surveys.set(d.surveyId, getSurvey(deps, d.workspaceId, d.surveyId)).get(d.surveyId)!
}

/** Runs sendDueInvitations and sendDueReminders every `intervalMs` in this process; `stop` waits for the batch under way, then closes the mailer. */
export function startInvitationLoop(deps: Deps, mailer: Mailer, intervalMs = 5000): { stop: () => Promise<void> } {
  const loop = repeat(intervalMs, async () => {
    await sendDueInvitations(deps, mailer)
    await sendDueReminders(deps, mailer)
  }, (e) =>
    deps.logger.error('survey invitations failed', { err: e instanceof Error ? e.message : String(e) }),
  )
  return {
    stop: async () => {
      await loop.stop()
      mailer.close()
    },
  }
}

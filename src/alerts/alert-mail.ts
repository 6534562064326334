// Alerts by e-mail: each firing of an alert with `emails` was queued with it
// (fire.ts); the tick mails them, one message an address, in the words its chat
// message has, so a mail reads like the Slack or Teams post of the same firing.
import type { Deps } from '../deps.ts'
import type { MailMessage } from '../mail/mailer.ts'
import { MailRefused } from '../mail/refused.ts'
import { escapeHtml } from '../surveys/html.ts'
import { chatMessage, type Part, type Run } from '../webhooks/chat-message.ts'
import type { EventEnvelope } from '../webhooks/events.ts'

/** Messages sent a tick; more wait for the next. */
const BATCH = 50
const MAX_ATTEMPTS = 3
/** A message claimed this long ago and never settled (its instance died mid-send) is tried again. */
const CLAIM_EXPIRES_MS = 10 * 60_000
/** Sent and failed messages are kept this long, for their status, then deleted. */
const KEEP_DAYS = 30

interface Due {
  id: string
  workspaceId: string
  alertId: string
  email: string
  payload: EventEnvelope
  attempts: number
}

const runText = (runs: Run[]) => runs.map((r) => (typeof r === 'string' ? r : 'strong' in r ? r.strong : `${r.label} (${r.url})`)).join('')
const runHtml = (runs: Run[]) =>
  runs
    .map((r) => (typeof r === 'string' ? escapeHtml(r) : 'strong' in r ? `<strong>${escapeHtml(r.strong)}</strong>` : `<a href="${escapeHtml(r.url)}">${escapeHtml(r.label)}</a>`))
    .join('')

function partHtml(p: Part): string {
  if (p.kind === 'quote') return `<blockquote style="margin:8px 0;padding:4px 12px;border-left:3px solid #d0d7de">${escapeHtml(p.text)}</blockquote>`
  if (p.kind === 'note') return `<p style="color:#57606a;font-size:13px">${runHtml(p.runs)}</p>`
  return `<p>${runHtml(p.runs)}</p>`
}

/** A firing as an e-mail: its chat message, and a link to the alert's page when EARSHOT_PUBLIC_URL says where that is. */
export function alertMessage(event: EventEnvelope, alertId: string, publicUrl: string | undefined): Omit<MailMessage, 'to'> {
  const msg = chatMessage(event)
  const page = publicUrl ? `${publicUrl}/app/alerts/${alertId}` : undefined
  const text = [...msg.parts.map((p) => (p.kind === 'quote' ? `> ${p.text}` : runText(p.runs))), ...(page ? ['', `The alert and what it fired: ${page}`] : [])].join('\n')
  const html = `<!doctype html>
<html lang="en"><body style="margin:0;padding:16px;font:15px/1.5 sans-serif;color:#1b1f24">
${msg.parts.map(partHtml).join('\n')}
${page ? `<p style="color:#57606a;font-size:13px"><a href="${escapeHtml(page)}">The alert and what it fired</a></p>` : ''}
</body></html>`
  return { subject: msg.summary, text, html, headers: { 'Auto-Submitted': 'auto-generated' } }
}

/**
 * Mails the queued firings, claimed so one instance sends each: a mail server's 5xx fails a message, anything else
 * is tried again on the next ticks, then failed. A settled message forgets what it quoted.
 */
export async function mailAlerts(deps: Deps, now: Date): Promise<{ sent: number; failed: number }> {
  const mailer = deps.mail
  if (!mailer) return { sent: 0, failed: 0 }
  const { sql } = deps
  await sql`DELETE FROM alert_mails WHERE status IN ('sent', 'failed') AND created_at < ${new Date(now.getTime() - KEEP_DAYS * 86_400_000)}`
  const due = await sql<Due[]>`
    UPDATE alert_mails SET status = 'sending', attempts = attempts + 1, claimed_at = ${now}
    WHERE id IN (
      SELECT id FROM alert_mails
      WHERE status = 'queued' OR (status = 'sending' AND claimed_at < ${new Date(now.getTime() - CLAIM_EXPIRES_MS)})
      ORDER BY created_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
    RETURNING id, workspace_id AS "workspaceId", alert_id AS "alertId", email, payload, attempts`
  let sent = 0
  let failed = 0
  for (const d of due) {
    try {
      await mailer.send({ to: d.email, ...alertMessage(d.payload, d.alertId, deps.config.publicUrl) })
      await sql`UPDATE alert_mails SET status = 'sent', sent_at = ${deps.clock()}, payload = '{}', error = NULL WHERE id = ${d.id} AND workspace_id = ${d.workspaceId}`
      sent++
    } catch (err) {
      const final = err instanceof MailRefused || d.attempts >= MAX_ATTEMPTS
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000)
      await sql`
        UPDATE alert_mails SET status = ${final ? 'failed' : 'queued'}, error = ${message}, payload = ${final ? sql`'{}'::jsonb` : sql`payload`}
        WHERE id = ${d.id} AND workspace_id = ${d.workspaceId}`
      if (final) failed++
      deps.logger.warn('alert e-mail not sent', { alertId: d.alertId, attempt: d.attempts, final, err: message })
    }
  }
  return { sent, failed }
}

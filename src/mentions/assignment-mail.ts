// Assignment e-mails: a member of the workspace (someone who signs in with
// single sign-on) gets the mentions newly assigned to them, by a colleague, a
// bulk action or a rule, in one e-mail a tick, so work handed over does not
// wait for them to open the inbox. Assigning to oneself tells nobody.
import type { Deps } from '../deps.ts'
import type { Mailer, MailMessage } from '../mail/mailer.ts'
import { mentionListMessage, type MailedMention } from '../mail/mention-lines.ts'
import { OPEN_STATUSES } from './filter.ts'

/** Assignments this young wait for the next tick, so a bulk action or a rule's run is told in one message. */
const SETTLE_MS = 30_000
/** Mentions listed in one message; the rest are a link away. */
const LISTED = 20

interface Assigned extends MailedMention {
  email: string
}

/** Mails each member what was assigned to them since the last tick; returns how many messages went out. */
export async function mailAssignments(deps: Deps, now: Date): Promise<{ mailed: number }> {
  const mailer = deps.mail
  if (!mailer) return { mailed: 0 }
  const workspaces = await deps.sql<{ id: string }[]>`
    SELECT w.id FROM workspaces w
    WHERE coalesce((w.settings ->> 'assignmentEmails')::boolean, true)
      AND EXISTS (SELECT 1 FROM sso_members s WHERE s.workspace_id = w.id AND NOT s.disabled)`
  let mailed = 0
  for (const ws of workspaces) {
    const byMember = new Map<string, Assigned[]>()
    for (const a of await claimAssignments(deps, ws.id, new Date(now.getTime() - SETTLE_MS))) byMember.set(a.email, [...(byMember.get(a.email) ?? []), a])
    for (const [email, assigned] of byMember) if (await mail(deps, mailer, email, assigned)) mailed++
  }
  return { mailed }
}

/**
 * The assignments recorded up to `upto` and not yet told, still standing (the
 * mention is still theirs and still open), moving the workspace's mark past
 * them in the same transaction: one instance tells each, once. A workspace
 * seen for the first time starts from now, never from its whole history.
 */
async function claimAssignments(deps: Deps, workspaceId: string, upto: Date): Promise<Assigned[]> {
  return deps.sql.begin(async (tx) => {
    const started = await tx`INSERT INTO assignment_notices (workspace_id, through) VALUES (${workspaceId}, ${upto}) ON CONFLICT DO NOTHING`
    if (started.count) return []
    const [mark]: [{ through: Date }?] = await tx`SELECT through FROM assignment_notices WHERE workspace_id = ${workspaceId} FOR UPDATE SKIP LOCKED`
    if (!mark || mark.through >= upto) return []
    const rows = await tx<(Omit<Assigned, 'author' | 'note'> & { authorName: string | null; authorHandle: string | null; assignedBy: string })[]>`
      SELECT DISTINCT ON (s.email, m.id) s.email, m.id, m.title, m.body AS text, m.url, m.kind AS "sourceKind",
             m.author_name AS "authorName", m.author_handle AS "authorHandle", a.actor AS "assignedBy"
      FROM audit_log a
      JOIN mentions m ON m.workspace_id = a.workspace_id AND m.id = a.entity_id
      JOIN sso_members s ON s.workspace_id = a.workspace_id AND lower(s.email) = lower(m.assignee) AND NOT s.disabled
      WHERE a.workspace_id = ${workspaceId} AND a.entity = 'mention' AND a.changes ? 'assignee'
        AND a.at > ${mark.through} AND a.at <= ${upto}
        AND a.changes -> 'assignee' ->> 'to' = m.assignee
        AND a.actor_id IS DISTINCT FROM s.id
        AND m.duplicate_of IS NULL AND m.erased_at IS NULL AND m.status IN ${tx(OPEN_STATUSES)}
      ORDER BY s.email, m.id, a.at DESC`
    await tx`UPDATE assignment_notices SET through = ${upto} WHERE workspace_id = ${workspaceId}`
    return rows.map(({ authorName, authorHandle, assignedBy, ...r }) => ({ ...r, author: { name: authorName, handle: authorHandle }, note: `assigned by ${assignedBy}` }))
  })
}

/** Sends one member their list; a message that fails is logged, not retried (the mark has moved). */
async function mail(deps: Deps, mailer: Mailer, email: string, assigned: Assigned[]): Promise<boolean> {
  try {
    await mailer.send({ ...assignmentMessage(assigned, email, deps.config.publicUrl), to: email })
    return true
  } catch (e) {
    deps.logger.warn('assignment e-mail not sent', { to: email, err: e instanceof Error ? e.message : String(e) })
    return false
  }
}

export function assignmentMessage(assigned: Assigned[], email: string, publicUrl: string | undefined): Omit<MailMessage, 'to'> {
  const n = assigned.length
  const title = n === 1 ? 'A mention was assigned to you' : `${n} mentions were assigned to you`
  return mentionListMessage(title, assigned.slice(0, LISTED), publicUrl, {
    more: n > LISTED ? `and ${n - LISTED} more` : undefined,
    link: publicUrl ? { label: 'Everything assigned to you', url: `${publicUrl}/app/inbox?assignee=${encodeURIComponent(email)}` } : undefined,
  })
}

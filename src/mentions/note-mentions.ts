// Naming a colleague in a note (`@dana`, or `@dana@acme.com`) e-mails them the
// note and the mention it is on, so a question to them does not wait for them
// to open the inbox. Colleagues are the workspace's single sign-on members
// (they have an address); `@dana` is whoever's address starts `dana@`, when
// only one member's does.
import type { Tx } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import type { Mailer, MailMessage } from '../mail/mailer.ts'
import { clip, mentionListMessage, type MailedMention } from '../mail/mention-lines.ts'

/** Notes told a tick; the rest wait for the next. */
const PER_TICK = 200

const HANDLE = /(?<![\w.@])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)/g

/** The names after an @ in a text, lower-cased, without a sentence's closing dot. */
export const namedHandles = (text: string): string[] => [...new Set([...text.matchAll(HANDLE)].map((m) => m[1].replace(/\.+$/, '').toLowerCase()))]

export interface NamedMember {
  id: string
  email: string
  name: string | null
}

/**
 * The members a note names and will be told about it: not disabled, not its
 * author. Recorded with the note, in its transaction.
 */
export async function recordNoteMentions(tx: Tx, workspaceId: string, noteId: string, body: string, authorId: string | null): Promise<NamedMember[]> {
  const handles = namedHandles(body)
  if (!handles.length) return []
  const members = await tx<NamedMember[]>`
    SELECT id, email, name FROM sso_members WHERE workspace_id = ${workspaceId} AND NOT disabled ORDER BY lower(email)`
  const local = (email: string) => email.slice(0, email.lastIndexOf('@')).toLowerCase()
  const named = members.filter((m) => {
    if (m.id === authorId) return false
    if (handles.includes(m.email.toLowerCase())) return true
    // A bare name names someone only when it names one person.
    return handles.includes(local(m.email)) && members.filter((o) => local(o.email) === local(m.email)).length === 1
  })
  if (named.length) {
    await tx`
      INSERT INTO note_mentions (note_id, member_id, workspace_id)
      SELECT ${noteId}, id, ${workspaceId} FROM unnest(${named.map((m) => m.id)}::uuid[]) AS id`
  }
  return named
}

interface Told extends MailedMention {
  email: string
}

/** Mails each colleague the notes that named them since the last tick; returns how many messages went out. */
export async function mailNoteMentions(deps: Deps): Promise<{ mailed: number }> {
  const mailer = deps.mail
  if (!mailer) return { mailed: 0 }
  const rows = await deps.sql<(Omit<Told, 'author' | 'note'> & { notedBy: string; note: string; authorName: string | null; authorHandle: string | null })[]>`
    WITH claimed AS (
      UPDATE note_mentions nm SET mailed_at = now()
      FROM (SELECT note_id, member_id FROM note_mentions WHERE mailed_at IS NULL LIMIT ${PER_TICK} FOR UPDATE SKIP LOCKED) due
      WHERE nm.note_id = due.note_id AND nm.member_id = due.member_id
      RETURNING nm.note_id, nm.member_id, nm.workspace_id)
    SELECT s.email, n.author AS "notedBy", n.body AS note, m.id, m.title, m.body AS text, m.url, m.kind AS "sourceKind",
           m.author_name AS "authorName", m.author_handle AS "authorHandle"
    FROM claimed c
    JOIN sso_members s ON s.id = c.member_id AND s.workspace_id = c.workspace_id AND NOT s.disabled
    JOIN mention_notes n ON n.id = c.note_id AND n.workspace_id = c.workspace_id
    JOIN mentions m ON m.id = n.mention_id AND m.workspace_id = n.workspace_id AND m.erased_at IS NULL
    ORDER BY s.email, n.created_at`
  const byMember = new Map<string, Told[]>()
  for (const { notedBy, note, authorName, authorHandle, ...r } of rows) {
    const told = { ...r, author: { name: authorName, handle: authorHandle }, note: `${notedBy}: “${clip(note, 500)}”` }
    byMember.set(r.email, [...(byMember.get(r.email) ?? []), told])
  }
  let mailed = 0
  for (const [email, notes] of byMember) if (await send(deps, mailer, email, notes)) mailed++
  return { mailed }
}

/** A message that fails is logged, not retried: its notes are marked told. */
async function send(deps: Deps, mailer: Mailer, email: string, notes: Told[]): Promise<boolean> {
  try {
    await mailer.send({ ...noteMentionMessage(notes, deps.config.publicUrl), to: email })
    return true
  } catch (e) {
    deps.logger.warn('note mention e-mail not sent', { to: email, err: e instanceof Error ? e.message : String(e) })
    return false
  }
}

export const noteMentionMessage = (notes: Told[], publicUrl: string | undefined): Omit<MailMessage, 'to'> =>
  mentionListMessage(notes.length === 1 ? 'You were named in a note' : `You were named in ${notes.length} notes`, notes, publicUrl)

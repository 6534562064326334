// One mention with everything a triager looks at: its customer, tickets,
// notes, history and the other copies grouped under it.
import type { Deps } from '../deps.ts'
import type { Sql, Tx } from '../db/sql.ts'
import { listAudit, type AuditRecord } from '../audit/audit.ts'
import { notFound } from '../errors.ts'
import { listTranslations, type Translation } from '../translate/stored.ts'
import { listReplies, replyBlocker, type Reply } from './replies.ts'
import { mentionColumns, toMention, type Mention, type MentionRow } from './shape.ts'

export interface CustomerBrief {
  id: string
  name: string | null
  email: string | null
  company: string | null
  plan: string | null
  value: number | null
}

export interface MentionDetail extends Mention {
  customer: CustomerBrief | null
  tickets: { id: string; title: string; status: string; linkId: string }[]
  notes: { id: string; author: string; body: string; createdAt: Date }[]
  replies: Reply[]
  /** Machine translations of its current text, made on request. */
  translations: Translation[]
  /** Why a reply cannot be posted from earshot, or null when it can. */
  replyUnavailable: string | null
  history: AuditRecord[]
  duplicates: { id: string; sourceId: string; url: string | null; publishedAt: Date }[]
  priorityComponents: Record<string, unknown>
  explanation: Record<string, unknown>
}

/** The mention row of this workspace, or 404. */
export async function loadMention(sql: Sql | Tx, workspaceId: string, id: string): Promise<Mention> {
  const [row]: [MentionRow?] = await sql`SELECT ${mentionColumns(sql)} FROM mentions m WHERE m.workspace_id = ${workspaceId} AND m.id = ${id}`
  if (!row) throw notFound('mention')
  return toMention(row)
}

export async function getMention(deps: Deps, workspaceId: string, id: string): Promise<MentionDetail> {
  const { sql } = deps
  const mention = await loadMention(sql, workspaceId, id)
  const [customer, tickets, notes, replies, translations, history, duplicates, extra] = await Promise.all([
    mention.customerId
      ? sql<CustomerBrief[]>`
          SELECT id, name, email, company, plan, value FROM customers WHERE workspace_id = ${workspaceId} AND id = ${mention.customerId}`
      : Promise.resolve([] as CustomerBrief[]),
    sql<MentionDetail['tickets']>`
      SELECT t.id, t.title, t.status, l.id AS "linkId" FROM ticket_links l JOIN tickets t ON t.id = l.ticket_id
      WHERE l.workspace_id = ${workspaceId} AND l.mention_id = ${id} ORDER BY l.created_at`,
    listNotes(sql, workspaceId, id),
    listReplies(sql, workspaceId, id),
    listTranslations(sql, workspaceId, { kind: 'mention' }, [id]).then((byId) => byId.get(id) ?? []),
    listAudit(sql, workspaceId, 'mention', id),
    sql<MentionDetail['duplicates']>`
      SELECT id, source_id AS "sourceId", url, published_at AS "publishedAt" FROM mentions
      WHERE workspace_id = ${workspaceId} AND duplicate_of = ${id} ORDER BY published_at LIMIT 100`,
    sql<{ priorityComponents: Record<string, unknown>; explanation: Record<string, unknown>; sourceConfig: Record<string, unknown> }[]>`
      SELECT m.priority_components AS "priorityComponents", m.explanation, s.config AS "sourceConfig"
      FROM mentions m JOIN sources s ON s.id = m.source_id AND s.workspace_id = m.workspace_id
      WHERE m.workspace_id = ${workspaceId} AND m.id = ${id}`,
  ])
  return {
    ...mention,
    customer: customer[0] ?? null,
    tickets,
    notes,
    replies,
    translations,
    replyUnavailable: replyBlocker(mention.kind, extra[0]?.sourceConfig ?? {}, mention.erased),
    history,
    duplicates,
    priorityComponents: extra[0]?.priorityComponents ?? {},
    explanation: extra[0]?.explanation ?? {},
  }
}

export async function listNotes(sql: Sql | Tx, workspaceId: string, mentionId: string): Promise<MentionDetail['notes']> {
  return sql<MentionDetail['notes']>`
    SELECT id, author, body, created_at AS "createdAt" FROM mention_notes
    WHERE workspace_id = ${workspaceId} AND mention_id = ${mentionId} ORDER BY created_at, id`
}

export async function getMentionHistory(deps: Deps, workspaceId: string, id: string): Promise<AuditRecord[]> {
  await loadMention(deps.sql, workspaceId, id)
  return listAudit(deps.sql, workspaceId, 'mention', id)
}

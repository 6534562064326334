// Spam protection: a new mention whose spam score reaches the workspace's
// `spamThreshold`, or whose author the workspace blocked on that platform,
// is stored as `spam`: out of the inbox, past rules, alerts and webhooks,
// in the Spam view for anyone who wants to look. Blocking an author also
// moves what they still have waiting there.
import { z } from '@hono/zod-openapi'
import { actorName, SYSTEM, writeAudit, type Actor } from '../audit/audit.ts'
import type { Sql, Tx } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import { AuthorOnPlatform } from '../customers/privacy.ts'
import { notFound } from '../errors.ts'
import { announceMentions } from '../webhooks/announce.ts'
import { OPEN_STATUSES } from './filter.ts'
import { applyAction } from './update.ts'

/** A mention just stored, as ingestion knows it. */
export interface StoredMention {
  id: string
  author_kind: string | null
  author_key: string | null
  spam_score: number
}

/**
 * Marks the new mentions spam where their score reaches `threshold` (null:
 * scores decide nothing) or their author is blocked; returns the ids it
 * marked. In the ingesting transaction, before rules and alerts see them.
 * Most batches hold neither: then it costs one look-up of blocked authors.
 */
export async function filterSpam(tx: Tx, workspaceId: string, mentions: StoredMention[], threshold: number | null): Promise<Set<string>> {
  const authored = mentions.filter((m) => m.author_kind !== null && m.author_key !== null)
  const blocked = authored.length
    ? await tx<{ kind: string; key: string }[]>`
        SELECT author_kind AS kind, author_key AS key FROM blocked_authors
        WHERE workspace_id = ${workspaceId}
          AND (author_kind, author_key) IN (SELECT * FROM unnest(${authored.map((m) => m.author_kind!)}::text[], ${authored.map((m) => m.author_key!)}::text[]))`
    : []
  const isBlocked = new Set(blocked.map((b) => `${b.kind}\u0000${b.key}`))
  const caught = mentions.flatMap((m) => {
    const byAuthor = isBlocked.has(`${m.author_kind}\u0000${m.author_key}`)
    return byAuthor || (threshold !== null && m.spam_score >= threshold) ? [{ id: m.id, byAuthor, score: m.spam_score }] : []
  })
  if (caught.length === 0) return new Set()
  const ids = caught.map((m) => m.id)
  await tx`UPDATE mentions SET status = 'spam', updated_at = now() WHERE workspace_id = ${workspaceId} AND id = ANY(${ids}::uuid[])`
  await writeAudit(tx, workspaceId, SYSTEM, caught.map((m) => ({
    entity: 'mention' as const,
    entityId: m.id,
    action: 'filtered_as_spam',
    changes: { status: { from: 'new', to: 'spam' }, ...(m.byAuthor ? { blockedAuthor: true } : { spamScore: m.score }) },
  })))
  return new Set(ids)
}

export const AuthorBlock = AuthorOnPlatform.openapi('AuthorBlock')
export type AuthorBlock = AuthorOnPlatform

export const BlockedAuthor = z
  .object({ id: z.uuid(), platform: z.string(), handle: z.string(), blockedBy: z.string(), createdAt: z.date() })
  .openapi('BlockedAuthor')
export type BlockedAuthor = z.infer<typeof BlockedAuthor>

const columns = (sql: Sql | Tx) => sql`id, author_kind AS platform, handle, blocked_by AS "blockedBy", created_at AS "createdAt"`

/**
 * Blocks an author on a platform: their new mentions come in as spam, and
 * what they have waiting in the inbox (new, open, in progress, snoozed)
 * becomes spam now, with `mention.updated` to webhooks. Blocking again is
 * harmless.
 */
export async function blockAuthor(deps: Deps, workspaceId: string, author: AuthorBlock, actor: Actor): Promise<{ author: BlockedAuthor; marked: number }> {
  return deps.sql.begin(async (tx) => {
    await tx`
      INSERT INTO blocked_authors (workspace_id, author_kind, author_key, handle, blocked_by)
      VALUES (${workspaceId}, ${author.platform}, earshot_handle_key(${author.handle}), ${author.handle}, ${actorName(tx, workspaceId, actor)})
      ON CONFLICT (workspace_id, author_kind, author_key) DO NOTHING`
    const [row]: [BlockedAuthor] = await tx`
      SELECT ${columns(tx)} FROM blocked_authors
      WHERE workspace_id = ${workspaceId} AND author_kind = ${author.platform} AND author_key = earshot_handle_key(${author.handle})`
    const waiting = await tx<{ id: string }[]>`
      SELECT id FROM mentions
      WHERE workspace_id = ${workspaceId} AND author_kind = ${author.platform} AND author_key = earshot_handle_key(${author.handle})
        AND status IN ${tx([...OPEN_STATUSES, 'snoozed'])} AND duplicate_of IS NULL`
    const updated = waiting.length ? await applyAction(tx, workspaceId, actor, waiting.map((m) => m.id), { status: 'spam' }) : []
    await announceMentions(tx, workspaceId, 'mention.updated', updated)
    return { author: row, marked: updated.length }
  })
}

/** The author of one mention, as the inbox offers it; undefined when the mention has no author left. */
export async function blockAuthorOf(deps: Deps, workspaceId: string, mentionId: string, actor: Actor) {
  const [author]: [AuthorBlock?] = await deps.sql`
    SELECT author_kind AS platform, author_handle AS handle FROM mentions
    WHERE workspace_id = ${workspaceId} AND id = ${mentionId} AND author_handle IS NOT NULL AND author_kind IS NOT NULL`
  return author && blockAuthor(deps, workspaceId, author, actor)
}

export async function listBlockedAuthors(sql: Sql, workspaceId: string): Promise<BlockedAuthor[]> {
  return sql<BlockedAuthor[]>`SELECT ${columns(sql)} FROM blocked_authors WHERE workspace_id = ${workspaceId} ORDER BY created_at DESC, id`
}

/** Their new mentions come in as any other's again; what was marked spam stays so until someone says otherwise. */
export async function unblockAuthor(sql: Sql, workspaceId: string, id: string): Promise<BlockedAuthor> {
  const [row]: [BlockedAuthor?] = await sql`DELETE FROM blocked_authors WHERE workspace_id = ${workspaceId} AND id = ${id} RETURNING ${columns(sql)}`
  if (!row) throw notFound('blocked author')
  return row
}

// Saved replies: a team's answers to what people keep asking ("thanks, we're
// on it", "here is how to export"), filled in for one mention and then edited
// and posted by a person. Never posted on their own.
import { z } from '@hono/zod-openapi'
import { actorName, type Actor } from '../audit/audit.ts'
import { isUniqueViolation } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import { enrich } from '../enrich/index.ts'
import { conflict, notFound } from '../errors.ts'
import { REPLY_MAX_CHARS } from './replies.ts'
import type { Mention } from './shape.ts'

/** What a saved reply can name, filled in from the mention it answers. */
const PLACEHOLDERS = {
  /** The author's display name, else their handle. */
  name: (m: Mention) => m.author.name || m.author.handle || '',
  /** The author's handle as the platform writes it (`@dana`). */
  author: (m: Mention) => (m.author.handle ? `@${m.author.handle.replace(/^@/, '')}` : ''),
  /** Where it was said: github, mastodon, … */
  source: (m: Mention) => m.kind,
} as const
const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g

// Own keys only: `in` would also accept `{{toString}}` and `{{constructor}}` from Object's prototype.
const isPlaceholder = (key: string): key is keyof typeof PLACEHOLDERS => Object.hasOwn(PLACEHOLDERS, key)
const unknownPlaceholders = (body: string) => [...body.matchAll(PLACEHOLDER)].map((p) => p[1]).filter((p) => !isPlaceholder(p))

const Body = z
  .string()
  .trim()
  .min(1)
  .max(REPLY_MAX_CHARS)
  .refine((b) => unknownPlaceholders(b).length === 0, {
    error: (issue) => `unknown placeholder ${unknownPlaceholders(String(issue.input)).map((p) => `{{${p}}}`).join(', ')}; use ${Object.keys(PLACEHOLDERS).map((p) => `{{${p}}}`).join(', ')}`,
  })
export const SavedReplyInput = z.strictObject({ name: z.string().trim().min(1).max(100), body: Body })
export const SavedReplyPatch = SavedReplyInput.partial().refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' })

export const SavedReplySchema = z
  .object({ id: z.uuid(), name: z.string(), body: z.string(), createdBy: z.string(), createdAt: z.date(), updatedAt: z.date() })
  .openapi('SavedReply')
export type SavedReply = z.infer<typeof SavedReplySchema>

const columns = (sql: Deps['sql']) => sql`id, name, body, created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"`
const nameTaken = (name: string) => conflict(`a saved reply named "${name}" exists`)

/**
 * Saved replies for this mention, those written in its language first: a team
 * that keeps answers in several languages sees the Russian ones first under a
 * Russian review. The order is otherwise kept.
 */
export function inLanguageFirst(replies: SavedReply[], lang: string): SavedReply[] {
  // The placeholders say nothing about the language; the rest of the text does.
  const langOf = (body: string) => enrich({ text: body.replace(PLACEHOLDER, ' '), kind: 'saved_reply' }).lang
  const same = new Set(replies.filter((r) => langOf(r.body) === lang).map((r) => r.id))
  return [...replies.filter((r) => same.has(r.id)), ...replies.filter((r) => !same.has(r.id))]
}

/** The saved reply's text for this mention, placeholders filled in. */
export const fillSavedReply = (body: string, mention: Mention) =>
  body.replace(PLACEHOLDER, (whole, key: string) => (isPlaceholder(key) ? PLACEHOLDERS[key](mention) : whole))

export async function createSavedReply(deps: Deps, workspaceId: string, input: z.infer<typeof SavedReplyInput>, actor: Actor): Promise<SavedReply> {
  const { sql } = deps
  const [row]: [SavedReply?] = await sql`
    INSERT INTO saved_replies (workspace_id, name, body, created_by)
    VALUES (${workspaceId}, ${input.name}, ${input.body}, ${actorName(sql, workspaceId, actor)})
    ON CONFLICT (workspace_id, name) DO NOTHING
    RETURNING ${columns(sql)}`
  if (!row) throw nameTaken(input.name)
  return row
}

export async function listSavedReplies(deps: Deps, workspaceId: string): Promise<SavedReply[]> {
  return deps.sql<SavedReply[]>`SELECT ${columns(deps.sql)} FROM saved_replies WHERE workspace_id = ${workspaceId} ORDER BY lower(name), id`
}

export async function getSavedReply(deps: Deps, workspaceId: string, id: string): Promise<SavedReply> {
  const [row]: [SavedReply?] = await deps.sql`SELECT ${columns(deps.sql)} FROM saved_replies WHERE workspace_id = ${workspaceId} AND id = ${id}`
  if (!row) throw notFound('saved reply')
  return row
}

export async function updateSavedReply(deps: Deps, workspaceId: string, id: string, patch: z.infer<typeof SavedReplyPatch>): Promise<SavedReply> {
  const { sql } = deps
  try {
    const [row]: [SavedReply?] = await sql`
      UPDATE saved_replies SET name = coalesce(${patch.name ?? null}, name), body = coalesce(${patch.body ?? null}, body), updated_at = now()
      WHERE workspace_id = ${workspaceId} AND id = ${id}
      RETURNING ${columns(sql)}`
    if (!row) throw notFound('saved reply')
    return row
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(patch.name ?? '')
    throw err
  }
}

export async function deleteSavedReply(deps: Deps, workspaceId: string, id: string): Promise<void> {
  const rows = await deps.sql`DELETE FROM saved_replies WHERE workspace_id = ${workspaceId} AND id = ${id} RETURNING id`
  if (rows.length === 0) throw notFound('saved reply')
}

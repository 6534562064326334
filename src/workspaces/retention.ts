// Storage limitation: a workspace that sets `retentionDays` keeps personal data
// that long. What grew older is erased as a customer's erasure erases it: the
// rows stay, so reports, trends and scores keep their numbers, and a post seen
// again at its source is still known and not stored anew.
import { z } from '@hono/zod-openapi'
import { SYSTEM, writeAudit } from '../audit/audit.ts'
import { eraseMentions, eraseResponses } from '../customers/privacy.ts'
import type { Sql, Tx } from '../db/sql.ts'
import type { Deps } from '../deps.ts'

/** Rows of each kind erased per workspace and tick; a backlog (the day the setting is turned on) drains over ticks. */
const BATCH = 1000

export const RetentionCounts = z
  .object({ mentions: z.number().int(), surveyResponses: z.number().int(), surveyInvitations: z.number().int() })
  .openapi('RetentionCounts')
export type RetentionCounts = z.infer<typeof RetentionCounts>

// What is older than `before` and still holds personal data, per kind: the job erases these, the preview counts them.
const oldMentions = (sql: Sql | Tx, workspaceId: string, before: Date) =>
  sql`FROM mentions WHERE workspace_id = ${workspaceId} AND erased_at IS NULL AND published_at < ${before}`
const oldResponses = (sql: Sql | Tx, workspaceId: string, before: Date) => sql`
  FROM survey_responses WHERE workspace_id = ${workspaceId} AND responded_at < ${before}
    AND (comment IS NOT NULL OR email IS NOT NULL OR respondent IS NOT NULL OR page IS NOT NULL OR customer_id IS NOT NULL
      OR properties IS NOT NULL)`
// An invitation is its address (one still owed a reminder waits for it); unsubscribes are kept apart, so nobody who said
// no is mailed again.
const oldInvitations = (sql: Sql | Tx, workspaceId: string, before: Date) => sql`
  FROM survey_sends WHERE workspace_id = ${workspaceId} AND created_at < ${before} AND status IN ('sent', 'failed') AND remind_at IS NULL`

const cutoff = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000)

/** What a retention of `days` would erase now: shown before anyone turns it on or shortens it. */
export async function retentionPreview(sql: Sql, workspaceId: string, days: number, now: Date): Promise<RetentionCounts> {
  const before = cutoff(now, days)
  const [row] = await sql<RetentionCounts[]>`
    SELECT (SELECT count(*)::int ${oldMentions(sql, workspaceId, before)}) AS mentions,
           (SELECT count(*)::int ${oldResponses(sql, workspaceId, before)}) AS "surveyResponses",
           (SELECT count(*)::int ${oldInvitations(sql, workspaceId, before)}) AS "surveyInvitations"`
  return row
}

/**
 * Tick job: in each workspace with a retention, erases mentions published,
 * survey answers given and invitations made more than `retentionDays` ago.
 * Any instance may run it; concurrent ones skip each other's rows.
 */
export async function expirePersonalData(deps: Deps, now: Date): Promise<RetentionCounts> {
  const workspaces = await deps.sql<{ id: string; days: number }[]>`
    SELECT id, (settings ->> 'retentionDays')::int AS days FROM workspaces WHERE settings ->> 'retentionDays' IS NOT NULL`
  const total: RetentionCounts = { mentions: 0, surveyResponses: 0, surveyInvitations: 0 }
  for (const ws of workspaces) {
    const before = cutoff(now, ws.days)
    await deps.sql.begin(async (tx) => {
      const mentions = await eraseMentions(tx, ws.id, tx`id IN (
        SELECT id ${oldMentions(tx, ws.id, before)} ORDER BY published_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`, 'retention')
      const responses = await eraseResponses(tx, ws.id, tx`id IN (
        SELECT id ${oldResponses(tx, ws.id, before)} ORDER BY responded_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`, 'retention')
      const invitations = await tx`
        DELETE FROM survey_sends WHERE id IN (SELECT id ${oldInvitations(tx, ws.id, before)} ORDER BY created_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`
      // Nobody can act on a mention without its words: one still waiting for attention is set aside (`ignored`), so the
      // inbox does not fill with empty rows.
      const setAside = await tx<{ id: string; from: string }[]>`
        UPDATE mentions m SET status = 'ignored', snoozed_until = NULL
        FROM (SELECT id, status FROM mentions WHERE id = ANY(${mentions}::uuid[]) AND status IN ('new', 'open', 'in_progress', 'snoozed')) old
        WHERE m.id = old.id
        RETURNING m.id, old.status AS from`
      const was = new Map(setAside.map((r) => [r.id, r.from]))
      await writeAudit(tx, ws.id, SYSTEM, mentions.map((id) => ({
        entity: 'mention' as const, entityId: id, action: 'retention_erased',
        changes: { retentionDays: ws.days, ...(was.has(id) ? { status: { from: was.get(id), to: 'ignored' } } : {}) },
      })))
      total.mentions += mentions.length
      total.surveyResponses += responses.length
      total.surveyInvitations += invitations.count
    })
  }
  return total
}

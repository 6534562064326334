import { SYSTEM, writeAudit } from '../audit/audit.ts'
import type { Deps } from '../deps.ts'
import { announceMentions } from '../webhooks/announce.ts'

/** Mentions woken per tick; a larger backlog (say, after downtime) wakes over the next ticks. */
const WAKE_BATCH = 1000

/**
 * Reopens the snoozed mentions whose time has come: status `open` again, a
 * `snooze_ended` entry in each history and `mention.updated` to webhooks. A
 * tick job: any instance may run it, and concurrent ones skip each other's rows.
 */
export async function wakeSnoozedMentions(deps: Deps, now: Date): Promise<number> {
  return deps.sql.begin(async (tx) => {
    const woken = await tx<{ id: string; workspaceId: string; snoozedUntil: Date }[]>`
      WITH due AS (
        SELECT id, snoozed_until FROM mentions WHERE status = 'snoozed' AND snoozed_until <= ${now}
        ORDER BY snoozed_until LIMIT ${WAKE_BATCH} FOR UPDATE SKIP LOCKED)
      UPDATE mentions m SET status = 'open', snoozed_until = NULL, updated_at = now()
      FROM due WHERE m.id = due.id
      RETURNING m.id, m.workspace_id AS "workspaceId", due.snoozed_until AS "snoozedUntil"`
    const byWorkspace = new Map<string, { id: string; snoozedUntil: Date }[]>()
    for (const w of woken) byWorkspace.set(w.workspaceId, [...(byWorkspace.get(w.workspaceId) ?? []), w])
    for (const [workspaceId, rows] of byWorkspace) {
      await writeAudit(tx, workspaceId, SYSTEM, rows.map((r) => ({
        entity: 'mention' as const, entityId: r.id, action: 'snooze_ended',
        changes: { status: { from: 'snoozed', to: 'open' }, snoozedUntil: { from: r.snoozedUntil, to: null } },
      })))
      await announceMentions(tx, workspaceId, 'mention.updated', rows.map((r) => r.id))
    }
    return woken.length
  })
}

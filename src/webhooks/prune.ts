import type { Deps } from '../deps.ts'

/** How long delivered and failed deliveries stay in the delivery log. */
export const KEEP_FINISHED_DAYS = 30
// The shortest retention a workspace may set: nothing younger is ever pruned, which bounds the scan.
const SHORTEST_RETENTION_DAYS = 7
// Bounded per run so one tick never holds a long delete; a backlog drains over a few ticks.
const BATCH = 5000

/**
 * Tick job: drops finished deliveries (and their attempts) older than the log's retention, or than the workspace's
 * `retentionDays` when that is shorter: a delivery's body holds what was said and who said it. Pending ones are never
 * touched.
 */
export async function pruneDeliveries(deps: Deps): Promise<number> {
  const now = deps.clock()
  const rows = await deps.sql`
    DELETE FROM webhook_deliveries WHERE id IN (
      SELECT d.id FROM webhook_deliveries d JOIN workspaces w ON w.id = d.workspace_id
      WHERE d.status <> 'pending' AND d.created_at < ${new Date(now.getTime() - SHORTEST_RETENTION_DAYS * 86_400_000)}
        AND d.created_at < ${now}::timestamptz - make_interval(days => least(${KEEP_FINISHED_DAYS}, coalesce((w.settings ->> 'retentionDays')::int, ${KEEP_FINISHED_DAYS})))
      LIMIT ${BATCH})
    RETURNING id`
  return rows.length
}

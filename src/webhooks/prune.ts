import type { Deps } from '../deps.ts'

/** How long delivered and failed deliveries stay in the delivery log. */
export const KEEP_FINISHED_DAYS = 30
// Bounded per run so one tick never holds a long delete; a backlog drains over a few ticks.
const BATCH = 5000

/** Tick job: drops finished deliveries (and their attempts) older than the retention. Pending ones are never touched. */
export async function pruneDeliveries(deps: Deps): Promise<number> {
  const before = new Date(deps.clock().getTime() - KEEP_FINISHED_DAYS * 86_400_000)
  const rows = await deps.sql`
    DELETE FROM webhook_deliveries WHERE id IN (
      SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND created_at < ${before} LIMIT ${BATCH})
    RETURNING id`
  return rows.length
}

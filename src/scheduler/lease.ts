import type { Deps } from '../deps.ts'
import { conflict, notFound } from '../errors.ts'
import type { SourceRow } from '../sources/source.ts'
import { LEASE_MS } from './run-source.ts'

/**
 * Leases up to `limit` due sources across all workspaces (the scheduler
 * serves every tenant). SKIP LOCKED lets concurrent tickers pass over rows
 * another is leasing; the expiry hands a crashed instance's sources on.
 */
export async function leaseDueSources(deps: Deps, owner: string, limit: number): Promise<SourceRow[]> {
  const now = deps.clock()
  return deps.sql<SourceRow[]>`
    UPDATE sources s SET lease_owner = ${owner}, lease_expires_at = ${new Date(now.getTime() + LEASE_MS)}
    FROM (
      SELECT id FROM sources
      WHERE enabled AND disabled_reason IS NULL AND next_run_at <= ${now}
        AND (lease_expires_at IS NULL OR lease_expires_at <= ${now})
      ORDER BY next_run_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE s.id = due.id
    RETURNING s.*`
}

/** Leases one source for an on-demand run, or 409 while another run holds it. */
export async function leaseSource(deps: Deps, workspaceId: string, id: string, owner: string): Promise<SourceRow> {
  const now = deps.clock()
  const [row]: [SourceRow?] = await deps.sql`
    UPDATE sources SET lease_owner = ${owner}, lease_expires_at = ${new Date(now.getTime() + LEASE_MS)}
    WHERE id = ${id} AND workspace_id = ${workspaceId} AND (lease_expires_at IS NULL OR lease_expires_at <= ${now})
    RETURNING *`
  if (row) return row
  const [exists] = await deps.sql`SELECT 1 FROM sources WHERE id = ${id} AND workspace_id = ${workspaceId}`
  throw exists ? conflict('this source is running right now') : notFound('source')
}

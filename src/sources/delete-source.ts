import type { Deps } from '../deps.ts'
import { findSourceRow } from './find-sources.ts'

/** Deletes a source with its runs and mentions (foreign keys cascade). */
export async function deleteSource(deps: Deps, workspaceId: string, id: string): Promise<void> {
  const rows = await deps.sql`DELETE FROM sources WHERE id = ${id} AND workspace_id = ${workspaceId} RETURNING id`
  if (rows.length === 0) await findSourceRow(deps, workspaceId, id)
}

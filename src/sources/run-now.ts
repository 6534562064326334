import { findConnector } from '../../connectors/registry.ts'
import type { Deps } from '../deps.ts'
import { badRequest, conflict } from '../errors.ts'
import { createSourceHttpClient } from '../scheduler/http.ts'
import { leaseSource } from '../scheduler/lease.ts'
import { runSource, toSourceRun, type RunRow, type SourceRun } from '../scheduler/run-source.ts'
import { findSourceRow } from './find-sources.ts'

/** Runs a source now, outside its schedule, under the same lease as the scheduler so the two never overlap. */
export async function runSourceNow(deps: Deps, workspaceId: string, id: string): Promise<SourceRun> {
  const current = await findSourceRow(deps, workspaceId, id)
  if (!findConnector(current.kind)?.polled(current.config)) throw badRequest(`this ${current.kind} source is push-only; its mentions arrive by push, there is nothing to poll`)
  const owner = `run-now:${crypto.randomUUID()}`
  const source = await leaseSource(deps, workspaceId, id, owner)
  const run = await runSource(deps, source, { owner, http: createSourceHttpClient(deps) })
  if (!run) throw conflict('the source changed while running; try again')
  return run
}

/** A source's most recent runs, newest first. */
export async function listRuns(deps: Deps, workspaceId: string, sourceId: string, limit: number): Promise<SourceRun[]> {
  await findSourceRow(deps, workspaceId, sourceId)
  const rows = await deps.sql<RunRow[]>`
    SELECT * FROM source_runs WHERE workspace_id = ${workspaceId} AND source_id = ${sourceId}
    ORDER BY started_at DESC, id DESC LIMIT ${limit}`
  return rows.map(toSourceRun)
}

// Saved views: a named filter a team shares ("negative, unassigned, last 24h").
// Relative times stay relative, so a view never goes stale.
import type postgres from 'postgres'
import type { Deps } from '../deps.ts'
import { actorName, writeAudit, type Actor } from '../audit/audit.ts'
import { conflict, notFound } from '../errors.ts'
import type { MentionFilter } from './filter.ts'
import type { MentionSort } from './list.ts'

export interface SavedView {
  id: string
  name: string
  filter: MentionFilter
  sort: MentionSort
  createdBy: string
  createdAt: Date
}

const columns = (sql: Deps['sql']) => sql`id, name, filter, sort, created_by AS "createdBy", created_at AS "createdAt"`

export async function createView(deps: Deps, workspaceId: string, input: { name: string; filter: MentionFilter; sort: MentionSort }, actor: Actor): Promise<SavedView> {
  const { sql } = deps
  return sql.begin(async (tx) => {
    const [view]: [SavedView?] = await tx`
      INSERT INTO saved_views (workspace_id, name, filter, sort, created_by)
      VALUES (${workspaceId}, ${input.name}, ${tx.json(input.filter as postgres.JSONValue)}, ${input.sort},
              ${actorName(tx, workspaceId, actor)})
      ON CONFLICT (workspace_id, name) DO NOTHING
      RETURNING ${columns(sql)}`
    if (!view) throw conflict(`a view named "${input.name}" exists`)
    await writeAudit(tx, workspaceId, actor, [{ entity: 'view', entityId: view.id, action: 'created', changes: { name: input.name } }])
    return view
  })
}

export async function listViews(deps: Deps, workspaceId: string): Promise<SavedView[]> {
  return deps.sql<SavedView[]>`SELECT ${columns(deps.sql)} FROM saved_views WHERE workspace_id = ${workspaceId} ORDER BY lower(name), id`
}

export async function getView(deps: Deps, workspaceId: string, id: string): Promise<SavedView> {
  const [view]: [SavedView?] = await deps.sql`SELECT ${columns(deps.sql)} FROM saved_views WHERE workspace_id = ${workspaceId} AND id = ${id}`
  if (!view) throw notFound('view')
  return view
}

export async function deleteView(deps: Deps, workspaceId: string, id: string, actor: Actor): Promise<void> {
  await deps.sql.begin(async (tx) => {
    const rows = await tx`DELETE FROM saved_views WHERE workspace_id = ${workspaceId} AND id = ${id} RETURNING name`
    if (rows.length === 0) throw notFound('view')
    await writeAudit(tx, workspaceId, actor, [{ entity: 'view', entityId: id, action: 'deleted', changes: { name: rows[0].name } }])
  })
}

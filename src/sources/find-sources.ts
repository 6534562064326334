import type { Deps } from '../deps.ts'
import { notFound } from '../errors.ts'
import { decodeCursor, encodeCursor } from '../http/pagination.ts'
import { z } from 'zod'
import { toSourceView, type SourceRow, type SourceView } from './source.ts'

/** The stored row, or 404: another workspace's ids answer like missing ones. */
export async function findSourceRow(deps: Deps, workspaceId: string, id: string): Promise<SourceRow> {
  const [row]: [SourceRow?] = await deps.sql`SELECT * FROM sources WHERE id = ${id} AND workspace_id = ${workspaceId}`
  if (!row) throw notFound('source')
  return row
}

export async function getSource(deps: Deps, workspaceId: string, id: string): Promise<SourceView> {
  return toSourceView(await findSourceRow(deps, workspaceId, id))
}

const PageKey = z.object({ c: z.iso.datetime(), i: z.uuid() })

export async function listSources(deps: Deps, workspaceId: string, page: { cursor?: string; limit: number }) {
  const after = page.cursor ? decodeCursor(page.cursor, PageKey) : undefined
  const rows: SourceRow[] = await deps.sql`
    SELECT * FROM sources
    WHERE workspace_id = ${workspaceId}
      ${after ? deps.sql`AND (created_at, id) < (${new Date(after.c)}, ${after.i})` : deps.sql``}
    ORDER BY created_at DESC, id DESC
    LIMIT ${page.limit + 1}`
  const items = rows.slice(0, page.limit).map(toSourceView)
  const last = rows.length > page.limit ? rows[page.limit - 1] : undefined
  return { items, nextCursor: last ? encodeCursor({ c: last.created_at.toISOString(), i: last.id }) : null }
}

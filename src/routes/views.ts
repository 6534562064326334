import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../http/types.ts'
import { MentionFilter } from '../mentions/filter.ts'
import { MENTION_SORTS } from '../mentions/list.ts'
import { createView, deleteView, getView, listViews } from '../mentions/views.ts'

const actorOf = (c: { var: { principal: { keyId: string } } }) => ({ keyId: c.var.principal.keyId })
const View = z
  .object({ id: z.uuid(), name: z.string(), filter: MentionFilter, sort: z.enum(MENTION_SORTS), createdBy: z.string(), createdAt: z.date() })
  .openapi('SavedView')
const NewView = z.strictObject({ name: z.string().trim().min(1).max(100), filter: MentionFilter, sort: z.enum(MENTION_SORTS).default('priority') })

export const viewsRouter = createRouter()
  .openapi(
    createRoute({
      method: 'post', path: '/', tags: ['Views'], summary: 'Save a named inbox filter for the team (the same filter the mention list takes)',
      middleware: [requireRole('agent')] as const,
      request: { body: jsonBody(NewView) },
      responses: { 201: jsonResponse('The view', View), 409: errorResponses[400], ...errorResponses },
    }),
    async (c) => c.json(await createView(c.var.deps, c.var.principal.workspaceId, c.req.valid('json'), actorOf(c)), 201),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/', tags: ['Views'], summary: 'Saved views, by name',
      responses: { 200: jsonResponse('Views', z.object({ items: z.array(View) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await listViews(c.var.deps, c.var.principal.workspaceId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}', tags: ['Views'], summary: 'One saved view',
      request: { params: IdParam },
      responses: { 200: jsonResponse('The view', View), ...errorResponses },
    }),
    async (c) => c.json(await getView(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/{id}', tags: ['Views'], summary: 'Delete a saved view',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteView(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, actorOf(c))
      return c.body(null, 204)
    },
  )

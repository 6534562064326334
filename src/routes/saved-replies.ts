import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { createRouter, ErrorSchema, errorResponses, IdParam, jsonBody, jsonResponse } from '../http/types.ts'
import {
  createSavedReply,
  deleteSavedReply,
  getSavedReply,
  listSavedReplies,
  SavedReplyInput,
  SavedReplyPatch,
  SavedReplySchema,
  updateSavedReply,
} from '../mentions/saved-replies.ts'

const actorOf = (c: { var: { principal: { keyId: string } } }) => ({ keyId: c.var.principal.keyId })
const nameTaken = { 409: jsonResponse('A saved reply with this name exists', ErrorSchema) }

export const savedRepliesRouter = createRouter()
  .openapi(
    createRoute({
      method: 'post', path: '/', tags: ['Saved replies'],
      summary: 'Save a reply the team keeps giving; {{name}}, {{author}} and {{source}} are filled in per mention',
      middleware: [requireRole('agent')] as const,
      request: { body: jsonBody(SavedReplyInput) },
      responses: { 201: jsonResponse('The saved reply', SavedReplySchema), ...nameTaken, ...errorResponses },
    }),
    async (c) => c.json(await createSavedReply(c.var.deps, c.var.principal.workspaceId, c.req.valid('json'), actorOf(c)), 201),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/', tags: ['Saved replies'], summary: 'Saved replies, by name',
      responses: { 200: jsonResponse('Saved replies', z.object({ items: z.array(SavedReplySchema) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await listSavedReplies(c.var.deps, c.var.principal.workspaceId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}', tags: ['Saved replies'], summary: 'One saved reply',
      request: { params: IdParam },
      responses: { 200: jsonResponse('The saved reply', SavedReplySchema), ...errorResponses },
    }),
    async (c) => c.json(await getSavedReply(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch', path: '/{id}', tags: ['Saved replies'], summary: 'Rename or reword a saved reply',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam, body: jsonBody(SavedReplyPatch) },
      responses: { 200: jsonResponse('The saved reply', SavedReplySchema), ...nameTaken, ...errorResponses },
    }),
    async (c) => c.json(await updateSavedReply(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/{id}', tags: ['Saved replies'], summary: 'Delete a saved reply',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteSavedReply(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )

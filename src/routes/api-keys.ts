import { createRoute, z } from '@hono/zod-openapi'
import { createApiKey, deleteApiKey, listApiKeys, NewApiKey } from '../auth/api-keys.ts'
import { ROLES } from '../auth/keys.ts'
import { requireRole } from '../auth/middleware.ts'
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../http/types.ts'

const ApiKey = z
  .object({ id: z.uuid(), name: z.string(), role: z.enum(ROLES), prefix: z.string(), createdAt: z.date(), lastUsedAt: z.date().nullable() })
  .openapi('ApiKey')

export const apiKeysRouter = createRouter()
  .openapi(
    createRoute({
      method: 'post', path: '/', tags: ['API keys'], summary: 'Create an API key (shown once)',
      middleware: [requireRole('admin')] as const,
      request: { body: jsonBody(NewApiKey) },
      responses: { 201: jsonResponse('The new key; `key` is never shown again', ApiKey.extend({ key: z.string() })), ...errorResponses },
    }),
    async (c) => {
      const key = await createApiKey(c.var.deps, c.var.principal.workspaceId, c.req.valid('json'))
      return c.json(key, 201)
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/', tags: ['API keys'], summary: 'List API keys (never the keys themselves)',
      middleware: [requireRole('admin')] as const,
      responses: { 200: jsonResponse('Keys', z.object({ items: z.array(ApiKey) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await listApiKeys(c.var.deps, c.var.principal.workspaceId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/{id}', tags: ['API keys'], summary: 'Revoke an API key',
      middleware: [requireRole('admin')] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'Revoked' }, ...errorResponses },
    }),
    async (c) => {
      await deleteApiKey(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )

import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { AuthorErasure, eraseAuthor } from '../customers/privacy.ts'
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../http/types.ts'

export const authorsRouter = createRouter().openapi(
  createRoute({
    method: 'post', path: '/erase', tags: ['Customers'],
    summary: 'Erase the text and author of everything one author said on one platform (right to erasure for someone who is no customer)',
    middleware: [requireRole('admin')] as const,
    request: { body: jsonBody(AuthorErasure) },
    responses: { 200: jsonResponse('Erased: what was anonymized', z.object({ erased: z.object({ mentions: z.number().int() }) })), ...errorResponses },
  }),
  async (c) => c.json(await eraseAuthor(c.var.deps, c.var.principal.workspaceId, c.req.valid('json'), { keyId: c.var.principal.keyId }), 200),
)

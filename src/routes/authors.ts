import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { AuthorErasure, eraseAuthor } from '../customers/privacy.ts'
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../http/types.ts'
import { AuthorBlock, blockAuthor, BlockedAuthor, listBlockedAuthors, unblockAuthor } from '../mentions/spam-filter.ts'

export const authorsRouter = createRouter()
  .openapi(
    createRoute({
      method: 'post', path: '/erase', tags: ['Customers'],
      summary: 'Erase the text and author of everything one author said on one platform (right to erasure for someone who is no customer)',
      middleware: [requireRole('admin')] as const,
      request: { body: jsonBody(AuthorErasure) },
      responses: { 200: jsonResponse('Erased: what was anonymized', z.object({ erased: z.object({ mentions: z.number().int() }) })), ...errorResponses },
    }),
    async (c) => c.json(await eraseAuthor(c.var.deps, c.var.principal.workspaceId, c.req.valid('json'), { keyId: c.var.principal.keyId }), 200),
  )
  .openapi(
    createRoute({
      method: 'post', path: '/block', tags: ['Mentions'],
      summary: 'Block an author on a platform: their new mentions come in as spam, and what they have waiting in the inbox becomes spam now',
      middleware: [requireRole('agent')] as const,
      request: { body: jsonBody(AuthorBlock) },
      responses: {
        200: jsonResponse('Blocked (again, if they were); `marked`: their waiting mentions now spam', z.object({ author: BlockedAuthor, marked: z.number().int() })),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await blockAuthor(c.var.deps, c.var.principal.workspaceId, c.req.valid('json'), { keyId: c.var.principal.keyId }), 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/blocked', tags: ['Mentions'], summary: 'The authors this workspace blocked, newest first',
      responses: { 200: jsonResponse('Blocked authors', z.object({ items: z.array(BlockedAuthor) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await listBlockedAuthors(c.var.deps.sql, c.var.principal.workspaceId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/blocked/{id}', tags: ['Mentions'],
      summary: 'Unblock an author: their new mentions come in as anyone\'s again (what was marked spam stays so)',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam },
      responses: { 200: jsonResponse('Unblocked', BlockedAuthor), ...errorResponses },
    }),
    async (c) => c.json(await unblockAuthor(c.var.deps.sql, c.var.principal.workspaceId, c.req.valid('param').id), 200),
  )

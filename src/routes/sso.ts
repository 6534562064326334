import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../http/types.ts'
import { deleteConnection, getConnection, saveConnection } from '../sso/connections.ts'
import { listMembers, updateMember } from '../sso/members.ts'
import { MemberPatch, SsoConnection, SsoInput, SsoMember } from '../sso/schema.ts'
import { requestOrigin } from '../web/request-origin.ts'

const tags = ['Single sign-on']
const workspaceOf = (c: { var: { principal: { workspaceId: string; workspaceName: string } } }) => ({
  id: c.var.principal.workspaceId,
  name: c.var.principal.workspaceName,
})

export const ssoRouter = createRouter()
  .openapi(
    createRoute({
      method: 'put', path: '/', tags, middleware: [requireRole('admin')] as const,
      summary: "Set up or change the workspace's OpenID Connect sign-in (client secret stored encrypted, never returned)",
      request: { body: jsonBody(SsoInput) },
      responses: { 200: jsonResponse('The connection, with the redirect URI to register at the provider', SsoConnection), 409: errorResponses[400], ...errorResponses },
    }),
    async (c) => c.json(await saveConnection(c.var.deps, workspaceOf(c), c.req.valid('json'), requestOrigin(c)), 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/', tags, middleware: [requireRole('admin')] as const, summary: "The workspace's single sign-on connection",
      responses: { 200: jsonResponse('The connection', SsoConnection), ...errorResponses },
    }),
    async (c) => c.json(await getConnection(c.var.deps, workspaceOf(c), requestOrigin(c)), 200),
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/', tags, middleware: [requireRole('admin')] as const, summary: 'Turn single sign-on off (members keep their history; their sessions end)',
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteConnection(c.var.deps, c.var.principal.workspaceId)
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/members', tags, middleware: [requireRole('admin')] as const, summary: 'People who have signed in through single sign-on',
      responses: { 200: jsonResponse('Members', z.object({ items: z.array(SsoMember) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await listMembers(c.var.deps, c.var.principal.workspaceId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'patch', path: '/members/{id}', tags, middleware: [requireRole('admin')] as const, summary: "Change a member's role, or turn them away (ends their sessions)",
      request: { params: IdParam, body: jsonBody(MemberPatch) },
      responses: { 200: jsonResponse('The member', SsoMember), ...errorResponses },
    }),
    async (c) => c.json(await updateMember(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json')), 200),
  )

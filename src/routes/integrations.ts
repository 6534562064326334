import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../http/types.ts'
import { createIntegration, deleteIntegration, getIntegration, listIntegrations, updateIntegration } from '../integrations/integrations.ts'
import { ExportRequest, ImportRequest, Integration, IntegrationPatch, NewIntegration, TrackerLink } from '../integrations/schema.ts'
import { exportTicket, importTicket } from '../integrations/sync.ts'

const tags = ['Integrations']
const trackerErrors = {
  409: errorResponses[400],
  422: { description: 'The tracker rejected the request', content: errorResponses[400].content },
  502: { description: 'The tracker is unreachable or refused the credentials', content: errorResponses[400].content },
}

export const integrationsRouter = createRouter()
  .openapi(
    createRoute({
      method: 'post', path: '/', tags, summary: 'Connect an issue tracker (token stored encrypted, never returned)',
      middleware: [requireRole('admin')] as const,
      request: { body: jsonBody(NewIntegration) },
      responses: { 201: jsonResponse('The integration', Integration), 409: errorResponses[400], ...errorResponses },
    }),
    async (c) => c.json(await createIntegration(c.var.deps, c.var.principal.workspaceId, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/', tags, summary: 'List integrations', middleware: [requireRole('admin')] as const,
      responses: { 200: jsonResponse('Integrations', z.object({ items: z.array(Integration) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await listIntegrations(c.var.deps, c.var.principal.workspaceId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}', tags, summary: 'Get an integration', middleware: [requireRole('admin')] as const,
      request: { params: IdParam },
      responses: { 200: jsonResponse('The integration', Integration), ...errorResponses },
    }),
    async (c) => c.json(await getIntegration(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch', path: '/{id}', tags, summary: 'Change an integration or rotate its token', middleware: [requireRole('admin')] as const,
      request: { params: IdParam, body: jsonBody(IntegrationPatch) },
      responses: { 200: jsonResponse('The integration', Integration), ...errorResponses },
    }),
    async (c) => c.json(await updateIntegration(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/{id}', tags, summary: 'Disconnect a tracker (its ticket links go too)', middleware: [requireRole('admin')] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteIntegration(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )

/** Ticket ↔ tracker routes, mounted under /v1/tickets next to the tickets API. */
export const ticketSyncRouter = createRouter()
  .openapi(
    createRoute({
      method: 'post', path: '/{id}/export', tags: ['Tickets'], summary: 'Create the ticket as an issue in GitHub, Linear or Jira, with the evidence',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam, body: jsonBody(ExportRequest) },
      responses: { 201: jsonResponse('The link to the new issue', TrackerLink), ...trackerErrors, ...errorResponses },
    }),
    async (c) => c.json(await exportTicket(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'post', path: '/import', tags: ['Tickets'], summary: 'Link an existing tracker issue by its URL (a new ticket unless ticketId is given)',
      middleware: [requireRole('agent')] as const,
      request: { body: jsonBody(ImportRequest) },
      responses: { 201: jsonResponse('The link', TrackerLink), ...trackerErrors, ...errorResponses },
    }),
    async (c) => c.json(await importTicket(c.var.deps, c.var.principal.workspaceId, c.req.valid('json')), 201),
  )

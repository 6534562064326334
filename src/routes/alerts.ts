import { createRoute, z } from '@hono/zod-openapi'
import { createAlert, deleteAlert, getAlert, listAlertEvents, listAlerts, updateAlert } from '../alerts/alerts.ts'
import { Alert, AlertEvent, AlertPatch, NewAlert } from '../alerts/schema.ts'
import { requireRole } from '../auth/middleware.ts'
import { PageQuery } from '../http/pagination.ts'
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../http/types.ts'

const tags = ['Alerts']

export const alertsRouter = createRouter()
  .openapi(
    createRoute({
      method: 'post', path: '/', tags, summary: 'Create an alert (spike, negative_share or match)',
      middleware: [requireRole('agent')] as const,
      request: { body: jsonBody(NewAlert) },
      responses: { 201: jsonResponse('The alert', Alert), ...errorResponses },
    }),
    async (c) => c.json(await createAlert(c.var.deps, c.var.principal.workspaceId, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/', tags, summary: 'List alerts',
      middleware: [requireRole('viewer')] as const,
      responses: { 200: jsonResponse('Alerts', z.object({ items: z.array(Alert) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await listAlerts(c.var.deps, c.var.principal.workspaceId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}', tags, summary: 'Get an alert with its latest evaluation',
      middleware: [requireRole('viewer')] as const,
      request: { params: IdParam },
      responses: { 200: jsonResponse('The alert', Alert), ...errorResponses },
    }),
    async (c) => c.json(await getAlert(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch', path: '/{id}', tags, summary: 'Change an alert',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam, body: jsonBody(AlertPatch) },
      responses: { 200: jsonResponse('The alert', Alert), ...errorResponses },
    }),
    async (c) => c.json(await updateAlert(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/{id}', tags, summary: 'Delete an alert and its history',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteAlert(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}/events', tags, summary: 'What the alert fired, newest first, each with its explanation',
      middleware: [requireRole('viewer')] as const,
      request: { params: IdParam, query: PageQuery },
      responses: { 200: jsonResponse('A page of events', z.object({ items: z.array(AlertEvent), nextCursor: z.string().nullable() })), ...errorResponses },
    }),
    async (c) => c.json(await listAlertEvents(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('query')), 200),
  )

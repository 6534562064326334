import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../http/types.ts'
import { PageQuery } from '../http/pagination.ts'
import { Delivery, DeliveryQuery, NewWebhook, Webhook, WebhookPatch } from '../webhooks/schema.ts'
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, redeliver, sendTestEvent, updateWebhook } from '../webhooks/webhooks.ts'

const tags = ['Webhooks']
const DeliveryParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  deliveryId: z.uuid().openapi({ param: { name: 'deliveryId', in: 'path' } }),
})

// Webhook URLs often embed a credential (Slack's do): admins only, reads included.
export const webhooksRouter = createRouter()
  .openapi(
    createRoute({
      method: 'post', path: '/', tags, summary: 'Create a webhook (its signing secret is shown once)',
      middleware: [requireRole('admin')] as const,
      request: { body: jsonBody(NewWebhook) },
      responses: { 201: jsonResponse('The webhook and its `whsec_` secret, never shown again', Webhook.extend({ secret: z.string() })), ...errorResponses },
    }),
    async (c) => c.json(await createWebhook(c.var.deps, c.var.principal.workspaceId, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/', tags, summary: 'List webhooks', middleware: [requireRole('admin')] as const,
      responses: { 200: jsonResponse('Webhooks', z.object({ items: z.array(Webhook) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await listWebhooks(c.var.deps, c.var.principal.workspaceId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}', tags, summary: 'Get a webhook, including whether failures disabled it', middleware: [requireRole('admin')] as const,
      request: { params: IdParam },
      responses: { 200: jsonResponse('The webhook', Webhook), ...errorResponses },
    }),
    async (c) => c.json(await getWebhook(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch', path: '/{id}', tags, summary: 'Change a webhook; `enabled: true` re-enables one disabled by failures', middleware: [requireRole('admin')] as const,
      request: { params: IdParam, body: jsonBody(WebhookPatch) },
      responses: { 200: jsonResponse('The webhook', Webhook), ...errorResponses },
    }),
    async (c) => c.json(await updateWebhook(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/{id}', tags, summary: 'Delete a webhook and its pending deliveries', middleware: [requireRole('admin')] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteWebhook(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}/deliveries', tags, summary: 'Deliveries of a webhook, newest first, with every attempt', middleware: [requireRole('admin')] as const,
      request: { params: IdParam, query: PageQuery.extend(DeliveryQuery.shape) },
      responses: { 200: jsonResponse('A page of deliveries', z.object({ items: z.array(Delivery), nextCursor: z.string().nullable() })), ...errorResponses },
    }),
    async (c) => c.json(await listDeliveries(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'post', path: '/{id}/deliveries/{deliveryId}/redeliver', tags, summary: 'Send a delivery again, with the same webhook-id', middleware: [requireRole('admin')] as const,
      request: { params: DeliveryParams },
      responses: { 202: { description: 'Queued' }, 409: errorResponses[400], ...errorResponses },
    }),
    async (c) => {
      const { id, deliveryId } = c.req.valid('param')
      await redeliver(c.var.deps, c.var.principal.workspaceId, id, deliveryId)
      return c.body(null, 202)
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/{id}/test', tags, summary: 'Send this webhook a webhook.test event (signed like any other; its deliveries show how it went)',
      middleware: [requireRole('admin')] as const,
      request: { params: IdParam },
      responses: { 202: { description: 'Queued' }, 409: errorResponses[400], ...errorResponses },
    }),
    async (c) => {
      await sendTestEvent(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id)
      return c.body(null, 202)
    },
  )

import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../http/types.ts'
import { PageQuery } from '../http/pagination.ts'
import { LinkInput, LinkSchema, NewTicket, TICKET_STATUSES, TicketDetailSchema, TicketPatch, TicketSchema } from '../tickets/schema.ts'
import { suggestTickets } from '../tickets/suggestions.ts'
import { addLinks, createTicket, deleteTicket, getTicket, listTickets, removeLink, updateTicket } from '../tickets/tickets.ts'

const actorOf = (c: { var: { principal: { keyId: string } } }) => ({ keyId: c.var.principal.keyId })
const LinkParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  linkId: z.uuid().openapi({ param: { name: 'linkId', in: 'path' } }),
})
const Suggestion = z
  .object({
    title: z.string(), keywords: z.array(z.string()), mentionIds: z.array(z.uuid()), size: z.number().int(),
    negative: z.number().int(), intents: z.record(z.string(), z.number().int()),
  })
  .openapi('TicketSuggestion')

export const ticketsRouter = createRouter()
  .openapi(
    createRoute({
      method: 'get', path: '/suggestions', tags: ['Tickets'],
      summary: 'Clusters of similar recent negative / bug / feature-request mentions not linked to a ticket yet',
      request: {
        query: z.strictObject({
          since: z.string().regex(/^\d{1,4}[hdw]$/).default('14d').openapi({ description: 'How far back: 48h, 14d, 4w' }),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
      },
      responses: { 200: jsonResponse('Suggested clusters, largest first', z.object({ items: z.array(Suggestion) })), ...errorResponses },
    }),
    async (c) => c.json(await suggestTickets(c.var.deps, c.var.principal.workspaceId, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'post', path: '/', tags: ['Tickets'], summary: 'Create a ticket, optionally linking mentions / responses at once',
      middleware: [requireRole('agent')] as const,
      request: { body: jsonBody(NewTicket) },
      responses: { 201: jsonResponse('The ticket with its numbers', TicketDetailSchema), ...errorResponses },
    }),
    async (c) => c.json(await createTicket(c.var.deps, c.var.principal.workspaceId, c.req.valid('json'), actorOf(c)), 201),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/', tags: ['Tickets'], summary: 'List tickets, recently updated first',
      request: {
        query: PageQuery.extend({
          status: z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(z.enum(TICKET_STATUSES)).min(1)).optional(),
          q: z.string().trim().min(1).max(200).optional(),
        }),
      },
      responses: {
        200: jsonResponse('A page of tickets', z.object({ items: z.array(TicketSchema.extend({ mentionCount: z.number().int() })), nextCursor: z.string().nullable() })),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await listTickets(c.var.deps, c.var.principal.workspaceId, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}', tags: ['Tickets'],
      summary: 'A ticket with mention / response counts, customers affected and their value, sentiment, sources, first/last seen, weekly series',
      request: { params: IdParam },
      responses: { 200: jsonResponse('The ticket', TicketDetailSchema), ...errorResponses },
    }),
    async (c) => c.json(await getTicket(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch', path: '/{id}', tags: ['Tickets'], summary: 'Change title, description, status or the external tracker reference',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam, body: jsonBody(TicketPatch) },
      responses: { 200: jsonResponse('The ticket', TicketDetailSchema), ...errorResponses },
    }),
    async (c) => c.json(await updateTicket(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json'), actorOf(c)), 200),
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/{id}', tags: ['Tickets'], summary: 'Delete a ticket and its links (the mentions stay)',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteTicket(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, actorOf(c))
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/{id}/links', tags: ['Tickets'], summary: 'Link mentions and/or survey responses (already linked ones are skipped)',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam, body: jsonBody(LinkInput) },
      responses: { 201: jsonResponse('The new links', z.object({ items: z.array(LinkSchema) })), ...errorResponses },
    }),
    async (c) => c.json(await addLinks(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json'), actorOf(c)), 201),
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/{id}/links/{linkId}', tags: ['Tickets'], summary: 'Remove one link',
      middleware: [requireRole('agent')] as const,
      request: { params: LinkParams },
      responses: { 204: { description: 'Removed' }, ...errorResponses },
    }),
    async (c) => {
      const { id, linkId } = c.req.valid('param')
      await removeLink(c.var.deps, c.var.principal.workspaceId, id, linkId, actorOf(c))
      return c.body(null, 204)
    },
  )

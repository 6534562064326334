import { AtRiskCustomer, AtRiskQuery, customersAtRisk } from '../customers/at-risk.ts'
import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { createCustomer, deleteCustomer, getCustomer, listCustomers, updateCustomer } from '../customers/customers.ts'
import { IMPORT_MAX_ROWS, importCustomers, parseCsv } from '../customers/import.ts'
import { customerTimeline, eraseCustomer, exportCustomer } from '../customers/privacy.ts'
import { CustomerPatch, CustomerSchema, NewCustomer } from '../customers/schema.ts'
import { badRequest } from '../errors.ts'
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../http/types.ts'
import { PageQuery } from '../http/pagination.ts'
import { MentionSchema } from '../mentions/shape.ts'

const actorOf = (c: { var: { principal: { keyId: string } } }) => ({ keyId: c.var.principal.keyId })
const ImportJson = z.union([z.array(z.unknown()).max(IMPORT_MAX_ROWS), z.strictObject({ items: z.array(z.unknown()).max(IMPORT_MAX_ROWS) })])
const ImportResult = z
  .object({ created: z.number().int(), updated: z.number().int(), rejected: z.array(z.object({ row: z.number().int(), reason: z.string() })) })
  .openapi('CustomerImportResult')
const Response = z.object({
  id: z.uuid(), surveyId: z.uuid(), surveyKind: z.string(), score: z.number(), comment: z.string().nullable(), email: z.string().nullable(),
  respondent: z.string().nullable(), lang: z.string(), sentiment: z.string().nullable(), respondedAt: z.date(),
})
const TicketBrief = z.object({ id: z.uuid(), title: z.string(), status: z.string() })
const TimelineItem = z.union([
  z.object({ type: z.literal('mention'), at: z.date(), mention: MentionSchema }),
  z.object({ type: z.literal('response'), at: z.date(), response: Response }),
])

export const customersRouter = createRouter()
  .openapi(
    createRoute({
      method: 'post', path: '/import', tags: ['Customers'],
      summary: `Import up to ${IMPORT_MAX_ROWS} customers (text/csv with a header row, or JSON); upsert on externalRef, then email`,
      description: 'CSV columns: name, email, externalRef, company, plan, value; identity columns named by kind (github, reddit, twitter, domain, …; several values separated by `;`); any other column becomes an attribute. Rows are numbered from 1, header excluded.',
      middleware: [requireRole('admin')] as const,
      // Validated in the handler: the route validator would hold a CSV body against the JSON schema.
      request: { body: { required: true, content: { 'text/csv': { schema: z.string() }, 'application/json': { schema: z.unknown().openapi({ description: 'An array of customers, or { items: [...] }' }) } } } },
      responses: { 200: jsonResponse('Per-row outcome', ImportResult), ...errorResponses },
    }),
    async (c) => {
      const type = c.req.header('content-type') ?? ''
      let rows: unknown[]
      if (/^text\/csv\b/i.test(type)) rows = parseCsv(await c.req.text())
      else if (/^application\/json\b/i.test(type)) {
        const body = ImportJson.safeParse(await c.req.json().catch(() => undefined))
        if (!body.success) throw badRequest('send an array of customers or { items: [...] }', z.treeifyError(body.error))
        rows = Array.isArray(body.data) ? body.data : body.data.items
      } else throw badRequest('send text/csv or application/json')
      return c.json(await importCustomers(c.var.deps, c.var.principal.workspaceId, rows, actorOf(c)), 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/', tags: ['Customers'], summary: 'Create a customer; mentions by its identities link to it, including earlier ones',
      middleware: [requireRole('agent')] as const,
      request: { body: jsonBody(NewCustomer) },
      responses: { 201: jsonResponse('The customer', CustomerSchema), 409: errorResponses[400], ...errorResponses },
    }),
    async (c) => c.json(await createCustomer(c.var.deps, c.var.principal.workspaceId, c.req.valid('json'), actorOf(c)), 201),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/', tags: ['Customers'], summary: 'List customers, newest first; q searches name, email, company, externalRef and identities',
      request: { query: PageQuery.extend({ q: z.string().trim().min(1).max(200).optional() }) },
      responses: { 200: jsonResponse('A page of customers', z.object({ items: z.array(CustomerSchema), nextCursor: z.string().nullable() })), ...errorResponses },
    }),
    async (c) => c.json(await listCustomers(c.var.deps, c.var.principal.workspaceId, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/at-risk', tags: ['Customers'],
      summary: 'Customers with negative mentions or unhappy survey answers lately, the most valuable first',
      request: { query: AtRiskQuery },
      responses: { 200: jsonResponse('Customers at risk', z.object({ items: z.array(AtRiskCustomer) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await customersAtRisk(c.var.deps, c.var.principal.workspaceId, c.req.valid('query')) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}', tags: ['Customers'], summary: 'A customer with its identities',
      request: { params: IdParam },
      responses: { 200: jsonResponse('The customer', CustomerSchema), ...errorResponses },
    }),
    async (c) => c.json(await getCustomer(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch', path: '/{id}', tags: ['Customers'], summary: 'Change fields; `identities` replaces the set and re-resolves mentions',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam, body: jsonBody(CustomerPatch) },
      responses: { 200: jsonResponse('The customer', CustomerSchema), 409: errorResponses[400], ...errorResponses },
    }),
    async (c) => c.json(await updateCustomer(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json'), actorOf(c)), 200),
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/{id}', tags: ['Customers'],
      summary: 'Delete a customer; with erase=true also erase the text and author of everything they said (right to erasure)',
      middleware: [requireRole('admin')] as const,
      request: { params: IdParam, query: z.object({ erase: z.enum(['true', 'false']).optional() }) },
      responses: {
        200: jsonResponse('Erased: what was anonymized', z.object({ erased: z.object({ mentions: z.number().int(), surveyResponses: z.number().int() }) })),
        204: { description: 'Deleted' },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { deps, principal } = c.var
      const id = c.req.valid('param').id
      if (c.req.valid('query').erase === 'true') return c.json(await eraseCustomer(deps, principal.workspaceId, id, actorOf(c)), 200)
      await deleteCustomer(deps, principal.workspaceId, id, actorOf(c))
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}/timeline', tags: ['Customers'], summary: 'Everything the customer said (mentions, survey responses), newest first, and its tickets',
      request: { params: IdParam, query: PageQuery },
      responses: {
        200: jsonResponse('Timeline', z.object({ items: z.array(TimelineItem), tickets: z.array(TicketBrief), nextCursor: z.string().nullable() })),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await customerTimeline(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}/export', tags: ['Customers'], summary: 'All data held about the customer, as JSON (data-subject access)',
      middleware: [requireRole('admin')] as const,
      request: { params: IdParam },
      responses: {
        200: jsonResponse('The export', z.object({
          exportedAt: z.date(), customer: CustomerSchema, mentions: z.array(MentionSchema.extend({ raw: z.unknown() })),
          surveyResponses: z.array(Response), tickets: z.array(TicketBrief),
          notes: z.array(z.object({ mentionId: z.uuid(), author: z.string(), body: z.string(), createdAt: z.date() })),
          replies: z.array(z.object({ mentionId: z.uuid(), author: z.string(), text: z.string(), status: z.string(), url: z.string().nullable(), createdAt: z.date() })),
          surveyInvitations: z.array(z.object({
            surveyId: z.uuid(), email: z.string(), name: z.string().nullable(), status: z.string(), sentAt: z.date().nullable(), respondedAt: z.date().nullable(),
          })),
        })),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await exportCustomer(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id), 200),
  )

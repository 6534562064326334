import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../http/types.ts'
import { applyRuleToExisting, createRule, deleteRule, getRule, listRules, updateRule } from '../rules/rules.ts'
import { NewRule, Rule, RulePatch } from '../rules/schema.ts'

const tags = ['Rules']

export const rulesRouter = createRouter()
  .openapi(
    createRoute({
      method: 'post', path: '/', tags, summary: 'Create an automation rule: new mentions its filter matches get its action as they are stored',
      middleware: [requireRole('agent')] as const,
      request: { body: jsonBody(NewRule) },
      responses: { 201: jsonResponse('The rule', Rule), 409: errorResponses[400], ...errorResponses },
    }),
    async (c) => c.json(await createRule(c.var.deps, c.var.principal.workspaceId, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/', tags, summary: 'List rules in the order they apply',
      responses: { 200: jsonResponse('Rules', z.object({ items: z.array(Rule) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await listRules(c.var.deps, c.var.principal.workspaceId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}', tags, summary: 'Get a rule', request: { params: IdParam },
      responses: { 200: jsonResponse('The rule', Rule), ...errorResponses },
    }),
    async (c) => c.json(await getRule(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch', path: '/{id}', tags, summary: 'Change, pause or resume a rule',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam, body: jsonBody(RulePatch) },
      responses: { 200: jsonResponse('The rule', Rule), 409: errorResponses[400], ...errorResponses },
    }),
    async (c) => c.json(await updateRule(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/{id}', tags, summary: 'Delete a rule (what it did stays, in the audit too)',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteRule(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/{id}/apply', tags, summary: 'Apply a rule once to the mentions already stored that it matches (at most 10,000)',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam },
      responses: { 200: jsonResponse('How many matched and changed', z.object({ matched: z.number().int(), updated: z.number().int() })), ...errorResponses },
    }),
    async (c) => c.json(await applyRuleToExisting(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id), 200),
  )

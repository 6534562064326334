import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../http/types.ts'
import { PageQuery } from '../http/pagination.ts'
import { createSource } from '../sources/create-source.ts'
import { deleteSource } from '../sources/delete-source.ts'
import { getSource, listSources } from '../sources/find-sources.ts'
import { listRuns, runSourceNow } from '../sources/run-now.ts'
import { updateSource } from '../sources/update-source.ts'

const Config = z.record(z.string(), z.unknown()).openapi({ description: "Validated by the connector's schema (GET /v1/connectors); secrets come back masked" })
const Schedule = z.string().min(1).max(100).openapi({ description: 'Cron expression (UTC); default every 15 minutes', example: '*/30 * * * *' })

const Source = z
  .object({
    id: z.uuid(),
    kind: z.string(),
    name: z.string(),
    config: Config,
    schedule: z.string().nullable(),
    enabled: z.boolean(),
    status: z.enum(['active', 'paused', 'failing', 'disabled', 'push']),
    nextRunAt: z.date().nullable(),
    lastRunAt: z.date().nullable(),
    lastError: z.string().nullable(),
    consecutiveFailures: z.number().int(),
    disabledReason: z.string().nullable().openapi({ description: 'Set by a permanent error; polling resumes when the config changes' }),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .openapi('Source')

const SourceRun = z
  .object({
    id: z.uuid(),
    sourceId: z.uuid(),
    status: z.enum(['ok', 'error']),
    fetched: z.number().int(),
    inserted: z.number().int(),
    duplicates: z.number().int(),
    edited: z.number().int().openapi({ description: 'Items already stored whose text or rating changed at the source' }),
    error: z.string().nullable(),
    startedAt: z.date(),
    finishedAt: z.date(),
  })
  .openapi('SourceRun')

const NewSource = z.strictObject({
  kind: z.string().min(1).max(50),
  name: z.string().min(1).max(200),
  config: Config.optional(),
  schedule: Schedule.nullable().optional(),
  enabled: z.boolean().optional(),
})
const SourcePatch = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  config: Config.optional(),
  schedule: Schedule.nullable().optional(),
  enabled: z.boolean().optional(),
})
const RunsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) })
const tags = ['Sources']

export const sourcesRouter = createRouter()
  .openapi(
    createRoute({
      method: 'post', path: '/', tags, summary: 'Create a source',
      middleware: [requireRole('admin')] as const,
      request: { body: jsonBody(NewSource) },
      responses: { 201: jsonResponse('The source', Source), ...errorResponses },
    }),
    async (c) => c.json(await createSource(c.var.deps, c.var.principal.workspaceId, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/', tags, summary: 'List sources, newest first',
      request: { query: PageQuery },
      responses: { 200: jsonResponse('Sources', z.object({ items: z.array(Source), nextCursor: z.string().nullable() })), ...errorResponses },
    }),
    async (c) => c.json(await listSources(c.var.deps, c.var.principal.workspaceId, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}', tags, summary: 'Get a source',
      request: { params: IdParam },
      responses: { 200: jsonResponse('The source', Source), ...errorResponses },
    }),
    async (c) => c.json(await getSource(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch', path: '/{id}', tags, summary: 'Change a source (a new config clears a permanent error and restarts the cursor)',
      middleware: [requireRole('admin')] as const,
      request: { params: IdParam, body: jsonBody(SourcePatch) },
      responses: { 200: jsonResponse('The source', Source), ...errorResponses },
    }),
    async (c) => c.json(await updateSource(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/{id}', tags, summary: 'Delete a source and its mentions',
      middleware: [requireRole('admin')] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteSource(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/{id}/run', tags, summary: 'Poll a source now and return the run',
      middleware: [requireRole('admin')] as const,
      request: { params: IdParam },
      responses: { 200: jsonResponse('The finished run', SourceRun), 409: errorResponses[400], ...errorResponses },
    }),
    async (c) => c.json(await runSourceNow(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}/runs', tags, summary: "A source's recent runs, newest first",
      request: { params: IdParam, query: RunsQuery },
      responses: { 200: jsonResponse('Runs', z.object({ items: z.array(SourceRun) })), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      return c.json({ items: await listRuns(c.var.deps, c.var.principal.workspaceId, id, c.req.valid('query').limit) }, 200)
    },
  )

import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { forbidden } from '../errors.ts'
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../http/types.ts'
import { retentionPreview, RetentionCounts } from '../workspaces/retention.ts'
import { RetentionDays, SettingsPatch, updateWorkspaceSettings, WorkspaceSettings, workspaceSettings } from '../workspaces/settings.ts'
import { createWorkspace, DEFAULT_WORKSPACE } from '../workspaces/workspaces.ts'

const Workspace = z.object({ id: z.uuid(), name: z.string(), settings: WorkspaceSettings }).openapi('Workspace')

export const workspacesRouter = createRouter()
  .openapi(
    createRoute({
      method: 'post', path: '/', tags: ['Workspaces'],
      summary: 'Create a workspace with its first admin key (admins of the default workspace only)',
      middleware: [requireRole('admin')] as const,
      request: { body: jsonBody(z.strictObject({ name: z.string().trim().min(1).max(100) })) },
      responses: {
        201: jsonResponse('The workspace and its admin key, shown once', z.object({ id: z.uuid(), name: z.string(), key: z.string() })),
        409: errorResponses[400],
        ...errorResponses,
      },
    }),
    async (c) => {
      if (c.var.principal.workspaceName !== DEFAULT_WORKSPACE) throw forbidden('only admins of the default workspace create workspaces')
      return c.json(await createWorkspace(c.var.deps, c.req.valid('json').name), 201)
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/current', tags: ['Workspaces'], summary: "The caller's workspace and its settings",
      responses: { 200: jsonResponse('The workspace', Workspace), ...errorResponses },
    }),
    async (c) => {
      const { principal, deps } = c.var
      return c.json({ id: principal.workspaceId, name: principal.workspaceName, settings: await workspaceSettings(deps.sql, principal.workspaceId) }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'patch', path: '/current/settings', tags: ['Workspaces'], summary: 'Change the workspace settings: PII redaction, time zone, digests, translation, retention (admins)',
      middleware: [requireRole('admin')] as const,
      request: { body: jsonBody(SettingsPatch) },
      responses: { 200: jsonResponse('The settings', WorkspaceSettings), ...errorResponses },
    }),
    async (c) => c.json(await updateWorkspaceSettings(c.var.deps.sql, c.var.principal.workspaceId, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/current/retention', tags: ['Workspaces'],
      summary: 'What a retentionDays of `days` would erase now: mentions, survey answers and invitations older than that still holding personal data (admins)',
      middleware: [requireRole('admin')] as const,
      request: { query: z.object({ days: z.coerce.number().pipe(RetentionDays) }) },
      responses: { 200: jsonResponse('Counts', RetentionCounts), ...errorResponses },
    }),
    async (c) => c.json(await retentionPreview(c.var.deps.sql, c.var.principal.workspaceId, c.req.valid('query').days, c.var.deps.clock()), 200),
  )

import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../http/types.ts'
import { PushedMention, pushMentions } from '../sources/push-mentions.ts'

const PushBody = z.strictObject({ sourceId: z.uuid(), items: z.array(PushedMention).min(1).max(1000) })
const PushResult = z
  .object({ inserted: z.number().int(), duplicates: z.number().int(), ids: z.array(z.uuid()).openapi({ description: 'Ids of the newly stored mentions' }) })
  .openapi('PushResult')

/** Only POST lives here; the mentions reads are mounted on the same path by the triage router. */
export const pushMentionsRouter = createRouter().openapi(
  createRoute({
    method: 'post', path: '/', tags: ['Mentions'], summary: 'Push up to 1,000 mentions into an api source (idempotent on externalId)',
    middleware: [requireRole('agent')] as const,
    request: { body: jsonBody(PushBody) },
    responses: { 200: jsonResponse('What was stored', PushResult), ...errorResponses },
  }),
  async (c) => c.json(await pushMentions(c.var.deps, c.var.principal.workspaceId, c.req.valid('json')), 200),
)

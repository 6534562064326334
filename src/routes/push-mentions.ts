import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../http/types.ts'
import { pushMentions } from '../sources/push-mentions.ts'

const count = z.number().int().min(0)

const PushedMention = z.strictObject({
  externalId: z.string().min(1).max(500).openapi({ description: 'Unique within the source; pushing it again is a no-op' }),
  url: z.string().max(4000),
  author: z.strictObject({
    handle: z.string().max(500),
    name: z.string().max(500).optional(),
    profileUrl: z.string().max(4000).optional(),
    followers: count.optional(),
  }),
  title: z.string().max(2000).optional(),
  text: z.string().max(100_000),
  lang: z.string().max(35).optional(),
  publishedAt: z.iso.datetime({ offset: true }),
  rating: z.number().min(1).max(5).optional(),
  engagement: z.strictObject({ likes: count.optional(), replies: count.optional(), shares: count.optional() }).optional(),
  raw: z.unknown().optional(),
  platform: z.string().min(1).max(50).optional().openapi({ description: "Where the author's handle lives: twitter, zendesk, email, …", example: 'twitter' }),
})

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

import { createRoute, z } from '@hono/zod-openapi'
import { limitBody } from '../http/body-limit.ts'
import { createRouter, ErrorSchema, jsonResponse } from '../http/types.ts'
import { handleTrackerHook } from '../integrations/sync.ts'

const MAX_HOOK_BODY = 1024 * 1024

/** Inbound tracker webhooks: no API key; each body must carry the provider's signature. */
export const trackerHooksRouter = createRouter()
trackerHooksRouter.use('*', limitBody(MAX_HOOK_BODY))
trackerHooksRouter.openapi(
  createRoute({
    method: 'post', path: '/{provider}', tags: ['Integrations'], security: [],
    summary: 'Status updates from GitHub (X-Hub-Signature-256), Linear (Linear-Signature) or Jira (X-Hub-Signature)',
    request: { params: z.object({ provider: z.enum(['github', 'linear', 'jira']).openapi({ param: { name: 'provider', in: 'path' } }) }) },
    responses: {
      202: jsonResponse('Accepted; how many tickets changed', z.object({ updated: z.number().int() })),
      400: jsonResponse('Not JSON', ErrorSchema),
      401: jsonResponse('No integration signed this body', ErrorSchema),
    },
  }),
  async (c) => {
    const result = await handleTrackerHook(c.var.deps, c.req.valid('param').provider, c.req.raw.headers, await c.req.text())
    return c.json(result, 202)
  },
)

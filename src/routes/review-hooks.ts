import { createRoute, z } from '@hono/zod-openapi'
import { limitBody } from '../http/body-limit.ts'
import { createRouter, ErrorSchema, jsonResponse } from '../http/types.ts'
import { receiveTrustpilotReviews } from '../sources/trustpilot-hook.ts'

const MAX_HOOK_BODY = 1024 * 1024

/** The password of an HTTP Basic `authorization` header, for webhook URLs written as https://user:secret@host/…. */
function basicPassword(header: string | undefined): string | undefined {
  const m = /^basic\s+([a-z0-9+/=]+)$/i.exec(header?.trim() ?? '')
  if (!m) return undefined
  try {
    const decoded = atob(m[1])
    const colon = decoded.indexOf(':')
    return colon >= 0 ? decoded.slice(colon + 1) : undefined
  } catch {
    return undefined
  }
}

/** Review sites that push: no API key; the source's webhook secret comes as ?token= or as the Basic auth password. */
export const reviewHooksRouter = createRouter()
reviewHooksRouter.use('*', limitBody(MAX_HOOK_BODY))
reviewHooksRouter.openapi(
  createRoute({
    method: 'post', path: '/trustpilot/{sourceId}', tags: ['Sources'], security: [],
    summary: "Trustpilot's webhook: new service reviews into a trustpilot source (its webhookSecret as ?token= or Basic auth password)",
    request: {
      params: z.object({ sourceId: z.uuid().openapi({ param: { name: 'sourceId', in: 'path' } }) }),
      query: z.object({ token: z.string().min(1).max(200).optional() }),
    },
    responses: {
      202: jsonResponse('Stored; events that were not new reviews are counted as ignored', z.object({ inserted: z.number().int(), duplicates: z.number().int(), ignored: z.number().int() })),
      400: jsonResponse('Not a Trustpilot webhook body', ErrorSchema),
      401: jsonResponse('No trustpilot source with this id takes this secret', ErrorSchema),
      413: jsonResponse('Body over 1 MB', ErrorSchema),
    },
  }),
  async (c) => {
    const token = c.req.valid('query').token ?? basicPassword(c.req.header('authorization'))
    return c.json(await receiveTrustpilotReviews(c.var.deps, c.req.valid('param').sourceId, token, await c.req.text()), 202)
  },
)

import { createRoute, z } from '@hono/zod-openapi'
import { limitBody } from '../http/body-limit.ts'
import { createRouter, ErrorSchema, jsonResponse } from '../http/types.ts'
import { handleTrackerHook } from '../integrations/sync.ts'
import { pushedMentions, telegramConnector, TelegramUpdate } from '../../connectors/telegram/index.ts'
import { reviewsOf, trustpilotConnector, TrustpilotWebhook } from '../../connectors/trustpilot/index.ts'
import { receivePush } from '../sources/push-hook.ts'

const PushResult = z.object({ inserted: z.number().int(), duplicates: z.number().int(), edited: z.number().int(), ignored: z.number().int() })

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

/**
 * Inbound webhooks, no API key: issue trackers' status updates carry the
 * provider's signature; review sites' deliveries carry their source's secret.
 */
export const hooksRouter = createRouter()
hooksRouter.use('*', limitBody(MAX_HOOK_BODY))
hooksRouter.openapi(
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
const TRUSTPILOT = { connector: trustpilotConnector, body: TrustpilotWebhook, shape: 'a Trustpilot webhook body ({events: [...]})', read: reviewsOf }
const TELEGRAM = { connector: telegramConnector, body: TelegramUpdate, shape: 'a Telegram update ({update_id, message?})', read: pushedMentions }

hooksRouter.openapi(
  createRoute({
    method: 'post', path: '/trustpilot/{sourceId}', tags: ['Sources'], security: [],
    summary: "Trustpilot's webhook: new service reviews into a trustpilot source (its webhookSecret as ?token= or Basic auth password)",
    request: {
      params: z.object({ sourceId: z.uuid().openapi({ param: { name: 'sourceId', in: 'path' } }) }),
      query: z.object({ token: z.string().min(1).max(200).optional() }),
    },
    responses: {
      202: jsonResponse('Stored; events that were not new reviews are counted as ignored', PushResult),
      400: jsonResponse('Not a Trustpilot webhook body', ErrorSchema),
      401: jsonResponse('No trustpilot source with this id takes this secret', ErrorSchema),
      413: jsonResponse('Body over 1 MB', ErrorSchema),
    },
  }),
  async (c) => {
    const token = c.req.valid('query').token ?? basicPassword(c.req.header('authorization'))
    return c.json(await receivePush(c.var.deps, TRUSTPILOT, c.req.valid('param').sourceId, token, await c.req.text()), 202)
  },
)
hooksRouter.openapi(
  createRoute({
    method: 'post', path: '/telegram/{sourceId}', tags: ['Sources'], security: [],
    summary: "Telegram's webhook for a bot: each update into a telegram source with a webhookSecret (sent by Telegram as X-Telegram-Bot-Api-Secret-Token)",
    request: { params: z.object({ sourceId: z.uuid().openapi({ param: { name: 'sourceId', in: 'path' } }) }) },
    responses: {
      200: jsonResponse('Stored; an update that is no message for the inbox is counted as ignored', PushResult),
      400: jsonResponse('Not a Telegram update', ErrorSchema),
      401: jsonResponse('No telegram source with this id takes this secret', ErrorSchema),
      413: jsonResponse('Body over 1 MB', ErrorSchema),
    },
  }),
  async (c) => {
    const token = c.req.header('x-telegram-bot-api-secret-token')
    return c.json(await receivePush(c.var.deps, TELEGRAM, c.req.valid('param').sourceId, token, await c.req.text()), 200)
  },
)

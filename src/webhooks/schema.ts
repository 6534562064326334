import { z } from '@hono/zod-openapi'
import { EVENT_TYPES } from './events.ts'
import { decodeSecret } from './signing.ts'

/** `json`: the signed Standard Webhooks envelope; `slack` and `teams`: a message a chat channel's webhook can post. */
export const WEBHOOK_FORMATS = ['json', 'slack', 'teams'] as const
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number]

const Url = z.url({ protocol: /^https?$/ }).max(2000)
const Events = z.array(z.enum(EVENT_TYPES)).min(1).max(EVENT_TYPES.length)
const Secret = z.string().refine((s) => decodeSecret(s) !== undefined, 'a secret is `whsec_` + base64 of 24–64 bytes')

export const NewWebhook = z.strictObject({
  url: Url,
  events: Events,
  format: z.enum(WEBHOOK_FORMATS).default('json'),
  secret: Secret.optional(),
  description: z.string().max(500).optional(),
  enabled: z.boolean().default(true),
})
export type NewWebhook = z.infer<typeof NewWebhook>

export const WebhookPatch = z.strictObject({
  url: Url.optional(),
  events: Events.optional(),
  format: z.enum(WEBHOOK_FORMATS).optional(),
  secret: Secret.optional(),
  description: z.string().max(500).nullable().optional(),
  enabled: z.boolean().optional(),
})
export type WebhookPatch = z.infer<typeof WebhookPatch>

export const Webhook = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.string()),
    format: z.enum(WEBHOOK_FORMATS),
    description: z.string().nullable(),
    enabled: z.boolean(),
    consecutiveFailures: z.number().int(),
    disabledReason: z.string().nullable(),
    disabledAt: z.date().nullable(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .openapi('Webhook')
export type Webhook = z.infer<typeof Webhook>

export const DeliveryAttempt = z.object({
  at: z.date(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
})

export const Delivery = z
  .object({
    id: z.uuid(),
    messageId: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: z.date().nullable(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.date(),
    deliveredAt: z.date().nullable(),
    attemptLog: z.array(DeliveryAttempt),
  })
  .openapi('WebhookDelivery')
export type Delivery = z.infer<typeof Delivery>

export const DeliveryQuery = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
})

import { z } from '@hono/zod-openapi'
import { PROVIDERS } from './tracker.ts'

const BaseUrl = z.url({ protocol: /^https?$/ }).max(500).transform((u) => u.replace(/\/+$/, ''))

export const NewIntegration = z
  .strictObject({
    provider: z.enum(PROVIDERS),
    name: z.string().trim().min(1).max(200).optional(),
    /** API origin: defaults to api.github.com / api.linear.app; your site (https://acme.atlassian.net) for Jira. */
    baseUrl: BaseUrl.optional(),
    /** Jira Cloud: the email of the account the API token belongs to. */
    email: z.email().max(320).optional(),
    token: z.string().min(1).max(2000),
    /** The secret configured on the tracker's webhook, to verify POST /hooks/<provider>. */
    webhookSecret: z.string().min(8).max(500).optional(),
  })
  .refine((i) => i.provider !== 'jira' || (i.baseUrl && i.email), { message: 'jira needs baseUrl (your site) and email', path: ['baseUrl'] })
export type NewIntegration = z.infer<typeof NewIntegration>

export const IntegrationPatch = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  baseUrl: BaseUrl.optional(),
  email: z.email().max(320).nullable().optional(),
  token: z.string().min(1).max(2000).optional(),
  webhookSecret: z.string().min(8).max(500).nullable().optional(),
})
export type IntegrationPatch = z.infer<typeof IntegrationPatch>

export const Integration = z
  .object({
    id: z.uuid(),
    provider: z.enum(PROVIDERS),
    name: z.string(),
    baseUrl: z.string(),
    email: z.string().nullable(),
    hasWebhookSecret: z.boolean(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .openapi('Integration')
export type Integration = z.infer<typeof Integration>

export const ExportRequest = z.strictObject({
  provider: z.enum(PROVIDERS),
  /** GitHub: owner/repo; Linear: team key or id; Jira: project key. */
  target: z.string().min(1).max(200),
})

export const ImportRequest = z.strictObject({
  /** The address in the tracker's web UI. */
  url: z.url({ protocol: /^https?$/ }).max(2000),
  /** Link this existing ticket instead of creating one. */
  ticketId: z.uuid().optional(),
})

export const TrackerLink = z
  .object({
    ticketId: z.uuid(),
    provider: z.enum(PROVIDERS),
    externalKey: z.string(),
    externalUrl: z.string(),
    remoteState: z.string().nullable(),
    status: z.string(),
  })
  .openapi('TrackerLink')
export type TrackerLink = z.infer<typeof TrackerLink>

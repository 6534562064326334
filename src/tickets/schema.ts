import { z } from '@hono/zod-openapi'

export const TICKET_STATUSES = ['open', 'planned', 'in_progress', 'done', 'wont_fix'] as const
/** Not done, nor decided against: still worth linking to. */
export const OPEN_TICKET_STATUSES = ['open', 'planned', 'in_progress'] as const satisfies readonly (typeof TICKET_STATUSES)[number][]
export const PROVIDERS = ['github', 'jira', 'linear', 'other'] as const

export const External = z.strictObject({
  provider: z.enum(PROVIDERS),
  key: z.string().trim().min(1).max(200).optional(),
  url: z.url({ protocol: /^https?$/ }).max(2000).optional(),
})

export const LinkInput = z
  .strictObject({ mentionIds: z.array(z.uuid()).max(1000).optional(), responseIds: z.array(z.uuid()).max(1000).optional() })
  .refine((l) => (l.mentionIds?.length ?? 0) + (l.responseIds?.length ?? 0) > 0, 'give mentionIds and/or responseIds')
export type LinkInput = z.infer<typeof LinkInput>

export const NewTicket = z
  .strictObject({
    title: z.string().trim().min(1).max(300),
    description: z.string().max(20_000).nullable().optional(),
    status: z.enum(TICKET_STATUSES).optional(),
    external: External.nullable().optional(),
    /** Links these at once: turning a suggested cluster into a ticket is one call. */
    mentionIds: z.array(z.uuid()).max(1000).optional(),
    responseIds: z.array(z.uuid()).max(1000).optional(),
  })
  .openapi('NewTicket')
export type NewTicket = z.infer<typeof NewTicket>

export const TicketPatch = z
  .strictObject({
    title: z.string().trim().min(1).max(300).optional(),
    description: z.string().max(20_000).nullable().optional(),
    status: z.enum(TICKET_STATUSES).optional(),
    external: External.nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'nothing to change')
export type TicketPatch = z.infer<typeof TicketPatch>

const ExternalOut = z.object({ provider: z.enum(PROVIDERS), key: z.string().nullable(), url: z.string().nullable() })

export const TicketSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string().nullable(),
    status: z.enum(TICKET_STATUSES),
    external: ExternalOut.nullable(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .openapi('Ticket')
export type Ticket = z.infer<typeof TicketSchema>

export const TicketStatsSchema = z.object({
  mentionCount: z.number().int(),
  responseCount: z.number().int(),
  customerCount: z.number().int().openapi({ description: 'Distinct customers affected' }),
  value: z.number().openapi({ description: 'Sum of the affected customers’ value' }),
  sentiment: z.object({ positive: z.number().int(), neutral: z.number().int(), negative: z.number().int() }),
  sources: z.array(z.object({ sourceId: z.uuid(), name: z.string(), kind: z.string(), count: z.number().int() })),
  firstSeen: z.date().nullable(),
  lastSeen: z.date().nullable(),
  weekly: z.array(z.object({ week: z.string().openapi({ description: 'Monday of the ISO week, YYYY-MM-DD' }), count: z.number().int() })),
})
export type TicketStats = z.infer<typeof TicketStatsSchema>

export const LinkSchema = z.object({ id: z.uuid(), mentionId: z.uuid().nullable(), responseId: z.uuid().nullable(), createdAt: z.date() })

export const TicketDetailSchema = TicketSchema.extend({ ...TicketStatsSchema.shape, links: z.array(LinkSchema) }).openapi('TicketDetail')

/** An open ticket offered for a mention or an answer it is like (src/tickets/similar-tickets.ts). */
export const SimilarTicket = z
  .object({ id: z.uuid(), title: z.string(), status: z.string(), links: z.number().int(), similarity: z.number().openapi({ description: 'Cosine of the two TF-IDF term vectors, 0–1' }) })
  .openapi('SimilarTicket')

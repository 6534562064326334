import { z } from '@hono/zod-openapi'

export const AuditRecordSchema = z
  .object({ id: z.number().int(), action: z.string(), actor: z.string(), actorId: z.uuid().nullable(), changes: z.record(z.string(), z.unknown()), at: z.date() })
  .openapi('AuditRecord')

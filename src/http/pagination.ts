import { z } from '@hono/zod-openapi'
import { badRequest } from '../errors.ts'

/** `?cursor=…&limit=…` for every list; cursors are opaque to clients. */
export const PageQuery = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

export function encodeCursor(value: unknown): string {
  return btoa(unescape(encodeURIComponent(JSON.stringify(value)))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Decodes and validates a cursor; a tampered cursor is a 400, never a 500. */
export function decodeCursor<T extends z.ZodType>(cursor: string, schema: T): z.infer<T> {
  try {
    const json = decodeURIComponent(escape(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))))
    return schema.parse(JSON.parse(json))
  } catch {
    throw badRequest('invalid cursor')
  }
}

import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'

// Past this much, a client pushing an oversized body is cut off instead of drained.
const DRAIN_CAP = 32 * 1024 * 1024

/**
 * Reads and discards the rest of an oversized body before answering 413:
 * HTTP clients (fetch/undici among them) that are still uploading treat an
 * early close as a network error and never see the 413.
 */
async function drain(c: Context) {
  const reader = c.req.raw.body?.getReader()
  if (!reader) return
  let seen = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return
    seen += value.byteLength
    if (seen > DRAIN_CAP) return reader.cancel()
  }
}

/**
 * Rejects bodies over `maxSize` bytes with our 413 error body. GET and HEAD
 * carry no body and skip the check: asking a Node request for its body builds
 * a full web Request, a tenth of the CPU an inbox page costs the server.
 */
export function limitBody(maxSize: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize,
    onError: async (c) => {
      await drain(c).catch(() => {})
      return c.json({ error: { code: 'payload_too_large', message: `request body over ${maxSize} bytes` } }, 413)
    },
  })
  return (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limit(c, next))
}

import type { Context } from 'hono'

/** The origin the browser used, so snippets and links shown to people point back at us (proxies included). */
export function requestOrigin(c: Context): string {
  const url = new URL(c.req.url)
  const proto = c.req.header('x-forwarded-proto') === 'https' ? 'https:' : url.protocol
  const host = c.req.header('x-forwarded-host') ?? c.req.header('host') ?? url.host
  return `${proto}//${host}`
}

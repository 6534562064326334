// Meta's Graph API, shared by the Facebook and Instagram connectors: the
// version called, the token as a bearer header, and its errors read from the
// body, since Graph answers throttling with the same 400 or 403 as a bad token.
import { z } from 'zod'
import { permanentError, UpstreamError } from '../../src/net/errors.ts'
import type { HttpClient, HttpResponse } from '../../src/net/http-client.ts'

export const GRAPH_VERSION = 'v21.0'

const GraphError = z.object({ error: z.object({ message: z.string(), code: z.number(), error_subcode: z.number().optional() }) })

// Graph API error codes: throttling (app, user, Page, custom-rate), answered with HTTP 400 or 403 like any other error.
const THROTTLED = new Set([4, 17, 32, 613, 80001])
const THROTTLE_WAIT_MS = 3_600_000

/** Graph answers throttling with a 400 or 403 that is no reason to stop polling: it is told from the error's code. */
export async function graph(fetch: HttpClient, url: string, token: string, init: { method?: 'POST'; body?: string } = {}): Promise<HttpResponse> {
  const res = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    accept: [400, 403],
  })
  if (res.status < 400) return res
  let body: unknown
  try {
    body = JSON.parse(res.text)
  } catch {
    body = undefined
  }
  const failed = GraphError.safeParse(body)
  const reason = failed.success ? `graph.facebook.com: error ${failed.data.error.code}: ${failed.data.error.message}` : `graph.facebook.com: HTTP ${res.status}`
  if (failed.success && THROTTLED.has(failed.data.error.code)) throw new UpstreamError(reason, { status: res.status, retryAt: new Date(Date.now() + THROTTLE_WAIT_MS) })
  throw permanentError(reason, res.status)
}


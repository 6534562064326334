// Meta's Graph API, shared by the Facebook, Instagram and Threads connectors:
// the version called, the token as a bearer header, its errors read from the
// body (Graph answers throttling with the same 400 or 403 as a bad token), and
// the comment a reply posts. Threads is a Graph API of its own host and
// version (graph.threads.net/v1.0) with the same errors.
import { z } from 'zod'
import { permanentError, UpstreamError } from '../../src/net/errors.ts'
import type { HttpClient, HttpResponse } from '../../src/net/http-client.ts'
import { errorBody } from '../../src/net/parse.ts'
import { originOf, readPosted, type SentReply } from '../types.ts'

const GRAPH_VERSION = 'v21.0'

/** The Graph API at the version called: the config's baseUrl (a proxy, a test server), else graph.facebook.com. */
export const graphBase = (config: { baseUrl?: string }) => `${originOf(config, 'https://graph.facebook.com')}/${GRAPH_VERSION}`

const GraphError = z.object({ error: z.object({ message: z.string(), code: z.number(), error_subcode: z.number().optional() }) })

// Graph API error codes: throttling (app, user, Page, custom-rate), answered with HTTP 400 or 403 like any other error.
const THROTTLED = new Set([4, 17, 32, 613, 80001])
const THROTTLE_WAIT_MS = 3_600_000

/** Graph answers throttling with a 400 or 403 that is no reason to stop polling: it is told from the error's code. A 401 (Threads' answer to some bad tokens) carries the same error body. */
export async function graph(fetch: HttpClient, url: string, token: string, init: { method?: 'POST'; body?: string } = {}): Promise<HttpResponse> {
  const res = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    accept: [400, 401, 403],
  })
  if (res.status < 400) return res
  const error = errorBody(res, GraphError)?.error
  const host = new URL(res.url).host
  const reason = error ? `${host}: error ${error.code}: ${error.message}` : `${host}: HTTP ${res.status}`
  if (error && THROTTLED.has(error.code)) throw new UpstreamError(reason, { status: res.status, retryAt: new Date(Date.now() + THROTTLE_WAIT_MS) })
  throw permanentError(reason, res.status)
}


/** Posts `text` as a comment or reply at `path` (under the thing it answers) and answers its id: a connector's reply. */
export async function postGraphComment(fetch: HttpClient, config: { baseUrl?: string; accessToken: string }, path: string, text: string): Promise<SentReply> {
  const res = await graph(fetch, `${graphBase(config)}/${path}`, config.accessToken, { method: 'POST', body: new URLSearchParams({ message: text }).toString() })
  const { id } = readPosted(res, z.object({ id: z.string() }))
  return { externalId: id, url: null }
}

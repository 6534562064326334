import { z } from '@hono/zod-openapi'
import { AppError } from '../errors.ts'
import type { HttpClient, HttpResponse } from '../net/http-client.ts'

export const PROVIDERS = ['github', 'linear', 'jira'] as const
export type Provider = (typeof PROVIDERS)[number]
export type TicketStatus = 'open' | 'planned' | 'in_progress' | 'done' | 'wont_fix'

/** What a tracker call needs: the shared HTTP client and the integration's decrypted credentials. */
export interface TrackerContext {
  http: HttpClient
  baseUrl: string
  token: string
  email: string | null
}

/** An issue as the tracker reports it, with its state mapped onto ticket statuses. */
export interface RemoteIssue {
  id: string
  key: string
  url: string
  title: string
  state: string
  status: TicketStatus
}

/** The issue to create: a title and the evidence, as Markdown and as Atlassian Document Format. */
export interface NewRemoteIssue {
  title: string
  markdown: string
  adf: Record<string, unknown>
}

/** A status change a tracker pushed to /hooks/<provider>. */
export interface InboundUpdate {
  id: string
  state: string
  status: TicketStatus
}

/** One issue tracker: creating, reading and hearing back about issues. */
export interface Tracker {
  provider: Provider
  defaultBaseUrl?: string
  /** What `target` means for export (a repo, a team, a project) and its shape. */
  target: z.ZodString
  createIssue(ctx: TrackerContext, target: string, issue: NewRemoteIssue): Promise<RemoteIssue>
  /** The reference fetchIssue takes for a browser URL of an issue, or undefined when the URL is not one. */
  parseIssueUrl(url: URL): string | undefined
  fetchIssue(ctx: TrackerContext, ref: string): Promise<RemoteIssue>
  verifyWebhook(headers: Headers, body: string, secret: string, now: Date): Promise<boolean>
  /** The status change in a verified webhook body, or undefined for events that carry none. */
  parseWebhook(headers: Headers, body: string): InboundUpdate | undefined
}

/** Statuses the trackers answer with that we read ourselves instead of letting the client throw. */
export const HANDLED_STATUSES = [400, 401, 403, 404, 410, 422]

/** Turns a tracker's refusal into our error: credentials (502), the request itself (422). */
export function trackerRefusal(provider: Provider, res: HttpResponse, message: string | undefined): AppError {
  const what = message ? `: ${message.slice(0, 300)}` : ''
  if (res.status === 401 || res.status === 403) return new AppError(502, 'tracker_auth_failed', `${provider} refused the credentials (HTTP ${res.status})${what}`)
  return new AppError(422, 'tracker_rejected', `${provider} rejected the request (HTTP ${res.status})${what}`)
}

/** Parses a tracker's JSON answer; anything unexpected is the tracker's fault (502), never a crash. */
export function parseAnswer<T extends z.ZodType>(provider: Provider, schema: T, res: HttpResponse): z.infer<T> {
  let json: unknown
  try {
    json = JSON.parse(res.text)
  } catch {
    throw new AppError(502, 'tracker_unavailable', `${provider} answered with something that is not JSON (HTTP ${res.status})`)
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) throw new AppError(502, 'tracker_unavailable', `${provider} answered in an unexpected shape (HTTP ${res.status})`)
  return parsed.data
}

/** The error message in a JSON error body, if there is one. */
export function errorMessage(text: string, pick: (json: Record<string, unknown>) => unknown): string | undefined {
  try {
    const value = pick(JSON.parse(text))
    return typeof value === 'string' && value ? value : undefined
  } catch {
    return undefined
  }
}

import { z } from 'zod'
import { permanentError, PostedUnreadable, UpstreamError } from '../src/net/errors.ts'
import { parseJson } from '../src/net/parse.ts'
import type { Logger } from '../src/logger.ts'
import type { HttpClient, HttpResponse } from '../src/net/http-client.ts'
import type { MentionItem } from '../src/pipeline/mention-item.ts'

/** What a connector may use while polling: the shared HTTP client, a logger, cancellation and its item budget. */
export interface ConnectorContext {
  fetch: HttpClient
  logger: Logger
  signal: AbortSignal
  now: Date
  /** Most items this poll may return: the bounded backfill on a first run, a safety cap after. */
  maxItems: number
}

export interface PollResult<Cursor> {
  items: MentionItem[]
  /** Saved with the items in one transaction; null starts the next run afresh (a bounded backfill). */
  cursor: Cursor | null
}

/** What a connector may use while replying: the shared HTTP client, without retries (a retried POST could post twice). */
export interface ReplyContext {
  fetch: HttpClient
  /** Unique per reply attempt, for upstreams that de-duplicate on an idempotency key. */
  idempotencyKey: string
}

/** The mention being answered, as stored: the upstream payload it came from carries the ids a reply needs. */
export interface ReplyTarget {
  externalId: string
  url: string | null
  authorHandle: string | null
  raw: unknown
}

/** The reply as the upstream published it. */
export interface SentReply {
  externalId: string
  url: string | null
}

export interface ReplyDefinition<Config, Required extends keyof Config & string> {
  /** Config fields that must be set to reply (the credentials the upstream posts under). */
  requires: readonly Required[]
  /** The upstream's longest post, in graphemes (user-perceived characters), where it is short enough to matter. */
  maxGraphemes?: number
  send: (ctx: ReplyContext, config: Config & { [F in Required]-?: NonNullable<Config[F]> }, target: ReplyTarget, text: string) => Promise<SentReply>
}

/** A connector as written: typed config and cursor. */
export interface ConnectorDefinition<Config, Cursor, Required extends keyof Config & string = never> {
  kind: string
  description: string
  config: z.ZodType<Config>
  cursor: z.ZodType<Cursor>
  /** Config fields holding credentials: stored, never returned in full. */
  secrets: readonly string[]
  /** Config fields holding user-supplied URLs, checked against the SSRF policy when saved. */
  urls: readonly string[]
  /** Absent for push-only kinds (`api`). */
  poll?: (ctx: ConnectorContext, config: Config, cursor: Cursor | null) => Promise<PollResult<Cursor>>
  /**
   * For a kind that polls with some configs and only takes pushes with others
   * (`trustpilot`): whether this config is polled. It reads only which fields
   * are set, so a stored config with its secrets sealed answers as well.
   */
  polled?: (config: Record<string, unknown>) => boolean
  /** Absent where the upstream has no API to answer a post with. */
  reply?: ReplyDefinition<Config, Required>
  /** Its items can be edited upstream and come back under the same externalId (reviews): the stored mention follows. */
  edits?: boolean
}

/** A connector as the registry holds it: config and cursor validated at the boundary. */
export interface Connector {
  kind: string
  description: string
  config: z.ZodType
  secrets: readonly string[]
  urls: readonly string[]
  poll?: (ctx: ConnectorContext, config: unknown, cursor: unknown) => Promise<PollResult<unknown>>
  /** Whether a source with this config runs on a schedule; false: its mentions only arrive by push. */
  polled: (config: Record<string, unknown>) => boolean
  reply?: { requires: readonly string[]; maxGraphemes?: number; send: (ctx: ReplyContext, config: unknown, target: ReplyTarget, text: string) => Promise<SentReply> }
  edits: boolean
}

/** Erases a connector's types behind parsing, so the registry can hold every kind. */
export function defineConnector<Config, Cursor, Required extends keyof Config & string = never>(def: ConnectorDefinition<Config, Cursor, Required>): Connector {
  const { poll, reply } = def
  const parseConfig = (config: unknown) => {
    const parsed = def.config.safeParse(config)
    if (!parsed.success) throw permanentError(`invalid ${def.kind} config: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`)
    return parsed.data
  }
  return {
    kind: def.kind,
    description: def.description,
    config: def.config,
    secrets: def.secrets,
    urls: def.urls,
    edits: def.edits ?? false,
    polled: poll ? (def.polled ?? (() => true)) : () => false,
    poll: poll
      ? (ctx, config, cursor) => {
          const parsed = parseConfig(config)
          const stored = def.cursor.safeParse(cursor)
          return poll(ctx, parsed, cursor !== null && stored.success ? stored.data : null)
        }
      : undefined,
    reply: reply
      ? {
          requires: reply.requires,
          maxGraphemes: reply.maxGraphemes,
          send: (ctx, config, target, text) => {
            const parsed = parseConfig(config)
            const missing = reply.requires.filter((f) => parsed[f] == null)
            if (missing.length) throw permanentError(`a ${def.kind} reply needs ${missing.join(' and ')} in the source's config`)
            return reply.send(ctx, parsed as Parameters<typeof reply.send>[1], target, text)
          },
        }
      : undefined,
  }
}

/** Fields every polled connector accepts. */
export const commonConfig = {
  /** Replaces the public origin (self-hosted instance, proxy, test server); the connector appends the API path. */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Most items the first run backfills. */
  backfill: z.number().int().min(1).max(5000).optional(),
}

/** The origin to call: the configured baseUrl (without a trailing slash) or the public one. */
export const originOf = (config: { baseUrl?: string }, fallback: string) => (config.baseUrl ?? fallback).replace(/\/+$/, '')

/**
 * Reads the answer to the call that posts a reply. Only here does an
 * unreadable body mean "posted": the same failure while signing in or
 * looking things up means nothing went out.
 */
export function readPosted<T extends z.ZodType>(res: HttpResponse, schema: T): z.infer<T> {
  try {
    return parseJson(res, schema)
  } catch (err) {
    throw err instanceof UpstreamError ? new PostedUnreadable(err.message, res.status) : err
  }
}

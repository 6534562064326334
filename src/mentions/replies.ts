// Public replies to a mention, posted upstream under its source's account
// (a GitHub comment, a Mastodon reply, a Discourse or Bluesky post) and kept beside the
// notes, so the team sees what was said in its name and whether it got out.
import { z } from '@hono/zod-openapi'
import { findConnector } from '../../connectors/registry.ts'
import { actorName, writeAudit, type Actor } from '../audit/audit.ts'
import type { Sql, Tx } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import { AppError, badRequest, conflict, notFound } from '../errors.ts'
import { PostedUnreadable, UpstreamError } from '../net/errors.ts'
import type { HttpClient } from '../net/http-client.ts'
import { createSourceHttpClient } from '../scheduler/http.ts'
import { openConfig } from '../sources/source-secrets.ts'
import { announceReply } from '../webhooks/announce.ts'
import { patchMention } from './update.ts'

export const REPLY_MAX_CHARS = 5000
export const ReplyInput = z.strictObject({
  text: z.string().trim().min(1).max(REPLY_MAX_CHARS),
  unlessRepliedSince: z.coerce.date().optional().openapi({
    type: 'string',
    format: 'date-time',
    description: 'When you read the mention: if a reply was posted (or is being posted) since then, nothing is posted and the answer is 409 `already_replied` with those replies, so two people do not answer the same post',
  }),
})

export const ReplySchema = z
  .object({
    id: z.uuid(),
    author: z.string(),
    text: z.string(),
    status: z.enum(['sending', 'sent', 'failed']).openapi({ description: '`sending` while the upstream has not answered' }),
    url: z.string().nullable().openapi({ description: 'The reply at the source, once sent' }),
    error: z.string().nullable().openapi({ description: 'Why the upstream refused it, when it failed' }),
    createdAt: z.date(),
    sentAt: z.date().nullable(),
  })
  .openapi('MentionReply')
export type Reply = z.infer<typeof ReplySchema>

const replyColumns = (sql: Sql | Tx) =>
  sql`id, author, body AS text, status, url, error, created_at AS "createdAt", sent_at AS "sentAt"`

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
/** Characters as a person counts them (an emoji with its modifiers is one), as the short-post upstreams count them. */
const graphemes = (text: string) => [...segmenter.segment(text)].length

interface Answerable {
  id: string
  externalId: string
  url: string | null
  authorHandle: string | null
  raw: unknown
  erased: boolean
  status: string
  sourceId: string
  kind: string
  config: Record<string, unknown>
}

async function loadAnswerable(sql: Sql, workspaceId: string, id: string): Promise<Answerable> {
  const [row]: [Answerable?] = await sql`
    SELECT m.id, m.external_id AS "externalId", m.url, m.author_handle AS "authorHandle", m.raw, m.erased_at IS NOT NULL AS erased,
           m.status, s.id AS "sourceId", s.kind, s.config
    FROM mentions m JOIN sources s ON s.id = m.source_id AND s.workspace_id = m.workspace_id
    WHERE m.workspace_id = ${workspaceId} AND m.id = ${id}`
  if (!row) throw notFound('mention')
  return row
}

/** Why a mention of this source cannot be answered from earshot, or null when it can. */
export function replyBlocker(kind: string, config: Record<string, unknown>, erased: boolean): string | null {
  if (erased) return 'this mention was erased at its author’s request'
  const reply = findConnector(kind)?.reply
  if (!reply) return `${kind} sources cannot reply from earshot; answer at the source`
  const missing = reply.requires.filter((f) => config[f] == null)
  return missing.length ? `the ${kind} source needs ${missing.join(' and ')} (with permission to post) to reply` : null
}

export async function listReplies(sql: Sql | Tx, workspaceId: string, mentionId: string): Promise<Reply[]> {
  return sql<Reply[]>`
    SELECT ${replyColumns(sql)} FROM mention_replies
    WHERE workspace_id = ${workspaceId} AND mention_id = ${mentionId} ORDER BY created_at, id`
}

export interface SendOptions {
  /** A client's key for this reply: a repeat returns the first attempt instead of posting again. */
  idempotencyKey?: string
  /** When the writer read the mention: a reply recorded after it means they wrote without seeing it. */
  unlessRepliedSince?: Date
  http?: HttpClient
}

/**
 * Posts a reply upstream and records it. The row is written before the call,
 * so a reply whose answer never came back stays visible as `sending`; a failed
 * call is kept as `failed` with the upstream's reason, and the caller gets a
 * 502. A first reply moves a `new` mention to `open`: someone is on it.
 */
export async function sendReply(deps: Deps, workspaceId: string, mentionId: string, text: string, actor: Actor, opts: SendOptions = {}): Promise<{ reply: Reply; repeated: boolean }> {
  const { sql } = deps
  const target = await loadAnswerable(sql, workspaceId, mentionId)
  if (opts.idempotencyKey) {
    const earlier = await findByKey(sql, workspaceId, mentionId, opts.idempotencyKey)
    if (earlier) return { reply: earlier, repeated: true }
  }
  const blocker = replyBlocker(target.kind, target.config, target.erased)
  if (blocker) throw conflict(blocker)
  const max = findConnector(target.kind)!.reply!.maxGraphemes
  if (max !== undefined && graphemes(text) > max) throw badRequest(`a ${target.kind} reply takes at most ${max} characters; this one has ${graphemes(text)}`)

  const started = await sql.begin(async (tx) => {
    if (opts.unlessRepliedSince) await refuseIfRepliedSince(tx, workspaceId, mentionId, opts.unlessRepliedSince, opts.idempotencyKey)
    const [row]: [Reply?] = await tx`
      INSERT INTO mention_replies (workspace_id, mention_id, author, body, idempotency_key)
      VALUES (${workspaceId}, ${mentionId}, ${actorName(tx, workspaceId, actor)}, ${text}, ${opts.idempotencyKey ?? null})
      ON CONFLICT (workspace_id, idempotency_key) DO NOTHING
      RETURNING ${replyColumns(tx)}`
    return row
  })
  // A concurrent request with the same key won the insert: answer with its attempt.
  if (!started) return { reply: (await findByKey(sql, workspaceId, mentionId, opts.idempotencyKey!))!, repeated: true }

  const outcome = await post(deps, workspaceId, target, text, started.id, opts.http)
  if (outcome.status === 'failed') {
    await sql`UPDATE mention_replies SET status = 'failed', error = ${outcome.error} WHERE id = ${started.id}`
    throw new AppError(502, 'upstream_error', `the reply was not posted: ${outcome.error}`, { replyId: started.id, retryAt: outcome.retryAt })
  }
  const reply = await sql.begin(async (tx) => {
    const [done]: [Reply] = await tx`
      UPDATE mention_replies SET status = 'sent', external_id = ${outcome.externalId}, url = ${outcome.url}, error = ${outcome.error}, sent_at = now()
      WHERE id = ${started.id} RETURNING ${replyColumns(tx)}`
    await writeAudit(tx, workspaceId, actor, [{ entity: 'mention', entityId: mentionId, action: 'replied', changes: { replyId: done.id, url: outcome.url } }])
    await announceReply(tx, workspaceId, mentionId, { id: done.id, author: done.author, text: done.text, url: done.url, sentAt: done.sentAt })
    return done
  })
  if (target.status === 'new') await patchMention(deps, workspaceId, mentionId, { status: 'open' }, actor)
  return { reply, repeated: false }
}

/**
 * Two people answering the same post at once is the mistake a shared inbox
 * must not make: the mention's row is locked while its replies are read, so of
 * two writers who read it before either posted, the second is refused.
 */
async function refuseIfRepliedSince(tx: Tx, workspaceId: string, mentionId: string, since: Date, key: string | undefined): Promise<void> {
  await tx`SELECT 1 FROM mentions WHERE workspace_id = ${workspaceId} AND id = ${mentionId} FOR NO KEY UPDATE`
  // This very request sent twice (a double click, a client's retry) is no colleague: the insert below answers it as a repeat.
  const replies = await tx<Reply[]>`
    SELECT ${replyColumns(tx)} FROM mention_replies
    WHERE workspace_id = ${workspaceId} AND mention_id = ${mentionId} AND created_at > ${since} AND status <> 'failed'
      ${key ? tx`AND idempotency_key IS DISTINCT FROM ${key}` : tx``}
    ORDER BY created_at, id`
  if (!replies.length) return
  const who = [...new Set(replies.map((r) => r.author))].join(' and ')
  throw new AppError(409, 'already_replied', `${who} replied after you read this mention, so yours was not posted: read theirs, then post yours if it still needs saying`, { replies })
}

type Outcome =
  | { status: 'sent'; externalId: string | null; url: string | null; error: string | null }
  | { status: 'failed'; error: string; retryAt?: Date }

/** One upstream call, never retried; its result in the terms a reply row records. */
async function post(deps: Deps, workspaceId: string, target: Answerable, text: string, replyId: string, http?: HttpClient): Promise<Outcome> {
  const connector = findConnector(target.kind)!
  const fetch = http ?? createSourceHttpClient(deps, undefined, { maxAttempts: 1 })
  try {
    const config = await openConfig(deps, connector, workspaceId, target.sourceId, target.config)
    const sent = await connector.reply!.send({ fetch, idempotencyKey: replyId }, config, target, text)
    return { status: 'sent', ...sent, error: null }
  } catch (err) {
    if (err instanceof PostedUnreadable) return { status: 'sent', externalId: null, url: null, error: `posted, but the answer was unreadable: ${err.message}` }
    if (!(err instanceof UpstreamError)) return { status: 'failed', error: `earshot could not send it: ${(err as Error).message}` }
    return { status: 'failed', error: err.message, retryAt: err.retryAt }
  }
}

async function findByKey(sql: Sql, workspaceId: string, mentionId: string, key: string): Promise<Reply | undefined> {
  const [row]: [(Reply & { mentionId: string })?] = await sql`
    SELECT ${replyColumns(sql)}, mention_id AS "mentionId" FROM mention_replies WHERE workspace_id = ${workspaceId} AND idempotency_key = ${key}`
  if (!row) return undefined
  if (row.mentionId !== mentionId) throw conflict('this Idempotency-Key was used for a reply to another mention')
  const { mentionId: _, ...reply } = row
  return reply
}

import { z } from 'zod'
import { permanentError, UpstreamError } from '../../src/net/errors.ts'
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/net/http-client.ts'
import { errorBody, parseJson } from '../../src/net/parse.ts'
import { tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import type { Logger } from '../../src/logger.ts'
import { keptWithMark, takeNew, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector, originOf, readPosted } from '../types.ts'

/**
 * The private key as RuStore Console shows it: the base64 of a PKCS #8 RSA
 * key, one line. A PEM of the same key (the base64 between BEGIN and END
 * PRIVATE KEY lines) is taken too. Undefined when it is neither.
 */
export function keyBytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  const b64 = text.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]{100,}={0,2}$/.test(b64)) return undefined
  try {
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
  } catch {
    return undefined
  }
}

const Config = z.strictObject({
  packageName: z.string().max(50).regex(/^[A-Za-z]\w*(\.[A-Za-z]\w*)+$/, "the app's package name, e.g. ru.acme.app"),
  /** The key's ID, from the table of keys in RuStore Console → Company → API RuStore. */
  keyId: z.string().regex(/^\d{1,19}$/, 'the numeric key ID shown next to the key in RuStore Console (API RuStore)'),
  /** The private key RuStore Console showed once when the key was generated. */
  privateKey: z
    .string()
    .refine((s) => !s.includes('RSA PRIVATE KEY'), 'a PKCS #8 key ("BEGIN PRIVATE KEY", or the bare base64 RuStore Console shows), not PKCS #1 ("BEGIN RSA PRIVATE KEY")')
    .refine((s) => keyBytes(s) !== undefined, 'the private key from RuStore Console: its base64 as shown there, or a PEM "BEGIN PRIVATE KEY" block'),
  ...commonConfig,
})
type Config = z.infer<typeof Config>

// Ids are int64: the docs show them as numbers in one place and strings in another.
const Id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String)

/**
 * RuStore's times come either as ISO 8601 with an offset (`commentDateIso`,
 * the answers' examples) or, in the older fields, as a local time without
 * one ("2023-06-01 18:10:43.043"): that is Moscow time, UTC+3 all year.
 */
export function parseRuStoreTime(text: string | null | undefined): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text?.trim() ?? '')
  if (!m) return undefined
  const [, day, clock, fraction = '0', zone = '+03:00'] = m
  const offset = zone === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')
  const at = new Date(`${day}T${clock}.${fraction.padEnd(3, '0').slice(0, 3)}${offset}`)
  return Number.isNaN(at.getTime()) ? undefined : at
}

const Comment = z
  .object({
    commentId: Id,
    userName: z.string().nullish(),
    appRating: z.number().int().nullish(),
    commentStatus: z.string().nullish(),
    commentDate: z.string().nullish(),
    commentDateIso: z.string().nullish(),
    commentText: z.string().nullish(),
    likeCounter: z.number().int().min(0).nullish(),
    dislikeCounter: z.number().int().min(0).nullish(),
    updatedAt: z.string().nullish(),
    updatedAtIso: z.string().nullish(),
    appVersionName: z.string().nullish(),
    edited: z.boolean().nullish(),
  })
  .refine((c) => writtenAt(c) !== undefined, { message: 'a review without a readable commentDate', path: ['commentDate'] })
type Comment = z.infer<typeof Comment>
const writtenAt = (c: { commentDateIso?: string | null; commentDate?: string | null }) => parseRuStoreTime(c.commentDateIso) ?? parseRuStoreTime(c.commentDate)

/** A developer's answer, as the list of answers gives it. */
const Answer = z.object({
  id: Id,
  commentId: Id,
  text: z.string().nullish(),
  /** PUBLISHED, MODERATION, REJECTED or DELETED. */
  status: z.string().nullish(),
  /** Last changed. */
  date: z.string().nullish(),
})
type Answer = z.infer<typeof Answer>

/**
 * A list in RuStore's envelope `{code, message, body, timestamp}`. The
 * published schema has `body` as the array itself; RuStore's paged methods
 * elsewhere wrap it as `{content, pageNumber, totalPages, …}`: both are read.
 */
const listOf = <T extends z.ZodType>(item: T) =>
  z
    .object({
      body: z.union([
        z.array(item),
        z.object({ content: z.array(item), totalPages: z.number().int().optional() }),
      ]),
    })
    .transform(({ body }) => (Array.isArray(body) ? { items: body, lastPage: undefined } : { items: body.content, lastPage: body.totalPages === undefined ? undefined : body.totalPages - 1 }))
const CommentPage = listOf(Comment)
const AnswerPage = listOf(Answer)
const Token = z.object({ body: z.object({ jwe: z.string().min(1) }) })
const Posted = z.object({ body: z.object({ id: Id }) })
const RuStoreError = z.object({ code: z.string().nullish(), message: z.string().nullish() })

const API = 'https://public-api.rustore.ru'
// RuStore's paged lists take up to 100 a page (20 unless asked).
const PAGE_SIZE = 100
// Answers are looked up for what a run stores; RuStore cannot be asked for one review's answer, so a bounded scan.
const ANSWER_PAGES = 10
const CONSOLE_KEYS = 'RuStore Console → Company → API RuStore'

/** RuStore gives a review no address of its own: the app's page is where it shows. */
const appPage = (packageName: string) => `https://www.rustore.ru/catalog/app/${encodeURIComponent(packageName)}`
const appApi = (config: Config) => `${originOf(config, API)}/public/v1/application/${encodeURIComponent(config.packageName)}`

/** A review as a mention, timed when it was written (an edit later does not move it). */
export function toMention(c: Comment, packageName: string): MentionItem {
  const rating = c.appRating != null && c.appRating >= 1 && c.appRating <= 5 ? c.appRating : undefined
  const version = c.appVersionName?.trim()
  return {
    externalId: c.commentId,
    url: appPage(packageName),
    author: { handle: c.userName?.trim() || 'RuStore user' },
    text: tidyWhitespace(c.commentText ?? ''),
    publishedAt: writtenAt(c)!,
    rating,
    ...(version ? { version } : {}),
    engagement: { likes: c.likeCounter || undefined },
    raw: c,
  }
}

/** RuStore's own words for a refusal (`{code: "error", message}`), or '' when the body does not say. */
function refusal(res: HttpResponse): string {
  const body = errorBody(res, RuStoreError)
  return body?.message?.trim() || (body?.code && body.code !== 'error' ? body.code : '')
}

/**
 * Calls RuStore and turns its refusals into a reason a person can act on. A
 * refused or unauthorised key (401, 403) or an app it does not know (404) is
 * the config's fault: polling stops until the config changes. A 400 (a
 * request RuStore did not take, e.g. a clock more than 60 s off while signing
 * in) is not, and backs off. Rate limits and 5xx are the shared client's.
 */
async function call(fetch: HttpClient, url: string, init: HttpRequest, explain: (status: number) => string): Promise<HttpResponse> {
  const res = await fetch(url, { ...init, accept: [400, 401, 403, 404] })
  if (res.status < 400) return res
  const why = refusal(res)
  const message = `rustore: ${explain(res.status)} (HTTP ${res.status}${why ? `: ${why}` : ''})`
  throw res.status === 400 ? new UpstreamError(message, { status: 400 }) : permanentError(message, res.status)
}

const toBase64 = (bytes: Uint8Array) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''))

/**
 * Signs in with the key (POST /public/auth/): an RSA signature with SHA-512
 * (SHA512withRSA) of keyId followed by the timestamp, which RuStore takes
 * within 60 s of its clock. The JWE it answers lasts 900 s, longer than a
 * run, so each run or reply signs in once and keeps it to itself.
 */
async function signIn(fetch: HttpClient, config: Config): Promise<Record<string, string>> {
  let key: CryptoKey
  try {
    key = await crypto.subtle.importKey('pkcs8', keyBytes(config.privateKey)!, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }, false, ['sign'])
  } catch {
    throw permanentError(`rustore: the private key in the config is not a usable RSA key; copy it again from ${CONSOLE_KEYS}`)
  }
  // RuStore's examples carry milliseconds and an offset: 2024-06-18T11:49:08.290+03:00.
  const timestamp = new Date().toISOString().replace('Z', '+00:00')
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(`${config.keyId}${timestamp}`))
  const res = await call(
    fetch,
    `${originOf(config, API)}/public/auth/`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keyId: config.keyId, timestamp, signature: toBase64(new Uint8Array(signature)) }) },
    (status) =>
      status === 400
        ? 'RuStore did not take the sign-in'
        : `RuStore refused key ${config.keyId}; check keyId and privateKey against ${CONSOLE_KEYS}, where the key must still be listed`,
  )
  return { 'public-token': parseJson(res, Token).body.jwe }
}

const explainList = (config: Config) => (status: number) =>
  status === 404
    ? `RuStore knows no app ${config.packageName} for this key; check packageName`
    : status === 400
      ? 'RuStore refused the list of reviews'
      : `key ${config.keyId} may not read the reviews of ${config.packageName}; in ${CONSOLE_KEYS} give the key this app and the reviews methods`

/**
 * The answers RuStore holds for these reviews, newest per review; answers
 * rejected by moderation or deleted do not count. Best effort: a key not
 * given the method that lists answers still stores its reviews.
 */
async function answersFor(fetch: HttpClient, logger: Logger, config: Config, headers: Record<string, string>, ids: Set<string>, now: Date) {
  const newest = new Map<string, Answer>()
  try {
    for (let page = 0; page < ANSWER_PAGES; page++) {
      const params = new URLSearchParams({ page: String(page), size: String(PAGE_SIZE) })
      const { items, lastPage } = parseJson(await call(fetch, `${appApi(config)}/feedback?${params}`, { headers }, explainList(config)), AnswerPage)
      for (const a of items) {
        if (!ids.has(a.commentId) || !a.text?.trim() || a.status === 'REJECTED' || a.status === 'DELETED') continue
        const seen = newest.get(a.commentId)
        if (!seen || (parseRuStoreTime(a.date)?.getTime() ?? 0) >= (parseRuStoreTime(seen.date)?.getTime() ?? 0)) newest.set(a.commentId, a)
      }
      if (items.length === 0 || (lastPage !== undefined && page >= lastPage)) break
    }
  } catch (err) {
    if (!(err instanceof UpstreamError && err.permanent)) throw err
    logger.warn('rustore: could not read the developer answers; reviews are stored without them', { reason: err.message })
  }
  return new Map([...newest].map(([id, a]) => [id, { text: a.text!.trim(), at: parseRuStoreTime(a.date) ?? now, by: 'RuStore Console' }]))
}

export const rustoreConnector = defineConnector({
  kind: 'rustore',
  description: "RuStore reviews of one of your apps (RuStore API key from RuStore Console), newest first, with the developer's answers.",
  config: Config,
  cursor: Watermark,
  secrets: ['privateKey'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const headers = await signIn(ctx.fetch, config)
    const items: MentionItem[] = []
    for (let page = 0; items.length < ctx.maxItems; page++) {
      const params = new URLSearchParams({ page: String(page), size: String(PAGE_SIZE) })
      const res = await call(ctx.fetch, `${appApi(config)}/comment?${params}`, { headers }, explainList(config))
      const { items: comments, lastPage } = parseJson(res, CommentPage)
      // Newest first, so the first page holding a review already seen ends the run.
      const mentions = comments.map((c) => toMention(c, config.packageName))
      if (!takeNew(mentions, cursor, items) || comments.length === 0 || (lastPage !== undefined && page >= lastPage)) break
    }
    const kept = keptWithMark(items, cursor, ctx.maxItems)
    if (kept.items.length === 0) return kept
    const answers = await answersFor(ctx.fetch, ctx.logger, config, headers, new Set(kept.items.map((m) => m.externalId)), ctx.now)
    return { items: kept.items.map((m) => (answers.has(m.externalId) ? { ...m, ownerReply: answers.get(m.externalId) } : m)), cursor: kept.cursor }
  },
  reply: {
    // RuStore keeps no length limit in its docs; its refusal (400) is kept as the reason.
    requires: [],
    async send(ctx, config, target, text) {
      if (!/^\d+$/.test(target.externalId)) throw permanentError(`rustore: ${target.externalId} is not a RuStore review`)
      const headers = await signIn(ctx.fetch, config)
      const res = await call(
        ctx.fetch,
        `${appApi(config)}/feedback?${new URLSearchParams({ commentId: target.externalId })}`,
        { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ message: text }) },
        (status) =>
          status === 404
            ? `review ${target.externalId} is no longer in RuStore, or ${config.packageName} is not this key's`
            : status === 400
              ? `RuStore refused the answer to review ${target.externalId}`
              : `key ${config.keyId} may not answer reviews of ${config.packageName}; in ${CONSOLE_KEYS} give the key the method that sends answers`,
      )
      // RuStore moderates an answer before it shows; it goes under the review on the app's page.
      return { externalId: `${target.externalId}/feedback/${readPosted(res, Posted).body.id}`, url: appPage(config.packageName) }
    },
  },
})

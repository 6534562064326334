import PQueue from 'p-queue'
import type { Deps } from '../deps.ts'
import { assertPublicUrl } from '../net/ssrf.ts'
import { UpstreamError } from '../net/errors.ts'
import { classifyStatus, DISABLE_AFTER_FAILURES, MAX_ATTEMPTS, nextAttemptAt, type AttemptOutcome } from './retry.ts'
import { signDelivery } from './signing.ts'
import { openSecretBox } from '../crypto/secret-box.ts'
import { secretContext } from './webhooks.ts'

const TIMEOUT_MS = 10_000
// Longer than one attempt (timeout + bookkeeping); renewed before each attempt.
const LEASE_SECONDS = 60
const WEBHOOKS_PER_RUN = 50
const DELIVERIES_PER_WEBHOOK = 100
const CONCURRENCY_PER_HOST = 4
// Pending deliveries read per query; the lease is renewed with every recorded attempt.
const PREFETCH = 20
const KEPT_RESPONSE_CHARS = 1000

export interface DispatchOptions {
  fetch?: typeof fetch
  random?: () => number
  /** Shutdown: attempts under way are dropped unrecorded (still pending, sent again later) and no new ones start. */
  signal?: AbortSignal
}

export interface DispatchResult {
  attempted: number
  delivered: number
  failed: number
}

interface LeasedWebhook {
  id: string
  workspaceId: string
  url: string
  secret: string
}

interface PendingDelivery {
  id: string
  messageId: string
  body: string
  attempts: number
  nextAttemptAt: Date
}

/**
 * Sends what is due in the outbox. Each webhook is leased to one dispatcher
 * at a time and gets its deliveries one by one in event order; a delivery
 * waiting for a retry holds back the later ones, so receivers see events in
 * the order they happened. Safe to run from any number of instances.
 */
export async function dispatchDueDeliveries(deps: Deps, opts: DispatchOptions = {}): Promise<DispatchResult> {
  const owner = crypto.randomUUID()
  const now = deps.clock()
  const hooks = await deps.sql<LeasedWebhook[]>`
    UPDATE webhooks w SET lease_owner = ${owner}, lease_expires_at = ${new Date(now.getTime() + LEASE_SECONDS * 1000)}
    WHERE w.id IN (
      SELECT h.id FROM webhooks h
      WHERE h.enabled AND (h.lease_expires_at IS NULL OR h.lease_expires_at < ${now})
        AND (SELECT d.next_attempt_at FROM webhook_deliveries d
             WHERE d.webhook_id = h.id AND d.status = 'pending' ORDER BY d.seq LIMIT 1) <= ${now}
      ORDER BY h.id
      LIMIT ${WEBHOOKS_PER_RUN}
      FOR UPDATE SKIP LOCKED)
    RETURNING w.id, w.workspace_id AS "workspaceId", w.url, w.secret`
  const result: DispatchResult = { attempted: 0, delivered: 0, failed: 0 }
  if (hooks.length === 0) return result
  // One derived key for the whole batch; each secret is opened under its own webhook's context.
  try {
    const box = await openSecretBox(deps.config.secretKey)
    for (const hook of hooks) hook.secret = await box.open(hook.secret, secretContext(hook.workspaceId, hook.id))
  } catch (e) {
    await deps.sql`UPDATE webhooks SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = ${owner}`
    throw e
  }
  const queues = new Map<string, PQueue>()
  await Promise.all(
    hooks.map((hook) => {
      const host = new URL(hook.url).host
      let queue = queues.get(host)
      if (!queue) queues.set(host, (queue = new PQueue({ concurrency: CONCURRENCY_PER_HOST })))
      return queue.add(() => drainWebhook(deps, hook, owner, opts, result))
    }),
  )
  return result
}

async function drainWebhook(deps: Deps, hook: LeasedWebhook, owner: string, opts: DispatchOptions, result: DispatchResult) {
  try {
    let ahead: PendingDelivery[] = []
    for (let i = 0; i < DELIVERIES_PER_WEBHOOK; i++) {
      if (ahead.length === 0) {
        ahead = await deps.sql<PendingDelivery[]>`
          SELECT id, message_id AS "messageId", body, attempts, next_attempt_at AS "nextAttemptAt"
          FROM webhook_deliveries WHERE webhook_id = ${hook.id} AND status = 'pending' ORDER BY seq LIMIT ${PREFETCH}`
      }
      const delivery = ahead.shift()
      const now = deps.clock()
      if (!delivery || delivery.nextAttemptAt > now || opts.signal?.aborted) return
      const started = Date.now()
      const outcome = await attemptDelivery(deps, hook, delivery, now, opts.fetch ?? fetch, opts.signal)
      // Cut short by shutdown, not answered by the receiver: nothing to record (delivery is at least once).
      if (opts.signal?.aborted) return
      result.attempted++
      const carryOn = await recordOutcome(deps, hook, owner, delivery, outcome, Date.now() - started, opts.random ?? Math.random)
      if (outcome.kind === 'delivered') result.delivered++
      else result.failed++
      if (outcome.kind === 'retry' || !carryOn) return
    }
  } finally {
    await deps.sql`UPDATE webhooks SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ${hook.id} AND lease_owner = ${owner}`
  }
}

async function readSome(res: Response): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (text.length < KEPT_RESPONSE_CHARS) {
    const { done, value } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
  }
  await reader.cancel().catch(() => {})
  return text.slice(0, KEPT_RESPONSE_CHARS)
}

type Attempt = AttemptOutcome & { responseBody?: string }

async function attemptDelivery(deps: Deps, hook: LeasedWebhook, delivery: PendingDelivery, now: Date, fetchImpl: typeof fetch, stop?: AbortSignal): Promise<Attempt> {
  try {
    // Checked on every attempt: a name that was public at creation may resolve elsewhere now.
    await assertPublicUrl(hook.url, { allowPrivate: deps.config.allowPrivateUrls, lookup: deps.lookupHost })
    const headers = await signDelivery(hook.secret, delivery.messageId, now, delivery.body)
    const res = await fetchImpl(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': `earshot/${deps.config.version} (webhooks)`, ...headers },
      body: delivery.body,
      // A redirect could point anywhere, including private addresses: never followed.
      redirect: 'manual',
      signal: stop ? AbortSignal.any([stop, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS),
    })
    const responseBody = await readSome(res).catch(() => '')
    return { ...classifyStatus(res.status), responseBody }
  } catch (e) {
    if (e instanceof UpstreamError && e.permanent) return { kind: 'reject', error: e.message }
    const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')
    return { kind: 'retry', error: timedOut ? `no answer within ${TIMEOUT_MS / 1000} s` : `network error: ${e instanceof Error ? e.message : String(e)}` }
  }
}

/**
 * Writes the attempt and its consequences, and renews the webhook's lease.
 * Returns whether to go on: false once the webhook is disabled or the lease
 * was lost to another dispatcher (it then owns the order).
 */
async function recordOutcome(
  deps: Deps,
  hook: LeasedWebhook,
  owner: string,
  delivery: PendingDelivery,
  outcome: Attempt,
  durationMs: number,
  random: () => number,
): Promise<boolean> {
  const now = deps.clock()
  const leaseUntil = new Date(now.getTime() + LEASE_SECONDS * 1000)
  const attempts = delivery.attempts + 1
  const status = outcome.status ?? null
  if (outcome.kind === 'delivered') {
    // The common case in one statement (one round trip), still atomic.
    const rows = await deps.sql`
      WITH attempt AS (
        INSERT INTO webhook_attempts (workspace_id, delivery_id, status_code, response_body, duration_ms)
        VALUES (${hook.workspaceId}, ${delivery.id}, ${status}, ${outcome.responseBody ?? null}, ${durationMs})),
      done AS (
        UPDATE webhook_deliveries SET status = 'delivered', attempts = ${attempts}, last_status = ${status}, last_error = NULL, delivered_at = ${now}
        WHERE id = ${delivery.id})
      UPDATE webhooks SET consecutive_failures = 0, lease_expires_at = ${leaseUntil}
      WHERE id = ${hook.id} AND lease_owner = ${owner} AND enabled
      RETURNING id`
    return rows.length > 0
  }
  const error = outcome.error
  return deps.sql.begin(async (tx) => {
    await tx`
      INSERT INTO webhook_attempts (workspace_id, delivery_id, status_code, error, response_body, duration_ms)
      VALUES (${hook.workspaceId}, ${delivery.id}, ${status}, ${error}, ${outcome.responseBody ?? null}, ${durationMs})`
    const retryAt = outcome.kind === 'retry' && attempts < MAX_ATTEMPTS ? nextAttemptAt(now, attempts, random()) : undefined
    await tx`
      UPDATE webhook_deliveries
      SET status = ${retryAt ? 'pending' : 'failed'}, attempts = ${attempts}, last_status = ${status}, last_error = ${error},
          next_attempt_at = ${retryAt ?? now}
      WHERE id = ${delivery.id}`
    const [hookRow]: [{ enabled: boolean; leased: boolean }?] = await tx`
      UPDATE webhooks SET consecutive_failures = consecutive_failures + 1,
        enabled = enabled AND consecutive_failures + 1 < ${DISABLE_AFTER_FAILURES},
        disabled_reason = CASE WHEN enabled AND consecutive_failures + 1 >= ${DISABLE_AFTER_FAILURES}
          THEN ${`disabled after ${DISABLE_AFTER_FAILURES} failed attempts in a row; last: ${error}`} ELSE disabled_reason END,
        disabled_at = CASE WHEN enabled AND consecutive_failures + 1 >= ${DISABLE_AFTER_FAILURES} THEN ${now}::timestamptz ELSE disabled_at END,
        lease_expires_at = CASE WHEN lease_owner = ${owner} THEN ${leaseUntil}::timestamptz ELSE lease_expires_at END
      WHERE id = ${hook.id}
      RETURNING enabled, lease_owner = ${owner} AS leased`
    return hookRow !== undefined && hookRow.enabled && hookRow.leased
  })
}

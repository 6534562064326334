// Upstreams say "wait" in different dialects: Retry-After (seconds or an
// HTTP date) or Help Scout's X-RateLimit-Retry-After (seconds), X-RateLimit-Reset as seconds-to-reset (Reddit), an epoch
// (GitHub, Bluesky) or an ISO timestamp (Mastodon), Stack Exchange's
// `backoff` field or throttle_violation error body, and Telegram's
// `parameters.retry_after` in its error body.

const RESET_HEADERS = ['x-ratelimit-reset', 'ratelimit-reset', 'x-rate-limit-reset']
const REMAINING_HEADERS = ['x-ratelimit-remaining', 'ratelimit-remaining', 'x-rate-limit-remaining']

const header = (headers: Headers, names: string[]) => names.map((n) => headers.get(n)).find((v) => v !== null && v !== '') ?? undefined

function parseRetryAfter(value: string, now: number): number | undefined {
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** Milliseconds until a reset header says the window reopens. */
function parseReset(value: string, now: number): number | undefined {
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed)
    if (n > 1e12) return Math.max(0, n - now)
    if (n > 1e9) return Math.max(0, n * 1000 - now)
    return n * 1000
  }
  const at = Date.parse(trimmed)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** True when the response says the quota is used up. */
export function quotaExhausted(headers: Headers): boolean {
  const remaining = header(headers, REMAINING_HEADERS)
  return remaining !== undefined && Number(remaining) <= 0
}

/** How long the headers ask us to wait, if they say at all. */
export function headerWaitMs(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after') ?? headers.get('x-ratelimit-retry-after')
  if (retryAfter) {
    const ms = parseRetryAfter(retryAfter, now)
    if (ms !== undefined) return ms
  }
  const reset = header(headers, RESET_HEADERS)
  return reset === undefined ? undefined : parseReset(reset, now)
}

interface BodySignal {
  backoffMs?: number
  throttled?: boolean
}

/**
 * Reads the waits some upstreams give only in the body: Stack Exchange's `backoff` seconds and throttle_violation
 * errors with their "available in N seconds", and the `retry_after` seconds of Telegram's 429 (under `parameters`)
 * and of Discord's (at the top).
 */
export function bodySignal(text: string): BodySignal {
  if (!text.startsWith('{') || !(text.includes('"backoff"') || text.includes('throttle_violation') || text.includes('"retry_after"'))) return {}
  try {
    const body = JSON.parse(text) as { backoff?: unknown; error_name?: unknown; error_message?: unknown; retry_after?: unknown; parameters?: { retry_after?: unknown } }
    const retryAfter = body.parameters?.retry_after ?? body.retry_after
    if (typeof retryAfter === 'number') return { backoffMs: retryAfter * 1000 }
    const backoffMs = typeof body.backoff === 'number' ? body.backoff * 1000 : undefined
    if (body.error_name !== 'throttle_violation') return { backoffMs }
    const seconds = /(\d+)\s*seconds?/.exec(String(body.error_message ?? ''))
    return { throttled: true, backoffMs: backoffMs ?? (seconds ? Number(seconds[1]) * 1000 : undefined) }
  } catch {
    return {}
  }
}

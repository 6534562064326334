// Retry policy for webhook deliveries: a short first retry so a blip heals in
// seconds, then exponential steps that add up to about a day.

const DELAYS_SECONDS = [5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800]

/** Attempts a delivery gets before it is marked failed (~24 h after the first). */
export const MAX_ATTEMPTS = DELAYS_SECONDS.length + 1

/** Consecutive failed attempts after which a webhook is disabled: one full retry run. */
export const DISABLE_AFTER_FAILURES = MAX_ATTEMPTS

/** When to try again after `attempts` failed attempts, or undefined when out of attempts. `jitter` in [0, 1). */
export function nextAttemptAt(now: Date, attempts: number, jitter: number): Date | undefined {
  const delay = DELAYS_SECONDS[attempts - 1]
  if (delay === undefined) return undefined
  // up to +10% so endpoints that fail together don't get retried in lockstep
  return new Date(now.getTime() + delay * 1000 * (1 + jitter * 0.1))
}

export type AttemptOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status?: number; error: string }
  | { kind: 'reject'; status?: number; error: string }

/** Classifies an HTTP answer: 2xx delivered; 408/429/5xx worth retrying; anything else (4xx, 3xx) won't change by retrying. */
export function classifyStatus(status: number): AttemptOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered', status }
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', status, error: `HTTP ${status}` }
  if (status >= 300 && status < 400) return { kind: 'reject', status, error: `HTTP ${status}: redirects are not followed` }
  return { kind: 'reject', status, error: `HTTP ${status}` }
}

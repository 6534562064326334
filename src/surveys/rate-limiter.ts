/** Token bucket per key, in memory: each instance limits what reaches it. */
export interface RateLimiter {
  /** Takes one token for `key`; when none is left, says how many seconds until one is. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number }
}

export interface RateLimitOptions {
  /** Requests a key may make in a burst. */
  burst: number
  /** Tokens regained per second. */
  perSecond: number
  /** Keys kept before idle (full) buckets are swept, bounding memory under many clients. */
  maxKeys: number
  now: () => number
}

export function createRateLimiter(opts: RateLimitOptions): RateLimiter {
  if (opts.burst < 1 || opts.perSecond <= 0) throw new RangeError('rate limit needs burst ≥ 1 and perSecond > 0')
  const buckets = new Map<string, { tokens: number; at: number }>()

  function sweep(now: number) {
    for (const [key, b] of buckets) if (b.tokens + ((now - b.at) / 1000) * opts.perSecond >= opts.burst) buckets.delete(key)
  }

  return {
    take(key) {
      const now = opts.now()
      let b = buckets.get(key)
      if (!b) {
        if (buckets.size >= opts.maxKeys) sweep(now)
        b = { tokens: opts.burst, at: now }
        buckets.set(key, b)
      } else {
        b.tokens = Math.min(opts.burst, b.tokens + ((now - b.at) / 1000) * opts.perSecond)
        b.at = now
      }
      if (b.tokens >= 1) {
        b.tokens -= 1
        return { ok: true }
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / opts.perSecond)) }
    },
  }
}

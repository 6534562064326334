import { expandIPv6 } from '../net/ssrf.ts'

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
  /** Keys kept before idle (full) buckets are swept, bounding memory and sweeps under many clients. */
  maxKeys: number
  now: () => number
}

export function createRateLimiter(opts: RateLimitOptions): RateLimiter {
  if (opts.burst < 1 || opts.perSecond <= 0) throw new RangeError('rate limit needs burst ≥ 1 and perSecond > 0')
  const buckets = new Map<string, { tokens: number; at: number }>()

  /**
   * Drops the buckets that have refilled (they are as good as absent). When a
   * flood from many addresses leaves nothing refilled, the oldest go too, down
   * to nine tenths, so a sweep comes at most once per tenth of the map's
   * inserts instead of on every new key.
   */
  function makeRoom(now: number) {
    for (const [key, b] of buckets) if (b.tokens + ((now - b.at) / 1000) * opts.perSecond >= opts.burst) buckets.delete(key)
    const target = Math.floor(opts.maxKeys * 0.9)
    for (const key of buckets.keys()) {
      if (buckets.size <= target) break
      buckets.delete(key)
    }
  }

  return {
    take(key) {
      const now = opts.now()
      let b = buckets.get(key)
      if (!b) {
        if (buckets.size >= opts.maxKeys) makeRoom(now)
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

/**
 * The key a client is limited by: its IPv4 address, or the /64 block of its
 * IPv6 address, which is what one subscriber is given; keyed by the whole
 * address, each of a block's 2^64 addresses would start with a full bucket.
 */
export function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip
  const g = expandIPv6(ip.replace(/^\[|\]$/g, '').split('%')[0])
  if (!g) return ip
  const mappedV4 = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff
  if (mappedV4) return [g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255].join('.')
  return `${g.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`
}

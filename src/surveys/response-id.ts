// The id's first 15 characters only change once a millisecond.
let prefixMs = -1
let prefix = ''

/**
 * A UUIDv7 (RFC 9562) for a new response: time-ordered, so new rows land at
 * the right edge of the primary key's index instead of on a random page of it.
 * The random part comes from a v4 UUID, whose variant bits v7 shares.
 */
export function newResponseId(now = Date.now()): string {
  if (now !== prefixMs) {
    const ms = now.toString(16).padStart(12, '0')
    prefix = `${ms.slice(0, 8)}-${ms.slice(8)}-7`
    prefixMs = now
  }
  return prefix + crypto.randomUUID().slice(15)
}

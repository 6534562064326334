/**
 * A UUIDv7 (RFC 9562) for a new response: time-ordered, so new rows land at
 * the right edge of the primary key's index instead of on a random page of it.
 * The random part comes from a v4 UUID, whose variant bits v7 shares.
 */
export function newResponseId(now = Date.now()): string {
  const ms = now.toString(16).padStart(12, '0')
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${crypto.randomUUID().slice(15)}`
}

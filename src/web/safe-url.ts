/**
 * The URL if it is absolute http(s), else undefined. Links in mentions come
 * from strangers: `javascript:`, `data:` and relative tricks are never linked.
 */
export function safeHttpUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined
  } catch {
    return undefined
  }
}

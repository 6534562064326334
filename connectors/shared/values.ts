import type { MentionItem } from '../../src/pipeline/mention-item.ts'
/** Upstreams send one child as an object and many as an array; this is always an array. */
export const toArray = <T>(value: T | T[] | undefined | null): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value])

/** Text of an XML node that may be a plain string or `{ '#text': … }` with attributes. */
export function nodeText(node: unknown): string {
  if (typeof node === 'string') return node
  if (typeof node === 'number') return String(node)
  if (node && typeof node === 'object' && '#text' in node) return nodeText((node as { '#text': unknown })['#text'])
  return ''
}

/** A date from an upstream value (ISO, RFC 822, epoch seconds), or undefined when it is missing or unreadable. */
export function parseDate(value: unknown): Date | undefined {
  if (typeof value === 'number') return new Date(value * 1000)
  if (typeof value !== 'string' || !value.trim()) return undefined
  const d = new Date(value.trim())
  return Number.isNaN(d.getTime()) ? undefined : d
}

/** Host of a URL without `www.`, or '' when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '')
  } catch {
    return ''
  }
}

/** Keeps the last `n` ids, newest last, without repeats. */
export function rememberIds(previous: string[], added: string[], n = 1000): string[] {
  const set = new Set(previous)
  for (const id of added) {
    set.delete(id)
    set.add(id)
  }
  return [...set].slice(-n)
}

/** Parses the `Link` header into rel → URL. */
export function parseLinkHeader(header: string | null): Record<string, string> {
  const links: Record<string, string> = {}
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part)
    if (m) for (const rel of m[2].split(/\s+/)) links[rel] = m[1]
  }
  return links
}

/**
 * Whoever opened a support ticket or conversation: by e-mail when the desk
 * knows it (which links the customer), else by the desk's own id for them.
 */
export function deskRequester(kind: string, email: string | null | undefined, id: string | undefined, name: string | null | undefined): Pick<MentionItem, 'author' | 'platform'> {
  return {
    author: { handle: email ?? (id ? `${kind}-${id}` : 'unknown'), ...(name ? { name } : {}) },
    platform: email ? 'email' : kind,
  }
}

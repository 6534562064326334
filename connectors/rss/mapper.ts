import { htmlToText, tidyWhitespace } from '../../src/pipeline/html-text.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { hostOf, nodeText, parseDate, toArray } from '../shared/values.ts'

type Node = Record<string, unknown>

/** Google Alerts (and other google.* /url redirects) wrap the real link: take the `url` (or `q`) parameter. */
export function unwrapRedirect(link: string): string {
  try {
    const u = new URL(link)
    if (/(^|\.)google\.[a-z.]+$/.test(u.hostname) && u.pathname === '/url') return u.searchParams.get('url') ?? u.searchParams.get('q') ?? link
  } catch {
    return link
  }
  return link
}

/** Atom/RSS text constructs: HTML unless marked as plain text. */
function textOf(node: unknown, html = true): string {
  const raw = nodeText(node)
  const type = node && typeof node === 'object' ? (node as Node)['@_type'] : undefined
  return html && type !== 'text' ? htmlToText(raw) : tidyWhitespace(raw)
}

function atomLink(entry: Node): string {
  const links = toArray(entry.link as Node | Node[])
  const alternate = links.find((l) => typeof l === 'object' && (!l['@_rel'] || l['@_rel'] === 'alternate')) ?? links[0]
  if (typeof alternate === 'string') return alternate
  return typeof alternate?.['@_href'] === 'string' ? alternate['@_href'] : ''
}

interface FeedEntry {
  id: string
  link: string
  title: string
  text: string
  author: string
  date?: Date
  raw: unknown
}

function fromRss(item: Node): FeedEntry {
  const link = nodeText(item.link).trim()
  return {
    id: nodeText(item.guid).trim() || nodeText(item['@_rdf:about']).trim() || link,
    link,
    title: textOf(item.title),
    text: textOf(item['content:encoded'] ?? item.description),
    author: tidyWhitespace(nodeText(item['dc:creator'] ?? item.author)),
    date: parseDate(nodeText(item.pubDate ?? item['dc:date'])),
    raw: item,
  }
}

function fromAtom(entry: Node): FeedEntry {
  const author = toArray(entry.author as Node | Node[])[0]
  return {
    id: nodeText(entry.id).trim() || atomLink(entry),
    link: atomLink(entry),
    title: textOf(entry.title),
    text: textOf(entry.content ?? entry.summary),
    author: tidyWhitespace(nodeText(author?.name)),
    date: parseDate(nodeText(entry.published ?? entry.updated)),
    raw: entry,
  }
}

/** Entries of an RSS 2.0, Atom or RDF (RSS 1.0) document, or undefined when it is none of them. */
export function feedEntries(doc: Node): FeedEntry[] | undefined {
  const rss = doc.rss as Node | undefined
  if (rss) return toArray((rss.channel as Node | undefined)?.item as Node | Node[]).map(fromRss)
  const feed = doc.feed as Node | undefined
  if (feed) return toArray(feed.entry as Node | Node[]).map(fromAtom)
  const rdf = doc['rdf:RDF'] as Node | undefined
  if (rdf) return toArray(rdf.item as Node | Node[]).map(fromRss)
  return undefined
}

/** An entry without a date is dated when first seen: feeds list newest first, so that is close enough. */
export function toMention(entry: FeedEntry, seenAt: Date): MentionItem {
  const url = unwrapRedirect(entry.link)
  return {
    externalId: entry.id || `${entry.title}|${url}`,
    url,
    author: { handle: entry.author || hostOf(url), ...(entry.author ? { name: entry.author } : {}) },
    title: entry.title || undefined,
    text: entry.text || entry.title,
    publishedAt: entry.date ?? seenAt,
    engagement: {},
    raw: entry.raw,
  }
}

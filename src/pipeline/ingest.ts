import { afterMentionsStored } from '../alerts/on-ingest.ts'
import { linkNewMentions, type NewMention } from '../customers/resolve.ts'
import type { Tx } from '../db/sql.ts'
import { workspaceSettings } from '../workspaces/settings.ts'
import type { Deps } from '../deps.ts'
import { enrich } from '../enrich/index.ts'
import { contentHash } from './content-hash.ts'
import type { MentionItem } from './mention-item.ts'
import { tidyWhitespace } from './html-text.ts'

export interface IngestSource {
  id: string
  kind: string
}

export interface IngestResult {
  inserted: number
  duplicates: number
  /** Ids of the rows this call inserted (duplicates are not repeated). */
  ids: string[]
}

const MAX_BODY_CHARS = 20_000
// 29 columns × 500 rows stays well under PostgreSQL's 65,535 bind parameters, and small
// chunks let enrichment of the next one overlap the insert of this one.
const CHUNK = 500
// Enrichment gives the event loop a turn this often, so the socket can flush the
// statement just sent: a 500-row INSERT is larger than the kernel's send buffer,
// and PostgreSQL would otherwise wait for its tail until the next chunk is enriched.
const ROWS_PER_TURN = 50

const COLUMNS = [
  'workspace_id', 'source_id', 'external_id', 'kind', 'platform', 'url', 'author_handle', 'author_name', 'author_profile_url',
  'author_followers', 'title', 'body', 'lang', 'lang_confidence', 'published_at', 'rating', 'engagement', 'raw', 'content_hash',
  'sentiment_label', 'sentiment_score', 'sentiment_confidence', 'intents', 'spam_score', 'pii', 'priority', 'priority_components',
  'explanation', 'enrich_version',
] as const

/** Keeps the first of each externalId: a batch may repeat an item across pages. */
function uniqueByExternalId(items: MentionItem[]): MentionItem[] {
  const seen = new Set<string>()
  return items.filter((i) => !seen.has(i.externalId) && seen.add(i.externalId))
}

/**
 * Normalizes, enriches and stores mentions inside the caller's transaction,
 * so they commit together with whatever else the caller writes (a source's
 * cursor). `(source_id, external_id)` is unique, so re-ingesting is harmless.
 */
export async function ingestMentions(
  deps: Deps,
  tx: Tx,
  workspaceId: string,
  source: IngestSource,
  items: MentionItem[],
): Promise<IngestResult> {
  if (items.length === 0) return { inserted: 0, duplicates: 0, ids: [] }
  const { redactPii } = await workspaceSettings(tx, workspaceId)
  const now = deps.clock()
  const unique = uniqueByExternalId(items)
  const rowsOf = async (start: number) => {
    const rows = []
    for (let i = start; i < Math.min(start + CHUNK, unique.length); i++) {
      if (i > start && (i - start) % ROWS_PER_TURN === 0) await new Promise(setImmediate)
      rows.push(toRow(tx, workspaceId, source, unique[i], redactPii, now))
    }
    return rows
  }
  // Statements are pipelined on the transaction's connection: PostgreSQL stores
  // one chunk while this process enriches the next (the two use different cores).
  const inserts: Promise<NewMention[]>[] = []
  try {
    for (let start = 0; start < unique.length; start += CHUNK) {
      const rows = await rowsOf(start)
      inserts.push(tx<NewMention[]>`
        INSERT INTO mentions ${tx(rows, COLUMNS)}
        ON CONFLICT (source_id, external_id) DO NOTHING
        RETURNING id, author_kind, author_key`.execute())
    }
  } finally {
    // Every statement sent is settled before the transaction goes on or is rolled back.
    await Promise.allSettled(inserts)
  }
  // In order, so a failure reports the statement that failed, not the ones aborted after it.
  const stored = (await Promise.all(inserts)).flat()
  const ids = stored.map((m) => m.id)
  await linkNewMentions(tx, workspaceId, stored)
  await afterMentionsStored(deps, tx, workspaceId, ids)
  return { inserted: ids.length, duplicates: items.length - ids.length, ids }
}

function toRow(tx: Tx, workspaceId: string, source: IngestSource, item: MentionItem, redactPii: boolean, now: Date) {
  const text = tidyWhitespace(item.text.normalize('NFC')).slice(0, MAX_BODY_CHARS)
  const title = item.title === undefined ? undefined : tidyWhitespace(item.title.normalize('NFC'))
  const e = enrich(
    { text, title, lang: item.lang, rating: item.rating, kind: source.kind, followers: item.author.followers, engagement: item.engagement, publishedAt: item.publishedAt },
    { redactPii, now },
  )
  return {
    workspace_id: workspaceId,
    source_id: source.id,
    external_id: item.externalId,
    kind: source.kind,
    platform: item.platform ?? (source.kind === 'api' ? null : source.kind),
    url: item.url,
    author_handle: item.author.handle,
    author_name: item.author.name ?? null,
    author_profile_url: item.author.profileUrl ?? null,
    author_followers: item.author.followers ?? null,
    title: title ?? null,
    body: e.text,
    lang: e.lang,
    lang_confidence: e.langConfidence,
    published_at: item.publishedAt,
    rating: item.rating ?? null,
    engagement: tx.json(item.engagement),
    raw: item.raw === undefined ? null : tx.json(item.raw as never),
    content_hash: contentHash(title, text),
    sentiment_label: e.sentiment.label,
    sentiment_score: e.sentiment.score,
    sentiment_confidence: e.sentiment.confidence,
    intents: tx.json(e.intents),
    spam_score: e.spam,
    pii: tx.json(e.pii),
    priority: e.priority,
    priority_components: tx.json(e.priorityComponents),
    explanation: tx.json(e.explanation as never),
    enrich_version: e.version,
  }
}

import { afterMentionsStored } from '../alerts/on-ingest.ts'
import { filterSpam } from '../mentions/spam-filter.ts'
import { linkNewMentions, type NewMention } from '../customers/resolve.ts'
import { SYSTEM, writeAudit } from '../audit/audit.ts'
import type { Tx } from '../db/sql.ts'
import { announceMentions } from '../webhooks/announce.ts'
import { workspaceSettings } from '../workspaces/settings.ts'
import type { Deps } from '../deps.ts'
import { enrich } from '../enrich/index.ts'
import { contentHash } from './content-hash.ts'
import type { MentionItem } from './mention-item.ts'
import { tidyWhitespace } from './html-text.ts'

export interface IngestSource {
  id: string
  kind: string
  /** Its items may come back edited under the same externalId; the stored mention then takes the new version. */
  edits?: boolean
}

export interface IngestResult {
  inserted: number
  /** Items already stored as they are (or that cannot change). */
  duplicates: number
  /** Items already stored whose text or rating changed at the source, now stored as edited. */
  edited: number
  /** Ids of the rows this call inserted (duplicates are not repeated). */
  ids: string[]
}

/** A row the insert touched: new, or an earlier version replaced by an edit (with its stars and reading before and after). */
interface Stored extends NewMention {
  spam_score: number
  edited: boolean
  old_rating?: number | null
  old_sentiment?: string | null
  rating?: number | null
  sentiment_label?: string
}

const MAX_BODY_CHARS = 20_000
// 31 columns × 500 rows stays well under PostgreSQL's 65,535 bind parameters, and small
// chunks let enrichment of the next one overlap the insert of this one.
const CHUNK = 500
// Enrichment gives the event loop a turn this often, so the socket can flush the
// statement just sent: a 500-row INSERT is larger than the kernel's send buffer,
// and PostgreSQL would otherwise wait for its tail until the next chunk is enriched.
const ROWS_PER_TURN = 50

const COLUMNS = [
  'workspace_id', 'source_id', 'external_id', 'kind', 'platform', 'url', 'author_handle', 'author_name', 'author_profile_url',
  'author_followers', 'title', 'body', 'lang', 'lang_confidence', 'published_at', 'rating', 'app_version', 'engagement', 'raw', 'content_hash',
  'sentiment_label', 'sentiment_score', 'sentiment_confidence', 'intents', 'spam_score', 'pii', 'urgent', 'priority', 'priority_components',
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
  if (items.length === 0) return { inserted: 0, duplicates: 0, edited: 0, ids: [] }
  const { redactPii, spamThreshold } = await workspaceSettings(tx, workspaceId)
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
  const inserts: Promise<Stored[]>[] = []
  try {
    for (let start = 0; start < unique.length; start += CHUNK) {
      const rows = await rowsOf(start)
      inserts.push((source.edits ? upsert(tx, workspaceId, source.id, rows) : tx<Stored[]>`
        INSERT INTO mentions ${tx(rows, COLUMNS)}
        ON CONFLICT (source_id, external_id) DO NOTHING
        RETURNING id, author_kind, author_key, spam_score, false AS edited`).execute())
    }
  } finally {
    // Every statement sent is settled before the transaction goes on or is rolled back.
    await Promise.allSettled(inserts)
  }
  // In order, so a failure reports the statement that failed, not the ones aborted after it.
  const stored = (await Promise.all(inserts)).flat()
  const added = stored.filter((m) => !m.edited)
  const ids = added.map((m) => m.id)
  await linkNewMentions(tx, workspaceId, added)
  const spam = await filterSpam(tx, workspaceId, added, spamThreshold)
  await afterMentionsStored(deps, tx, workspaceId, ids.filter((id) => !spam.has(id)))
  const edited = stored.filter((m) => m.edited)
  await recordEdits(tx, workspaceId, edited, now)
  await recordOwnerReplies(tx, workspaceId, source.id, unique)
  return { inserted: ids.length, duplicates: items.length - stored.length, edited: edited.length, ids }
}

/**
 * Inserts new items and replaces stored ones whose text or rating changed:
 * the content and the model's reading of it, never what people did with the
 * mention (status, tags, overrides, links) and never an erased mention.
 * The first CTE reads the stored versions in the statement's snapshot, before
 * the insert changes them.
 */
function upsert(tx: Tx, workspaceId: string, sourceId: string, rows: ReturnType<typeof toRow>[]) {
  return tx<Stored[]>`
    WITH before AS (
      SELECT id, rating, sentiment_label FROM mentions
      WHERE workspace_id = ${workspaceId} AND source_id = ${sourceId} AND external_id = ANY(${rows.map((r) => r.external_id)}::text[])
    ), written AS (
      INSERT INTO mentions ${tx(rows, COLUMNS)}
      ON CONFLICT (source_id, external_id) DO UPDATE SET
        url = excluded.url, author_handle = excluded.author_handle, author_name = excluded.author_name,
        author_profile_url = excluded.author_profile_url, author_followers = excluded.author_followers, title = excluded.title,
        body = excluded.body, lang = excluded.lang, lang_confidence = excluded.lang_confidence, rating = excluded.rating,
        app_version = excluded.app_version,
        engagement = excluded.engagement, raw = excluded.raw, content_hash = excluded.content_hash,
        sentiment_label = excluded.sentiment_label, sentiment_score = excluded.sentiment_score,
        sentiment_confidence = excluded.sentiment_confidence, intents = excluded.intents, spam_score = excluded.spam_score,
        pii = excluded.pii, urgent = excluded.urgent, priority = excluded.priority, priority_components = excluded.priority_components,
        explanation = excluded.explanation, enrich_version = excluded.enrich_version, edited_at = now(), updated_at = now()
      WHERE mentions.erased_at IS NULL
        AND (mentions.content_hash IS DISTINCT FROM excluded.content_hash OR mentions.rating IS DISTINCT FROM excluded.rating)
      RETURNING id, author_kind, author_key, spam_score, xmax <> 0 AS edited, rating, sentiment_label
    )
    SELECT w.*, b.rating AS old_rating, b.sentiment_label AS old_sentiment FROM written w LEFT JOIN before b USING (id)`
}

/**
 * Answers the source's own account gave outside earshot (a reply in the Play
 * Console) are stored as sent replies, so the mention counts as answered;
 * once per answer, and not again when it is a reply earshot itself sent.
 */
async function recordOwnerReplies(tx: Tx, workspaceId: string, sourceId: string, items: MentionItem[]) {
  const replies = items.flatMap((i) => (i.ownerReply ? [{ external_id: i.externalId, author: i.ownerReply.by, body: i.ownerReply.text, at: i.ownerReply.at.toISOString() }] : []))
  if (replies.length === 0) return
  await tx`
    INSERT INTO mention_replies (workspace_id, mention_id, author, body, status, sent_at, idempotency_key)
    SELECT ${workspaceId}, m.id, r.author, r.body, 'sent', r.at::timestamptz, 'source:' || m.id || ':' || r.at
    FROM jsonb_to_recordset(${tx.json(replies)}) AS r(external_id text, author text, body text, at text)
    JOIN mentions m ON m.workspace_id = ${workspaceId} AND m.source_id = ${sourceId} AND m.external_id = r.external_id AND m.erased_at IS NULL
    WHERE NOT EXISTS (
      SELECT 1 FROM mention_replies x WHERE x.workspace_id = ${workspaceId} AND x.mention_id = m.id AND x.status = 'sent' AND x.body = r.body)
    ON CONFLICT (workspace_id, idempotency_key) DO NOTHING`
}

/** What an edit changed, in each mention's history, and `mention.updated` for webhooks. */
async function recordEdits(tx: Tx, workspaceId: string, edited: Stored[], at: Date) {
  if (edited.length === 0) return
  await writeAudit(tx, workspaceId, SYSTEM, edited.map((m) => {
    const changes: Record<string, unknown> = {}
    if (m.old_rating !== m.rating) changes.rating = { from: m.old_rating, to: m.rating }
    if (m.old_sentiment !== m.sentiment_label) changes.sentiment = { from: m.old_sentiment, to: m.sentiment_label }
    return { entity: 'mention', entityId: m.id, action: 'edited_at_source', changes }
  }))
  await announceMentions(tx, workspaceId, 'mention.updated', edited.map((m) => m.id), at)
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
    app_version: item.version ?? null,
    engagement: tx.json(item.engagement),
    raw: item.raw === undefined ? null : tx.json(item.raw as never),
    content_hash: contentHash(title, text),
    sentiment_label: e.sentiment.label,
    sentiment_score: e.sentiment.score,
    sentiment_confidence: e.sentiment.confidence,
    intents: tx.json(e.intents),
    spam_score: e.spam,
    pii: tx.json(e.pii),
    urgent: e.urgent,
    priority: e.priority,
    priority_components: tx.json(e.priorityComponents),
    explanation: tx.json(e.explanation as never),
    enrich_version: e.version,
  }
}

import type { Sql, Tx } from '../db/sql.ts'

/** The `data` of mention.created / mention.updated events (and the mention inside a match alert). */
export interface MentionPayload {
  id: string
  sourceId: string
  sourceKind: string
  platform: string | null
  externalId: string
  url: string | null
  author: { handle: string | null; name: string | null; profileUrl: string | null }
  title: string | null
  text: string
  lang: string
  publishedAt: Date
  sentiment: string
  intents: string[]
  /** Its words say it cannot wait. */
  urgent: boolean
  priority: number
  status: string
  customerId: string | null
}

interface Row extends Omit<MentionPayload, 'author'> {
  authorHandle: string | null
  authorName: string | null
  authorProfileUrl: string | null
}

/** Loads event payloads for mentions of one workspace, in the order of `ids`. */
export async function loadMentionPayloads(sql: Sql | Tx, workspaceId: string, ids: string[]): Promise<MentionPayload[]> {
  if (ids.length === 0) return []
  const rows = await sql<Row[]>`
    SELECT m.id, m.source_id AS "sourceId", m.kind AS "sourceKind", m.platform, m.external_id AS "externalId", m.url,
           m.author_handle AS "authorHandle", m.author_name AS "authorName", m.author_profile_url AS "authorProfileUrl",
           m.title, m.body AS text, m.lang, m.published_at AS "publishedAt",
           coalesce(m.sentiment_override, m.sentiment_label) AS sentiment,
           coalesce(
             (SELECT array_agg(x) FROM jsonb_array_elements_text(m.intents_override) x),
             (SELECT array_agg(i->>'label') FROM jsonb_array_elements(m.intents) i),
             '{}') AS intents,
           m.urgent, m.priority, m.status, m.customer_id AS "customerId"
    FROM mentions m
    WHERE m.workspace_id = ${workspaceId} AND m.id = ANY(${ids}::uuid[])`
  const byId = new Map(rows.map(({ authorHandle, authorName, authorProfileUrl, ...r }) => [r.id, { ...r, author: { handle: authorHandle, name: authorName, profileUrl: authorProfileUrl } }]))
  return ids.flatMap((id) => byId.get(id) ?? [])
}

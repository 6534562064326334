// Every mention a filter matches as CSV, streamed from a database cursor so a
// year of a busy workspace never sits in memory. Copies of a post are
// included, with the mention they repeat, since a spreadsheet is where people
// count things themselves.
import type { Deps } from '../deps.ts'
import { csvRows, toCsv } from '../reports/csv.ts'
import { mentionFilterSql, type MentionFilter } from './filter.ts'
import type { MentionSort } from './list.ts'

const HEADER = [
  'id', 'published_at', 'source', 'kind', 'platform', 'url', 'author_handle', 'author_name', 'author_followers', 'title', 'text', 'lang',
  'rating', 'app_version', 'sentiment', 'intents', 'urgent', 'priority', 'status', 'assignee', 'tags', 'customer_id', 'duplicate_of',
]
const BATCH = 1000

interface Row {
  id: string
  published_at: Date
  source: string | null
  kind: string
  platform: string | null
  url: string | null
  author_handle: string | null
  author_name: string | null
  author_followers: number | null
  title: string | null
  body: string
  lang: string
  rating: number | null
  app_version: string | null
  sentiment: string | null
  intents: string[] | null
  urgent: boolean
  priority: number
  status: string
  assignee: string | null
  tags: string[]
  customer_id: string | null
  duplicate_of: string | null
}

const cells = (r: Row) => [
  r.id, r.published_at, r.source, r.kind, r.platform, r.url, r.author_handle, r.author_name, r.author_followers, r.title, r.body, r.lang,
  r.rating, r.app_version, r.sentiment, (r.intents ?? []).join(';'), r.urgent, r.priority, r.status, r.assignee, r.tags.join(';'), r.customer_id, r.duplicate_of,
]

/** The download's name: the day it was taken. */
export const exportName = (now: Date) => `mentions-${now.toISOString().slice(0, 10)}`

/** The CSV as a byte stream; stopping to read it (a closed download) ends the cursor and frees its connection. */
export function exportMentionsCsv(deps: Deps, workspaceId: string, filter: MentionFilter, sort: MentionSort): ReadableStream<Uint8Array> {
  const { sql } = deps
  const order = sort === 'newest' ? sql`m.published_at DESC, m.id DESC` : sql`m.priority DESC, m.id DESC`
  const query = sql<Row[]>`
    SELECT m.id, m.published_at, s.name AS source, m.kind, m.platform, m.url, m.author_handle, m.author_name, m.author_followers,
           m.title, m.body, m.lang, m.rating, m.app_version, m.effective_sentiment AS sentiment, m.effective_intents AS intents, m.urgent, m.priority, m.status,
           m.assignee, m.tags, m.customer_id, m.duplicate_of
    FROM mentions m LEFT JOIN sources s ON s.id = m.source_id AND s.workspace_id = ${workspaceId}
    WHERE ${mentionFilterSql(sql, workspaceId, filter)}
    ORDER BY ${order}`
  const batches = query.cursor(BATCH)[Symbol.asyncIterator]()
  const encoder = new TextEncoder()
  let first = true
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await batches.next()
      if (next.done) {
        if (first) controller.enqueue(encoder.encode(toCsv(HEADER, [])))
        controller.close()
        return
      }
      const rows = next.value.map(cells)
      controller.enqueue(encoder.encode(first ? toCsv(HEADER, rows) : csvRows(rows)))
      first = false
    },
    async cancel() {
      await batches.return?.()
    },
  })
}

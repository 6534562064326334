// The inbox: filtered, searched, keyset-paginated, near-duplicates folded
// into the first copy.
import { z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import type { Sql } from '../db/sql.ts'
import { badRequest } from '../errors.ts'
import { decodeCursor, encodeCursor } from '../http/pagination.ts'
import { andAll, mentionFilterSql, searchesCjk, searchMatchSql, searchQuerySql, substringTerms, type Fragment, type MentionFilter } from './filter.ts'
import { MARK_START, MARK_STOP, mentionColumns, mentionJsonSql, toMention, type Mention, type MentionRow } from './shape.ts'

export const MENTION_SORTS = ['priority', 'newest'] as const
export type MentionSort = (typeof MENTION_SORTS)[number]

const Cursor = z.object({ s: z.enum(MENTION_SORTS), k: z.union([z.number(), z.string()]), id: z.uuid() })

export interface ListMentionsInput {
  filter: MentionFilter
  sort: MentionSort
  cursor?: string
  limit: number
}

/**
 * A near-duplicate is hidden when the copy it points at is shown under the
 * same filter, so narrowing to one source still shows that source's copy.
 */
export function hideDuplicatesSql(sql: Sql, workspaceId: string, filter: MentionFilter): Fragment {
  // A scalar subquery, not NOT EXISTS: the planner may turn an EXISTS into a
  // hashed set of every row the filter matches, when only the few copies need
  // one lookup each.
  return sql`(m.duplicate_of IS NULL OR (
    SELECT count(*) FROM mentions l WHERE l.id = m.duplicate_of AND ${mentionFilterSql(sql, workspaceId, filter, 'l')}) = 0)`
}

const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_STOP}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`

/**
 * A search walks the filter's rows in sort order (index-only: the inbox
 * indexes carry the search vector), at first FIRST_WALK of them. Short of a
 * page of matches, the rate it saw predicts how far the page's last match
 * lies: up to MAX_WALK rows it walks again that far, past that the full-text
 * index finds every match and they are sorted. At 1M mentions a walked row
 * costs ~0.8 µs and the index ~3 µs per match plus a few ms for its posting
 * lists, so walking wins while a 50-row page lies within ~20k rows (words in
 * more than ~0.3% of mentions), and a rare word wastes a short walk only.
 */
const FIRST_WALK = 4_000
const MAX_WALK = 20_000
/** Walk a quarter past the prediction: the rate from a short walk is rough. */
const WALK_MARGIN = 1.25

/**
 * Rows past the page's own that the walk takes before near-duplicates are
 * hidden (copies are 1–2% of mentions, so one walk nearly always has enough).
 * Hiding runs on this short head, not inside the walk: planned inside it, the
 * check's per-row cost estimate made a selective filter's walk look costly
 * enough for JIT compilation, 5–25 ms per query for a 4 ms walk.
 */
const duplicateSlack = (limit: number) => Math.ceil(limit / 5) + 5

/**
 * The rows of one page (one more than the limit, to know if there is a next),
 * in order, each as `select` over `mentions m`.
 */
async function pageRows<R extends { id: string | null }>(deps: Deps, workspaceId: string, input: ListMentionsInput, select: Fragment): Promise<R[]> {
  const { sql } = deps
  const { filter, sort, limit } = input
  const { q, ...structured } = filter
  const conds = [mentionFilterSql(sql, workspaceId, structured)]
  if (input.cursor) {
    const c = decodeCursor(input.cursor, Cursor)
    if (c.s !== sort) throw badRequest('the cursor belongs to another sort order')
    conds.push(sort === 'priority' ? sql`(m.priority, m.id) < (${Number(c.k)}::real, ${c.id}::uuid)` : sql`(m.published_at, m.id) < (${String(c.k)}::timestamptz, ${c.id}::uuid)`)
  }
  const where = andAll(sql, conds)
  const shown = hideDuplicatesSql(sql, workspaceId, filter)
  const order = sort === 'priority' ? sql`m.priority DESC, m.id DESC` : sql`m.published_at DESC, m.id DESC`
  // CJK runs are matched in the title and text themselves, which the walk then has to read from the table.
  const cjk = q !== undefined && searchesCjk(q)
  const walk = sql`SELECT m.id, m.duplicate_of, m.priority, m.published_at ${q ? sql`, m.search` : sql``} ${cjk ? sql`, m.title, m.body` : sql``}
    FROM mentions m WHERE ${where} ORDER BY ${order}`
  if (q) {
    const match = searchMatchSql(sql, q)
    const walkSearch = async () => {
      for (let take = FIRST_WALK; take <= MAX_WALK; ) {
        // The inner LIMIT keeps the planner on the sorted walk; the outer one stops it at the first page of matches.
        // OFFSET 0 keeps the duplicate check out of the walk, where its cost
        // estimate, charged to every walked row, invited JIT compilation (tens of ms).
        const ids = await sql<{ id: string }[]>`
          SELECT m.id FROM (
            SELECT m.id, m.duplicate_of, m.priority, m.published_at FROM (${walk} LIMIT ${take}) m
            WHERE ${match} ORDER BY ${order} OFFSET 0
          ) m
          WHERE ${shown} ORDER BY ${order} LIMIT ${limit + 1}`
        if (ids.length > limit) return ids
        // Infinity when nothing matched: too rare to walk to.
        take = Math.ceil((WALK_MARGIN * (limit + 1) * take) / ids.length)
      }
    }
    // A rare word (or a filter with few rows): every match from the full-text index, sorted.
    const ids = (await walkSearch()) ?? await sql<{ id: string }[]>`
      SELECT m.id FROM mentions m WHERE ${where} AND ${shown} AND ${match}
      ORDER BY ${sort === 'priority' ? sql`m.priority + 0 DESC, m.id DESC` : sql`m.published_at + interval '0' DESC, m.id DESC`}
      LIMIT ${limit + 1}`
    return sql<R[]>`
      WITH page AS (SELECT unnest(${ids.map((r) => r.id)}::uuid[]) AS id)
      SELECT ${select} FROM page JOIN mentions m ON m.id = page.id ORDER BY ${order}`
  }
  // Page first on the narrow index columns, then fetch and decorate only the rows shown.
  for (let take = limit + 1 + duplicateSlack(limit); ; take *= 4) {
    const rows = await sql<(R & { walked: number })[]>`
      WITH head AS (${walk} LIMIT ${take}),
        page AS (SELECT m.id FROM head m WHERE ${shown} ORDER BY ${order} LIMIT ${limit + 1})
      SELECT ${select}, w.walked
      FROM (SELECT count(*)::int AS walked FROM head) w LEFT JOIN (page JOIN mentions m ON m.id = page.id) ON true
      ORDER BY ${order}`
    // An empty page still has its one row of `walked`.
    const found = rows.filter((r) => r.id !== null)
    if (found.length > limit || rows[0].walked < take) return found
  }
}

const sortKeySql = (sql: Sql, sort: MentionSort) => (sort === 'priority' ? sql`m.priority` : sql`m.published_at::text`)

/** The excerpt a search shows, its matches between MARK_START and MARK_STOP. */
function headlineSql(sql: Sql, q: string): Fragment {
  const text = sql`(coalesce(m.title || ' — ', '') || m.body)`
  if (!searchesCjk(q)) return sql`ts_headline(earshot_ts_config(m.lang), ${text}, (SELECT ${searchQuerySql(sql, q)}), ${HEADLINE_OPTIONS})`
  return cjkHeadlineSql(sql, text, substringTerms(q).filter((t) => !t.absent).map((t) => t.term))
}

const CJK_EXCERPT_CHARS = 160
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * ts_headline cannot mark what a CJK search matched (its parser keeps a run of
 * Han or kana as one word), so the excerpt is cut here: from a little before
 * the first term found, each term marked wherever it occurs, case aside.
 */
function cjkHeadlineSql(sql: Sql, text: Fragment, terms: string[]): Fragment {
  if (terms.length === 0) return sql`left(${text}, ${CJK_EXCERPT_CHARS})`
  const start = sql`greatest(1, (SELECT min(nullif(strpos(lower(${text}), t), 0)) FROM unnest(${terms}::text[]) AS t) - 24)`
  const excerpt = sql`substr(${text}, ${start}, ${CJK_EXCERPT_CHARS})`
  const marked = sql`regexp_replace(${excerpt}, ${terms.map(escapeRegex).join('|')}, ${`${MARK_START}\\&${MARK_STOP}`}, 'gi')`
  return sql`CASE WHEN ${start} > 1 THEN '… ' ELSE '' END || ${marked}
    || CASE WHEN length(${text}) >= ${start} + ${CJK_EXCERPT_CHARS} THEN ' …' ELSE '' END`
}

function nextCursor<R extends { id: string; sort_key: number | string }>(rows: R[], input: ListMentionsInput): { shown: R[]; nextCursor: string | null } {
  const more = rows.length > input.limit
  const shown = more ? rows.slice(0, input.limit) : rows
  const last = shown[shown.length - 1]
  return { shown, nextCursor: more && last ? encodeCursor({ s: input.sort, k: last.sort_key, id: last.id }) : null }
}

export async function listMentions(deps: Deps, workspaceId: string, input: ListMentionsInput): Promise<{ items: Mention[]; nextCursor: string | null }> {
  const { sql } = deps
  const q = input.filter.q
  const rows = await pageRows<MentionRow & { sort_key: number | string }>(deps, workspaceId, input,
    sql`${mentionColumns(sql)}, ${sortKeySql(sql, input.sort)} AS sort_key ${q ? sql`, ${headlineSql(sql, q)} AS snippet` : sql``}`)
  const { shown, nextCursor: cursor } = nextCursor(rows, input)
  return { items: shown.map(toMention), nextCursor: cursor }
}

/**
 * The API's inbox page as JSON text, the same document as JSON.stringify of
 * listMentions: PostgreSQL builds each mention's JSON (mentionJsonSql), so
 * the server passes a page through without parsing and re-serialising 50 rows
 * of 30-odd columns. The CPU per page is about the same, but it moves off
 * the server's one thread (which capped the inbox near 800 pages/s on two
 * cores) onto PostgreSQL backends, which use every core.
 */
export async function listMentionsJson(deps: Deps, workspaceId: string, input: ListMentionsInput): Promise<string> {
  const { sql } = deps
  const q = input.filter.q
  const rows = await pageRows<{ id: string; sort_key: number | string; json: string }>(deps, workspaceId, input,
    sql`m.id, ${sortKeySql(sql, input.sort)} AS sort_key, ${mentionJsonSql(sql, q ? headlineSql(sql, q) : undefined)}::text AS json`)
  const { shown, nextCursor: cursor } = nextCursor(rows, input)
  return `{"items":[${shown.map((r) => r.json).join(',')}],"nextCursor":${JSON.stringify(cursor)}}`
}

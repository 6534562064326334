// The one mention filter: the inbox list, its counts, bulk actions, saved
// views, alert rules and web pages all describe "which mentions" with it, so a
// saved view means the same thing everywhere.
import { z } from '@hono/zod-openapi'
import type postgres from 'postgres'
import type { Sql, Tx } from '../db/sql.ts'
import { INTENT_LABELS, SENTIMENT_LABELS } from '../enrich/index.ts'

export const MENTION_STATUSES = ['new', 'open', 'in_progress', 'snoozed', 'resolved', 'ignored', 'spam'] as const
export type MentionStatus = (typeof MENTION_STATUSES)[number]
/** Statuses a person or rule sets directly; `snoozed` comes with a time to wake (`snoozedUntil`). */
export const SETTABLE_STATUSES = ['new', 'open', 'in_progress', 'resolved', 'ignored', 'spam'] as const satisfies readonly MentionStatus[]
/** Statuses that still owe someone's attention; resolved, ignored and spam mentions owe nothing, and snoozed ones nothing yet. */
export const OPEN_STATUSES = ['new', 'open', 'in_progress'] as const satisfies readonly MentionStatus[]

/** Query strings carry lists as `a,b`; JSON bodies as arrays. Both parse to an array. */
const listOf = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(item).min(1).max(50))

/** `true`/`false` from a query string, or a JSON boolean. */
const flag = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean())

const RELATIVE = /^(\d{1,6})([mhdw])$/
/** An ISO date/time, or a duration back from now (`90m`, `24h`, `7d`, `4w`) so a saved view stays current. */
const TimeBound = z
  .string()
  .max(40)
  .refine((s) => RELATIVE.test(s) || !Number.isNaN(Date.parse(s)), 'an ISO date/time or a duration such as 24h, 7d')
  .openapi({ example: '24h' })

export const MentionFilter = z.strictObject({
  status: listOf(z.enum(MENTION_STATUSES)).optional(),
  sentiment: listOf(z.enum(SENTIMENT_LABELS)).optional(),
  intent: listOf(z.enum(INTENT_LABELS)).optional(),
  source: listOf(z.uuid()).optional(),
  kind: listOf(z.string().min(1).max(50)).optional(),
  lang: listOf(z.string().min(1).max(35)).optional(),
  /** Stars of a review (1–5); mentions without stars never match. */
  rating: listOf(z.coerce.number().int().min(1).max(5)).optional(),
  /** The app version a review is about, as the store names it. */
  version: listOf(z.string().min(1).max(100)).optional(),
  /** An assignee's name, or `unassigned`. */
  assignee: z.string().min(1).max(200).optional(),
  /** Every listed tag must be present. */
  tag: listOf(z.string().min(1).max(100)).optional(),
  customer: z.uuid().optional(),
  ticket: z.uuid().optional(),
  minPriority: z.coerce.number().min(0).max(1).optional(),
  since: TimeBound.optional(),
  until: TimeBound.optional(),
  /** Full-text search, web-search syntax: words, "phrases", -exclusions, or. */
  q: z.string().trim().min(1).max(200).optional(),
  /** Linked to a ticket that is done and not yet resolved here: time to tell the people who reported it. */
  followUp: flag.optional(),
  /** Answered at its source from earshot: a reply that got out (`false`: none yet). */
  answered: flag.optional(),
  /** Its words say it cannot wait (src/enrich/urgency.ts). */
  urgent: flag.optional(),
})
export type MentionFilter = z.infer<typeof MentionFilter>

type AnySql = Sql | Tx
export type Fragment = postgres.Fragment

const UNIT_SECONDS = { m: 60, h: 3600, d: 86_400, w: 604_800 } as const

/** How far back from now a relative bound (`24h`) reaches, in seconds; undefined for an ISO time. */
function relativeSeconds(value: string): number | undefined {
  const rel = RELATIVE.exec(value)
  return rel ? Number(rel[1]) * UNIT_SECONDS[rel[2] as keyof typeof UNIT_SECONDS] : undefined
}

/**
 * The filter with its relative bounds (`24h`) turned into times, rounded down
 * to `grainMs`: a view such as "last 24h" then names the same page for that
 * long, so it can be kept (page-cache.ts), at the cost of up to `grainMs` more
 * at its edge.
 */
export function pinTimeBounds(f: MentionFilter, now: Date, grainMs: number): MentionFilter {
  const pin = (value: string) => {
    const seconds = relativeSeconds(value)
    if (seconds === undefined) return value
    return new Date(Math.floor((now.getTime() - seconds * 1000) / grainMs) * grainMs).toISOString()
  }
  const pinned = { ...f }
  if (f.since !== undefined) pinned.since = pin(f.since)
  if (f.until !== undefined) pinned.until = pin(f.until)
  return pinned
}

function timeBound(sql: AnySql, value: string): Fragment {
  const seconds = relativeSeconds(value)
  if (seconds === undefined) return sql`${new Date(value)}::timestamptz`
  return sql`(now() - make_interval(secs => ${seconds}))`
}

/** The languages we stem; a query is stemmed by each so it matches text of any of them. */
const SEARCH_CONFIGS = ['english', 'spanish', 'german', 'french', 'italian', 'portuguese', 'dutch', 'russian', 'norwegian', 'greek', 'simple'] as const

/**
 * The tsquery for `q`: the user's words stemmed in every language we index,
 * OR-ed, so "crash" finds English "crashes" and German "abstürzen" finds
 * "Absturz"-family words, while each mention was indexed in its own language.
 */
export function searchQuerySql(sql: AnySql, q: string): Fragment {
  // Most languages stem most words alike; each distinct reading is tested once per row.
  return sql`(SELECT string_agg(DISTINCT '(' || t::text || ')', ' | ')::tsquery
    FROM unnest(${SEARCH_CONFIGS as unknown as string[]}::regconfig[]) AS c, websearch_to_tsquery(c, ${q}) AS t
    WHERE t::text <> '')`
}

// Chinese, Japanese and Korean are written without spaces between words (ー, the long vowel mark, and 々, the
// repetition mark, belong to no one script but are written among them).
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー々]/u

/** Whether `q` holds Chinese, Japanese or Korean, which the text index cannot split into words. */
export const searchesCjk = (q: string) => CJK.test(q)

/**
 * Whether the mention aliased `m` matches `q`: through the text index
 * (searchQuerySql), or, when `q` holds CJK, which the index keeps as whole
 * runs (and with neighbouring Latin letters: CSVのエクスポート), by substrings:
 * each term of `q` must be in the title or text (after a minus, must not),
 * case aside, so 崩溃 finds 导出功能崩溃了.
 */
export function searchMatchSql(sql: AnySql, q: string, alias = 'm'): Fragment {
  const m = sql(alias)
  // A scalar subquery is computed once per query, not once per candidate row.
  if (!searchesCjk(q)) return sql`${m}.search @@ (SELECT ${searchQuerySql(sql, q)})`
  const text = sql`lower(coalesce(${m}.title, '') || ' ' || ${m}.body)`
  return andAll(sql, substringTerms(q).map((t) => sql`strpos(${text}, ${t.term}) ${t.absent ? sql`=` : sql`>`} 0`))
}

/** The terms of a CJK query, lower-cased, each to be found as a substring (or, after a minus, to be absent). */
export function substringTerms(q: string): { term: string; absent: boolean }[] {
  return q
    .split(/\s+/)
    .map((w) => ({ absent: w.startsWith('-'), term: w.replace(/^-/, '').replace(/"/g, '').toLowerCase() }))
    .filter((t) => /[\p{L}\p{N}]/u.test(t.term))
}

/** AND of conditions; `true` when there are none. */
export function andAll(sql: AnySql, conds: Fragment[]): Fragment {
  if (conds.length === 0) return sql`true`
  return conds.reduce((a, b) => sql`${a} AND ${b}`)
}

/**
 * Conditions on the table aliased `alias` (default `m`): use as
 * `FROM mentions m WHERE ${mentionFilterSql(sql, workspaceId, filter)}`.
 * Always scoped to the workspace; sentiment and intent match the effective
 * (human override, else model) values.
 */
/**
 * What people said rather than what went to spam: counts that describe the conversation (reports, digests, spikes)
 * leave spam out unless the filter names statuses itself.
 */
export const withoutSpam = (sql: AnySql, f: MentionFilter, alias = 'm'): Fragment => (f.status ? sql`true` : sql`${sql(alias)}.status <> 'spam'`)

export function mentionFilterSql(sql: AnySql, workspaceId: string, f: MentionFilter, alias = 'm'): Fragment {
  const m = sql(alias)
  const conds: Fragment[] = [sql`${m}.workspace_id = ${workspaceId}`]
  if (f.status) conds.push(sql`${m}.status IN ${sql(f.status)}`)
  if (f.sentiment) conds.push(sql`${m}.effective_sentiment IN ${sql(f.sentiment)}`)
  if (f.intent) conds.push(sql`${m}.effective_intents && ${f.intent}::text[]`)
  if (f.source) conds.push(sql`${m}.source_id IN ${sql(f.source)}`)
  if (f.kind) conds.push(sql`${m}.kind IN ${sql(f.kind)}`)
  if (f.lang) conds.push(sql`${m}.lang IN ${sql(f.lang)}`)
  if (f.rating) conds.push(sql`round(${m}.rating)::int IN ${sql(f.rating)}`)
  if (f.version) conds.push(sql`${m}.app_version IN ${sql(f.version)}`)
  if (f.assignee === 'unassigned') conds.push(sql`${m}.assignee IS NULL`)
  else if (f.assignee) conds.push(sql`${m}.assignee = ${f.assignee}`)
  if (f.tag) conds.push(sql`${m}.tags @> ${f.tag}::text[]`)
  if (f.customer) conds.push(sql`${m}.customer_id = ${f.customer}`)
  if (f.ticket) {
    conds.push(sql`EXISTS (SELECT 1 FROM ticket_links tl WHERE tl.mention_id = ${m}.id AND tl.ticket_id = ${f.ticket} AND tl.workspace_id = ${workspaceId})`)
  }
  if (f.minPriority !== undefined) conds.push(sql`${m}.priority >= ${f.minPriority}`)
  if (f.urgent !== undefined) conds.push(sql`${m}.urgent = ${f.urgent}`)
  if (f.since) conds.push(sql`${m}.published_at >= ${timeBound(sql, f.since)}`)
  if (f.until) conds.push(sql`${m}.published_at < ${timeBound(sql, f.until)}`)
  if (f.q) conds.push(searchMatchSql(sql, f.q, alias))
  if (f.followUp !== undefined) {
    const linkedToDone = sql`EXISTS (SELECT 1 FROM ticket_links tl JOIN tickets t ON t.id = tl.ticket_id
      WHERE tl.mention_id = ${m}.id AND t.status = 'done' AND t.workspace_id = ${workspaceId})`
    const open = sql`${m}.status NOT IN ('resolved', 'ignored', 'spam')`
    conds.push(f.followUp ? sql`(${open} AND ${linkedToDone})` : sql`NOT (${open} AND ${linkedToDone})`)
  }
  if (f.answered !== undefined) {
    const replied = sql`EXISTS (SELECT 1 FROM mention_replies r WHERE r.mention_id = ${m}.id AND r.status = 'sent' AND r.workspace_id = ${workspaceId})`
    conds.push(f.answered ? replied : sql`NOT ${replied}`)
  }
  return andAll(sql, conds)
}

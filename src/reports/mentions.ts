// What people said over a period, in numbers: volume and sentiment per day,
// week or month; shares by source, platform, language and intent; the most
// active and the loudest authors; the change against the period before. Any
// inbox filter narrows it. Duplicates (the same text posted again) count once.
import { z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { SENTIMENT_LABELS, type SentimentLabel } from '../enrich/index.ts'
import { badRequest } from '../errors.ts'
import { mentionFilterSql, MentionFilter, pinTimeBounds } from '../mentions/filter.ts'
import { toCsv } from './csv.ts'

export const INTERVALS = ['day', 'week', 'month'] as const
type Interval = (typeof INTERVALS)[number]
const MAX_BUCKETS = 400
const DAY_MS = 86_400_000

export const MentionReportQuery = MentionFilter.extend({
  interval: z.enum(INTERVALS).default('day'),
  /** `csv`: the series, one row per interval. */
  format: z.enum(['json', 'csv']).default('json'),
})
export type MentionReportQuery = z.infer<typeof MentionReportQuery>

const Counts = z.object({ total: z.number().int(), positive: z.number().int(), neutral: z.number().int(), negative: z.number().int() })
const Share = z.object({ n: z.number().int(), negative: z.number().int() })

export const MentionReport = z
  .object({
    since: z.date(),
    until: z.date(),
    interval: z.enum(INTERVALS),
    totals: Counts.extend({
      /** (positive − negative) / (positive + negative), −100…100; null without any. */
      netSentiment: z.number().nullable(),
      /** Mentions in the period of the same length just before. */
      previous: z.number().int(),
      changePct: z.number().nullable(),
    }),
    series: z.array(Counts.extend({ start: z.date() })),
    sources: z.array(Share.extend({ id: z.uuid(), name: z.string(), kind: z.string() })),
    platforms: z.array(Share.extend({ platform: z.string() })),
    languages: z.array(Share.extend({ lang: z.string() })),
    intents: z.array(z.object({ intent: z.string(), n: z.number().int() })),
    /** Most mentions first, then reach: who talks about you most. */
    authors: z.array(Share.extend({ platform: z.string(), handle: z.string(), name: z.string().nullable(), followers: z.number().int().nullable(), lastAt: z.date() })),
  })
  .openapi('MentionReport')
export type MentionReport = z.infer<typeof MentionReport>

/** The start of the interval holding `d`, in UTC (weeks start on Monday, as date_trunc does). */
function truncate(d: Date, interval: Interval): Date {
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
  if (interval === 'day') return new Date(day)
  if (interval === 'week') return new Date(day - ((d.getUTCDay() + 6) % 7) * DAY_MS)
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1))
}

function nextStart(d: Date, interval: Interval): Date {
  if (interval === 'day') return new Date(d.getTime() + DAY_MS)
  if (interval === 'week') return new Date(d.getTime() + 7 * DAY_MS)
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))
}

const pct = (part: number, whole: number) => (whole ? Math.round((1000 * part) / whole) / 10 : null)

export async function mentionReport(deps: Deps, workspaceId: string, filter: MentionFilter, interval: Interval): Promise<MentionReport> {
  const now = deps.clock()
  const pinned = pinTimeBounds(filter, now, 1000)
  const until = pinned.until ? new Date(pinned.until) : now
  const since = pinned.since ? new Date(pinned.since) : new Date(until.getTime() - 30 * DAY_MS)
  if (!(since < until)) throw badRequest('since must be before until')
  const starts: Date[] = []
  for (let s = truncate(since, interval); s < until; s = nextStart(s, interval)) {
    if (starts.push(s) > MAX_BUCKETS) throw badRequest(`more than ${MAX_BUCKETS} ${interval}s between since and until; use a longer interval`)
  }
  const { sql } = deps
  const inPeriod = (from: Date, to: Date) =>
    sql`${mentionFilterSql(sql, workspaceId, { ...filter, since: from.toISOString(), until: to.toISOString() })} AND m.duplicate_of IS NULL`
  const where = inPeriod(since, until)
  const previousStart = new Date(since.getTime() - (until.getTime() - since.getTime()))

  // One pass over the period's index entries answers the series and every share (GROUPING SETS).
  const [grouped, intents, authors, [previous], sourceNames] = await Promise.all([
    sql<{ set: number; bucket: Date | null; sentiment: SentimentLabel | null; source: string | null; kind: string | null; lang: string | null; n: number; negative: number }[]>`
      SELECT GROUPING(bucket, sentiment, source, kind, lang) AS set, bucket, sentiment, source, kind, lang,
             count(*)::int AS n, count(*) FILTER (WHERE sentiment = 'negative')::int AS negative
      FROM (SELECT date_trunc(${interval}, m.published_at, 'UTC') AS bucket, m.effective_sentiment AS sentiment,
                   m.source_id AS source, coalesce(m.platform, m.kind) AS kind, m.lang
            FROM mentions m WHERE ${where}) x
      GROUP BY GROUPING SETS ((bucket, sentiment), (source), (kind), (lang))`,
    sql<{ intent: string; n: number }[]>`
      SELECT i AS intent, count(*)::int AS n FROM mentions m CROSS JOIN LATERAL unnest(m.effective_intents) i
      WHERE ${where} AND i <> 'other' GROUP BY i ORDER BY n DESC, i`,
    sql<MentionReport['authors']>`
      SELECT coalesce(m.platform, m.kind) AS platform, m.author_handle AS handle, (array_agg(m.author_name ORDER BY m.published_at DESC))[1] AS name,
             count(*)::int AS n, count(*) FILTER (WHERE m.effective_sentiment = 'negative')::int AS negative,
             max(m.author_followers) AS followers, max(m.published_at) AS "lastAt"
      FROM mentions m WHERE ${where} AND m.author_handle IS NOT NULL
      GROUP BY 1, 2 ORDER BY n DESC, followers DESC NULLS LAST, handle LIMIT 10`,
    sql<{ n: number }[]>`SELECT count(*)::int AS n FROM mentions m WHERE ${inPeriod(previousStart, since)}`,
    sql<{ id: string; name: string; kind: string }[]>`SELECT id, name, kind FROM sources WHERE workspace_id = ${workspaceId}`,
  ])

  const index = new Map(starts.map((s, i) => [s.getTime(), i]))
  const series = starts.map((start) => ({ start, total: 0, positive: 0, neutral: 0, negative: 0 }))
  const totals = { total: 0, positive: 0, neutral: 0, negative: 0 }
  const bySet = (set: number) => grouped.filter((g) => g.set === set)
  // GROUPING() is a bit mask over (bucket, sentiment, source, kind, lang), 1 = not grouped by it.
  for (const g of bySet(0b00111)) {
    const row = series[index.get(g.bucket!.getTime())!]
    row.total += g.n
    totals.total += g.n
    if (g.sentiment && SENTIMENT_LABELS.includes(g.sentiment)) {
      row[g.sentiment] += g.n
      totals[g.sentiment] += g.n
    }
  }
  const names = new Map(sourceNames.map((s) => [s.id, s]))
  const byCount = <T extends { n: number }>(rows: T[]) => rows.sort((a, b) => b.n - a.n)
  const polar = totals.positive + totals.negative
  return {
    since,
    until,
    interval,
    totals: {
      ...totals,
      netSentiment: polar ? Math.round((1000 * (totals.positive - totals.negative)) / polar) / 10 : null,
      previous: previous.n,
      changePct: pct(totals.total - previous.n, previous.n),
    },
    series,
    sources: byCount(
      bySet(0b11011)
        .filter((g) => g.source && names.has(g.source))
        .map((g) => ({ id: g.source!, name: names.get(g.source!)!.name, kind: names.get(g.source!)!.kind, n: g.n, negative: g.negative })),
    ),
    platforms: byCount(bySet(0b11101).map((g) => ({ platform: g.kind ?? 'unknown', n: g.n, negative: g.negative }))),
    languages: byCount(bySet(0b11110).map((g) => ({ lang: g.lang ?? 'und', n: g.n, negative: g.negative }))),
    intents,
    authors,
  }
}

export const mentionReportCsv = (r: MentionReport) =>
  toCsv(['start', 'total', 'positive', 'neutral', 'negative'], r.series.map((s) => [s.start, s.total, s.positive, s.neutral, s.negative]))

// What people said over a period, in numbers: volume and sentiment per day,
// week or month; shares by source, platform, language and intent; the most
// active authors; the change against the period before. Any
// inbox filter narrows it. Duplicates (the same text posted again) count once.
import { z } from '@hono/zod-openapi'
import { aggregating } from '../db/aggregate.ts'
import type { Deps } from '../deps.ts'
import { SENTIMENT_LABELS, type SentimentLabel } from '../enrich/index.ts'
import { badRequest } from '../errors.ts'
import { mentionFilterSql, MentionFilter, pinTimeBounds, withoutSpam, type Fragment } from '../mentions/filter.ts'
import { toCsv } from './csv.ts'
import { topThemes } from '../enrich/themes.ts'
import { bucketDate, bucketDateSql, bucketStarts, INTERVALS, type Interval } from '../time/buckets.ts'
import { DAY_MS } from '../time/wall-clock.ts'
import { workspaceSettings } from '../workspaces/settings.ts'

const MAX_BUCKETS = 400

export const MentionReportQuery = MentionFilter.extend({
  interval: z.enum(INTERVALS).default('day'),
  /** `csv`: the series, one row per interval. */
  format: z.enum(['json', 'csv']).default('json'),
})
export type MentionReportQuery = z.infer<typeof MentionReportQuery>

const Counts = z.object({ total: z.number().int(), positive: z.number().int(), neutral: z.number().int(), negative: z.number().int() })
const Share = z.object({ n: z.number().int(), negative: z.number().int() })
const Stars = z.object({ rated: z.number().int(), averageRating: z.number().nullable() })
type Share = z.infer<typeof Share>

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
      /** Mentions whose words say they cannot wait (src/enrich/urgency.ts). */
      urgent: z.number().int(),
    }),
    /** Per interval; `rated` and `averageRating` count the mentions that carry stars (reviews). */
    series: z.array(Counts.extend({ start: z.date(), urgent: z.number().int() }).extend(Stars.shape)),
    /** The stars of the period's reviews (app stores, Trustpilot): how many, their mean, how they spread, and the mean of the period before. */
    ratings: Stars.extend({
      distribution: z.array(z.object({ stars: z.number().int(), n: z.number().int() })),
      previousAverage: z.number().nullable(),
    }),
    /** By the app version reviews are about, the newest version first (by its first review in the period); at most ten. */
    versions: z.array(Share.extend(Stars.shape).extend({ version: z.string(), firstAt: z.date() })),
    sources: z.array(Share.extend({ id: z.uuid(), name: z.string(), kind: z.string() })),
    /** By kind of source (reddit, hackernews, appstore, …). */
    kinds: z.array(Share.extend({ kind: z.string() })),
    languages: z.array(Share.extend({ lang: z.string() })),
    intents: z.array(z.object({ intent: z.string(), n: z.number().int() })),
    /**
     * By tag, most mentioned first, at most twenty: with rules tagging mentions by brand (yours and your competitors'),
     * this is share of voice, and the net sentiment of each.
     */
    tags: z.array(Share.extend({ tag: z.string(), positive: z.number().int(), netSentiment: z.number().nullable() })),
    /** Answered at the source from earshot: how many of the period's mentions, and how fast after they were posted. */
    replies: z.object({
      mentions: z.number().int(),
      ratePct: z.number().nullable(),
      medianMinutes: z.number().nullable(),
      p90Minutes: z.number().nullable(),
      /** Who gave those first replies: most first, then fastest (the name at the time: key, member or rule). */
      byAuthor: z.array(z.object({ author: z.string(), mentions: z.number().int(), medianMinutes: z.number() })),
    }),
    /**
     * What the period's negative mentions talk about: the words and word pairs most of them share, in any language
     * (function words left out), at most ten; read from the latest 1,000 of them.
     */
    themes: z.array(z.object({ term: z.string(), n: z.number().int() })),
    /** Most mentions first, then reach: who talks about you most (handles compared without case or @). */
    authors: z.array(Share.extend({ platform: z.string(), handle: z.string(), name: z.string().nullable(), followers: z.number().int().nullable(), lastAt: z.date() })),
  })
  .openapi('MentionReport')
export type MentionReport = z.infer<typeof MentionReport>

const mean = (sum: number, n: number) => (n ? Math.round((100 * sum) / n) / 100 : null)
const pct = (part: number, whole: number) => (whole ? Math.round((1000 * part) / whole) / 10 : null)

export async function mentionReport(deps: Deps, workspaceId: string, filter: MentionFilter, interval: Interval): Promise<MentionReport> {
  const now = deps.clock()
  const pinned = pinTimeBounds(filter, now, 1000)
  const until = pinned.until ? new Date(pinned.until) : now
  const since = pinned.since ? new Date(pinned.since) : new Date(until.getTime() - 30 * DAY_MS)
  if (!(since < until)) throw badRequest('since must be before until')
  const { sql } = deps
  // Days, weeks and months as the workspace's time zone has them.
  const { timeZone } = await workspaceSettings(sql, workspaceId)
  const starts = bucketStarts(interval, since, new Date(until.getTime() - 1), timeZone, MAX_BUCKETS)
  if (!starts) throw badRequest(`more than ${MAX_BUCKETS} ${interval}s between since and until; use a longer interval`)
  const inPeriod = (from: Date, to: Date) =>
    sql`${mentionFilterSql(sql, workspaceId, { ...filter, since: from.toISOString(), until: to.toISOString() })} AND m.duplicate_of IS NULL AND ${withoutSpam(sql, filter)}`
  const where = inPeriod(since, until)
  const previousStart = new Date(since.getTime() - (until.getTime() - since.getTime()))

  // The aggregates below read the time index alone (sql/017), not the mentions; only the themes read texts, of the
  // latest negative mentions.
  const [grouped, authors, [previous], sourceNames, replies, themes, urgentByBucket] = await Promise.all([
    aggregating(deps.sql, (tx) => tx<{ bucket: Date; sentiment: SentimentLabel | null; source: string | null; kind: string; lang: string | null; intents: string[] | null; stars: number | null; version: string | null; tags: string[]; first: Date; n: number }[]>`
      SELECT ${bucketDateSql(tx, interval, tx`m.published_at`, timeZone)} AS bucket, m.effective_sentiment AS sentiment, m.source_id AS source,
             m.kind, m.lang, m.effective_intents AS intents, round(m.rating)::int AS stars, m.app_version AS version, m.tags,
             min(m.published_at) AS first, count(*)::int AS n
      FROM mentions m WHERE ${where}
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`),
    topAuthors(deps, workspaceId, where),
    aggregating(deps.sql, (tx) => tx<{ n: number; average: number | null }[]>`
      SELECT count(*)::int AS n, avg(round(m.rating))::float8 AS average FROM mentions m WHERE ${inPeriod(previousStart, since)}`),
    sql<{ id: string; name: string; kind: string }[]>`SELECT id, name, kind FROM sources WHERE workspace_id = ${workspaceId}`,
    firstReplies(deps, workspaceId, where, since),
    negativeThemes(deps, where),
    // Few mentions are urgent: their partial index (sql/042) finds them without the time index's aggregate.
    sql<{ bucket: Date; n: number }[]>`
      SELECT ${bucketDateSql(sql, interval, sql`m.published_at`, timeZone)} AS bucket, count(*)::int AS n
      FROM mentions m WHERE ${where} AND m.urgent GROUP BY 1`,
  ])

  const index = new Map(starts.map((s, i) => [s.date, i]))
  const series = starts.map(({ start }) => ({ start, total: 0, positive: 0, neutral: 0, negative: 0, urgent: 0, rated: 0, starSum: 0 }))
  for (const u of urgentByBucket) series[index.get(bucketDate(u.bucket))!].urgent = u.n
  const distribution = [1, 2, 3, 4, 5].map((stars) => ({ stars, n: 0 }))
  const versions = new Map<string, Share & { rated: number; starSum: number; firstAt: Date }>()
  const totals = { total: 0, positive: 0, neutral: 0, negative: 0 }
  const shares = { source: new Map<string, Share>(), kind: new Map<string, Share>(), lang: new Map<string, Share>() }
  const intents = new Map<string, number>()
  const tags = new Map<string, Share & { positive: number }>()
  const add = (map: Map<string, Share>, key: string, n: number, negative: number) => {
    const share = map.get(key) ?? map.set(key, { n: 0, negative: 0 }).get(key)!
    share.n += n
    share.negative += negative
  }
  for (const g of grouped) {
    const row = series[index.get(bucketDate(g.bucket))!]
    row.total += g.n
    totals.total += g.n
    if (g.sentiment && SENTIMENT_LABELS.includes(g.sentiment)) {
      row[g.sentiment] += g.n
      totals[g.sentiment] += g.n
    }
    const negative = g.sentiment === 'negative' ? g.n : 0
    if (g.source) add(shares.source, g.source, g.n, negative)
    add(shares.kind, g.kind, g.n, negative)
    add(shares.lang, g.lang ?? 'und', g.n, negative)
    for (const intent of g.intents ?? []) if (intent !== 'other') intents.set(intent, (intents.get(intent) ?? 0) + g.n)
    for (const tag of g.tags) {
      const t = tags.get(tag) ?? tags.set(tag, { n: 0, negative: 0, positive: 0 }).get(tag)!
      t.n += g.n
      t.negative += negative
      if (g.sentiment === 'positive') t.positive += g.n
    }
    const stars = g.stars !== null && g.stars >= 1 && g.stars <= 5 ? g.stars : null
    if (stars !== null) {
      row.rated += g.n
      row.starSum += stars * g.n
      distribution[stars - 1].n += g.n
    }
    if (g.version !== null) {
      const v = versions.get(g.version) ?? versions.set(g.version, { n: 0, negative: 0, rated: 0, starSum: 0, firstAt: g.first }).get(g.version)!
      v.n += g.n
      v.negative += negative
      if (stars !== null) {
        v.rated += g.n
        v.starSum += stars * g.n
      }
      if (g.first < v.firstAt) v.firstAt = g.first
    }
  }
  const rated = distribution.reduce((a, d) => a + d.n, 0)
  const starSum = distribution.reduce((a, d) => a + d.stars * d.n, 0)
  const names = new Map(sourceNames.map((s) => [s.id, s]))
  const ranked = <K extends string, V extends Share>(map: Map<string, V>, key: K) =>
    [...map].sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1)).map(([k, share]) => ({ [key]: k, ...share }) as { [P in K]: string } & V)
  const net = (positive: number, negative: number) => (positive + negative ? Math.round((1000 * (positive - negative)) / (positive + negative)) / 10 : null)
  return {
    since,
    until,
    interval,
    totals: {
      ...totals,
      netSentiment: net(totals.positive, totals.negative),
      previous: previous.n,
      changePct: pct(totals.total - previous.n, previous.n),
      urgent: urgentByBucket.reduce((sum, u) => sum + u.n, 0),
    },
    series: series.map(({ starSum, ...row }) => ({ ...row, averageRating: mean(starSum, row.rated) })),
    ratings: { rated, averageRating: mean(starSum, rated), distribution, previousAverage: previous.average === null ? null : Math.round(previous.average * 100) / 100 },
    versions: [...versions]
      .sort((a, b) => b[1].firstAt.getTime() - a[1].firstAt.getTime() || (a[0] < b[0] ? -1 : 1))
      .slice(0, 10)
      .map(([version, { starSum: sum, ...v }]) => ({ version, ...v, averageRating: mean(sum, v.rated) })),
    sources: ranked(shares.source, 'id').flatMap((s) => {
      const src = names.get(s.id)
      return src ? [{ id: s.id, name: src.name, kind: src.kind, n: s.n, negative: s.negative }] : []
    }),
    kinds: ranked(shares.kind, 'kind'),
    languages: ranked(shares.lang, 'lang'),
    intents: [...intents].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([intent, n]) => ({ intent, n })),
    tags: ranked(tags, 'tag').slice(0, 20).map((t) => ({ ...t, netSentiment: net(t.positive, t.negative) })),
    replies: { ...replies, ratePct: pct(replies.mentions, totals.total) },
    themes,
    authors,
  }
}

/** Negative mentions read for themes: the latest, which say what is going wrong now. */
const THEME_SAMPLE = 1000
// A theme is in the first words of a post; a long issue's stack trace would only cost time.
const THEME_CHARS = 1000

async function negativeThemes(deps: Deps, where: Fragment): Promise<MentionReport['themes']> {
  const rows = await deps.sql<{ text: string }[]>`
    SELECT left(coalesce(m.title || ' ', '') || m.body, ${THEME_CHARS}) AS text FROM mentions m
    WHERE ${where} AND m.effective_sentiment = 'negative' AND m.erased_at IS NULL
    ORDER BY m.published_at DESC LIMIT ${THEME_SAMPLE}`
  return topThemes(rows.map((r) => r.text)).map((t) => ({ term: t.term, n: t.count }))
}

const minutes = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10)

/**
 * Time from each answered mention's posting to its first reply that got out.
 * Driven from the replies sent since the period began, which are few; every
 * reply to a mention of the period was sent after it.
 */
async function firstReplies(deps: Deps, workspaceId: string, where: Fragment, since: Date): Promise<Omit<MentionReport['replies'], 'ratePct'>> {
  const rows = await deps.sql<{ author: string | null; mentions: number; median: number | null; p90: number | null }[]>`
    SELECT author, count(*)::int AS mentions,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) AS median, percentile_cont(0.9) WITHIN GROUP (ORDER BY wait) AS p90
    FROM (
      SELECT DISTINCT ON (m.id) r.author, extract(epoch FROM r.sent_at - m.published_at) / 60 AS wait
      FROM mention_replies r JOIN mentions m ON m.id = r.mention_id
      WHERE r.workspace_id = ${workspaceId} AND r.status = 'sent' AND r.sent_at >= ${since} AND ${where}
      ORDER BY m.id, r.sent_at
    ) first_replies
    GROUP BY GROUPING SETS ((), (author))`
  const total = rows.find((r) => r.author === null) ?? { mentions: 0, median: null, p90: null }
  const byAuthor = rows
    .filter((r) => r.author !== null)
    .map((r) => ({ author: r.author!, mentions: r.mentions, medianMinutes: minutes(r.median)! }))
    .sort((a, b) => b.mentions - a.mentions || a.medianMinutes - b.medianMinutes || (a.author < b.author ? -1 : 1))
    .slice(0, 10)
  return { mentions: total.mentions, medianMinutes: minutes(total.median), p90Minutes: minutes(total.p90), byAuthor }
}

/** The ten authors with the most mentions in the period, by their normalised handle, then their handle and name as their latest mention gives them. */
function topAuthors(deps: Deps, workspaceId: string, where: Fragment): Promise<MentionReport['authors']> {
  return aggregating(deps.sql, async (tx) => {
    const top = await tx<{ kind: string; key: string; n: number; negative: number; followers: number | null; lastAt: Date }[]>`
      SELECT m.author_kind AS kind, m.author_key AS key, count(*)::int AS n, count(*) FILTER (WHERE m.effective_sentiment = 'negative')::int AS negative,
             max(m.author_followers) AS followers, max(m.published_at) AS "lastAt"
      FROM mentions m WHERE ${where} AND m.author_key IS NOT NULL
      GROUP BY 1, 2 ORDER BY n DESC, followers DESC NULLS LAST, 2 LIMIT 10`
    if (top.length === 0) return []
    const latest = await tx<{ kind: string; key: string; handle: string; name: string | null }[]>`
      SELECT DISTINCT ON (m.author_kind, m.author_key) m.author_kind AS kind, m.author_key AS key, m.author_handle AS handle, m.author_name AS name
      FROM mentions m JOIN unnest(${top.map((a) => a.kind)}::text[], ${top.map((a) => a.key)}::text[]) AS t(kind, key)
        ON m.author_kind = t.kind AND m.author_key = t.key
      WHERE m.workspace_id = ${workspaceId} AND m.author_key IS NOT NULL
      ORDER BY m.author_kind, m.author_key, m.published_at DESC`
    const who = new Map(latest.map((l) => [`${l.kind}\n${l.key}`, l]))
    return top.map((a) => {
      const w = who.get(`${a.kind}\n${a.key}`)
      return { platform: a.kind, handle: w?.handle ?? a.key, name: w?.name ?? null, n: a.n, negative: a.negative, followers: a.followers, lastAt: a.lastAt }
    })
  })
}

export const mentionReportCsv = (r: MentionReport) =>
  toCsv(
    ['start', 'total', 'positive', 'neutral', 'negative', 'urgent', 'rated', 'average_rating'],
    r.series.map((s) => [s.start, s.total, s.positive, s.neutral, s.negative, s.urgent, s.rated, s.averageRating ?? '']),
  )

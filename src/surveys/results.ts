import type { Deps } from '../deps.ts'
import type { Fragment } from '../mentions/filter.ts'
import { badRequest } from '../errors.ts'
import { headline, scoreFor, type Distribution, type KindScore } from './scores.ts'
import { bandOf, bandRange, HIGH_BAND, LOW_BAND, MAX_PROPERTIES, type BandName, type SurveyKind } from './schemas.ts'
import { bucketDate, bucketDateSql, bucketStarts, type Interval } from '../time/buckets.ts'
import { instantOf } from '../time/wall-clock.ts'
import { workspaceSettings } from '../workspaces/settings.ts'
import { getSurvey } from './surveys.ts'
import { topThemes, type Theme } from '../enrich/themes.ts'

/** A series longer than this is a mistake (daily buckets over decades), not a chart. */
const MAX_BUCKETS = 5000

export interface ResultsQuery {
  since?: Date
  until?: Date
  interval?: Interval
  /**
   * `plan`, `company`, `channel`, `locale`, `page`, `choice` (each option of the choice question, an answer counted under
   * each it picked), `attribute:NAME` (a key of the customer's attributes) or `property:NAME` (of the answer's).
   */
  segment?: string
  /** Only the answers whose property `name` is `value` (`plan:pro`): every number of the results is theirs. */
  property?: { name: string; value: string }
}

export type Results = KindScore & {
  surveyId: string
  kind: SurveyKind
  since: Date | null
  until: Date | null
  distribution: { score: number; n: number }[]
  series?: ({ start: Date } & KindScore)[]
  segments?: Segmented[]
  comments: { n: number; sentiment: Record<string, number>; intents: Record<string, number> }
  detractorThemes: Theme[]
  /** What happy respondents (promoters, satisfied, easy) mention most: what to keep. */
  promoterThemes: Theme[]
  /** With a review link: the happy answers, and how many of them followed it to write a review (zero without one). */
  reviews: { asked: number; followed: number }
  /**
   * The choice question's answers: how many answered it, and how often each option was picked, per score band too.
   * The survey's options first, in its order, then any an earlier version of the question had. Null without one.
   */
  choices: { question: string | null; answered: number; options: { option: string; n: number; bands: Partial<Record<BandName, number>> }[] } | null
}

type Counted = { score: number; n: number }

function distributionOf(rows: Counted[]): Distribution {
  const dist = new Map<number, number>()
  for (const r of rows) dist.set(r.score, (dist.get(r.score) ?? 0) + r.n)
  return dist
}

function groupBy<K, R extends Counted>(rows: R[], key: (r: R) => K): Map<K, Counted[]> {
  const groups = new Map<K, Counted[]>()
  for (const r of rows) {
    const k = key(r)
    const list = groups.get(k)
    if (list) list.push(r)
    else groups.set(k, [r])
  }
  return groups
}

function parseSegment(segment: string): { kind: 'plan' | 'company' | 'channel' | 'locale' | 'page' | 'choice' | 'attribute' | 'property'; name: string } {
  if (segment === 'plan' || segment === 'company' || segment === 'channel' || segment === 'locale' || segment === 'page' || segment === 'choice') {
    return { kind: segment, name: '' }
  }
  const m = /^(attribute|property):(.{1,100})$/.exec(segment)
  if (!m) throw badRequest('segment must be plan, company, channel, locale, page, choice, attribute:NAME or property:NAME')
  return { kind: m[1] as 'attribute' | 'property', name: m[2] }
}

type Segmented = { segment: string; value: string | null } & KindScore

/** The kind's score per value of `segment` over the answers `inRange` holds (a condition on `survey_responses r`); no value last. */
async function scoresBySegment(sql: Deps['sql'], kind: SurveyKind, inRange: Fragment, segment: string): Promise<Segmented[]> {
  const seg = parseSegment(segment)
  // By choice, an answer counts once under each option it picked (none: under null).
  const picks = seg.kind === 'choice' ? sql`LEFT JOIN LATERAL unnest(r.choices) AS pick(option) ON true` : sql``
  const rows = await sql<(Counted & { value: string | null })[]>`
    SELECT CASE ${seg.kind} WHEN 'plan' THEN c.plan WHEN 'company' THEN c.company
             -- An answer through an e-mailed invitation's link is the e-mail channel's, whatever page took it.
             WHEN 'channel' THEN CASE WHEN EXISTS (
               SELECT 1 FROM survey_sends s WHERE s.response_id = r.id AND s.workspace_id = r.workspace_id) THEN 'email' ELSE r.channel END
             WHEN 'locale' THEN r.locale
             -- The page without its query and fragment: one page, however it was reached.
             WHEN 'page' THEN regexp_replace(r.page, '[?#].*$', '')
             WHEN 'property' THEN r.properties ->> ${seg.name}
             WHEN 'choice' THEN ${seg.kind === 'choice' ? sql`pick.option` : sql`NULL`}
             ELSE c.attributes ->> ${seg.name} END AS value,
           r.score, count(*)::int AS n
    FROM survey_responses r LEFT JOIN customers c ON c.id = r.customer_id AND c.workspace_id = r.workspace_id ${picks}
    WHERE ${inRange} GROUP BY 1, 2`
  return [...groupBy(rows, (r) => r.value)]
    .map(([value, group]) => ({ segment, value, ...scoreFor(kind, distributionOf(group)) }))
    .sort((a, b) => (a.value === null ? 1 : b.value === null ? -1 : a.value.localeCompare(b.value)))
}

/** Scores per value of one segment over all of a survey's answers, without the rest of the results. */
export function segmentScores(deps: Deps, workspaceId: string, survey: { id: string; kind: SurveyKind }, segment: string): Promise<Segmented[]> {
  return scoresBySegment(deps.sql, survey.kind, deps.sql`r.workspace_id = ${workspaceId} AND r.survey_id = ${survey.id}`, segment)
}

/** How many of the latest answers to look at for the names of their properties. */
const PROPERTY_SAMPLE = 5000

/** The property names the survey's latest answers carry, the most used first (at most 20). */
export async function propertyNames(deps: Deps, workspaceId: string, surveyId: string): Promise<string[]> {
  const rows = await deps.sql<{ name: string }[]>`
    SELECT k AS name FROM (
      SELECT properties FROM survey_responses
      WHERE workspace_id = ${workspaceId} AND survey_id = ${surveyId} AND properties IS NOT NULL
      ORDER BY responded_at DESC LIMIT ${PROPERTY_SAMPLE}) r, jsonb_object_keys(r.properties) k
    GROUP BY k ORDER BY count(*) DESC, k LIMIT ${MAX_PROPERTIES}`
  return rows.map((r) => r.name)
}

/** Scores with n and 95% intervals, optionally per interval and per customer segment, plus what the comments say. */
export async function surveyResults(deps: Deps, workspaceId: string, surveyId: string, q: ResultsQuery): Promise<Results> {
  const survey = await getSurvey(deps, workspaceId, surveyId)
  const { sql } = deps
  const since = q.since ?? null
  const until = q.until ?? null
  if (since && until && since >= until) throw badRequest('since must be before until')
  const inRange = sql`
    r.workspace_id = ${workspaceId} AND r.survey_id = ${survey.id}
    ${since ? sql`AND r.responded_at >= ${since}` : sql``}
    ${until ? sql`AND r.responded_at < ${until}` : sql``}
    ${q.property ? sql`AND r.properties ->> ${q.property.name} = ${q.property.value}` : sql``}`

  const overall = await sql<Counted[]>`
    SELECT score, count(*)::int AS n FROM survey_responses r WHERE ${inRange} GROUP BY score ORDER BY score`
  const results: Results = {
    surveyId: survey.id,
    kind: survey.kind,
    since,
    until,
    ...scoreFor(survey.kind, distributionOf(overall)),
    distribution: overall,
    comments: { n: 0, sentiment: {}, intents: {} },
    detractorThemes: [],
    promoterThemes: [],
    reviews: { asked: 0, followed: 0 },
    choices: null,
  }

  if (q.interval) {
    // Days, weeks and months as the workspace's time zone has them.
    const { timeZone } = await workspaceSettings(sql, workspaceId)
    const rows = await sql<(Counted & { day: Date })[]>`
      SELECT ${bucketDateSql(sql, q.interval, sql`r.responded_at`, timeZone)} AS day, score, count(*)::int AS n
      FROM survey_responses r WHERE ${inRange} GROUP BY 1, 2 ORDER BY 1`
    const byDate = groupBy(rows, (r) => bucketDate(r.day))
    const dayStart = (day: Date | undefined) => (day === undefined ? undefined : new Date(instantOf(day.getTime(), 0, timeZone)))
    const first = since ?? dayStart(rows[0]?.day)
    const last = until ? new Date(until.getTime() - 1) : dayStart(rows[rows.length - 1]?.day)
    const starts = first && last ? bucketStarts(q.interval, first, last, timeZone, MAX_BUCKETS) : []
    if (!starts) throw badRequest(`more than ${MAX_BUCKETS} ${q.interval}s between since and until`)
    results.series = starts.map(({ date, start }) => ({ start, ...scoreFor(survey.kind, distributionOf(byDate.get(date) ?? [])) }))
  }

  if (q.segment) results.segments = await scoresBySegment(sql, survey.kind, inRange, q.segment)

  const sentiment = await sql<{ label: string; n: number }[]>`
    SELECT sentiment_label AS label, count(*)::int AS n FROM survey_responses r
    WHERE ${inRange} AND r.comment IS NOT NULL AND r.sentiment_label IS NOT NULL GROUP BY 1`
  const intents = await sql<{ label: string; n: number }[]>`
    SELECT i ->> 'label' AS label, count(*)::int AS n FROM survey_responses r, jsonb_array_elements(r.intents) i
    WHERE ${inRange} AND r.comment IS NOT NULL GROUP BY 1 ORDER BY 2 DESC`
  const [{ n: commented }] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM survey_responses r WHERE ${inRange} AND r.comment IS NOT NULL`
  if (survey.settings.reviewLink) {
    const [happy] = bandRange(survey.kind, HIGH_BAND[survey.kind])!
    const [reviews] = await sql<{ asked: number; followed: number }[]>`
      SELECT count(*)::int AS asked, count(r.review_clicked_at)::int AS followed FROM survey_responses r WHERE ${inRange} AND r.score >= ${happy}`
    results.reviews = reviews
  }
  const picked = await sql<{ option: string; score: number; n: number }[]>`
    SELECT o AS option, r.score, count(*)::int AS n FROM survey_responses r, unnest(r.choices) o WHERE ${inRange} GROUP BY 1, 2`
  if (survey.settings.choice || picked.length) {
    const [{ n: answered }] = await sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM survey_responses r WHERE ${inRange} AND r.choices IS NOT NULL`
    const names = [...new Set([...(survey.settings.choice?.options ?? []), ...picked.map((p) => p.option)])]
    results.choices = {
      question: survey.settings.choice?.question ?? null,
      answered,
      options: names.map((option) => {
        const rows = picked.filter((p) => p.option === option)
        const bands: Partial<Record<BandName, number>> = {}
        for (const r of rows) bands[bandOf(survey.kind, r.score)] = (bands[bandOf(survey.kind, r.score)] ?? 0) + r.n
        return { option, n: rows.reduce((a, r) => a + r.n, 0), bands }
      }),
    }
  }
  results.comments = {
    n: commented,
    sentiment: Object.fromEntries(sentiment.map((s) => [s.label, s.n])),
    intents: Object.fromEntries(intents.map((s) => [s.label, s.n])),
  }

  // The newest few thousand comments of a band (their first 1,000 characters) are what a product team acts on; older
  // themes show up in a since/until query.
  const themesOf = async (band: BandName) => {
    const [lo, hi] = bandRange(survey.kind, band)!
    const rows = await sql<{ comment: string }[]>`
      SELECT left(comment, 1000) AS comment FROM survey_responses r
      WHERE ${inRange} AND r.comment IS NOT NULL AND r.score BETWEEN ${lo} AND ${hi}
      ORDER BY r.responded_at DESC LIMIT 5000`
    return topThemes(rows.map((u) => u.comment))
  }
  const [detractorThemes, promoterThemes] = await Promise.all([themesOf(LOW_BAND[survey.kind]), themesOf(HIGH_BAND[survey.kind])])
  results.detractorThemes = detractorThemes
  results.promoterThemes = promoterThemes
  return results
}

/** Each survey's headline score (NPS, CSAT %, CES mean) and answer count since `since`, for a list of surveys. */
export async function recentScores(deps: Deps, workspaceId: string, surveys: { id: string; kind: SurveyKind }[], since: Date): Promise<Map<string, { score: number | null; n: number }>> {
  const rows = await deps.sql<(Counted & { surveyId: string })[]>`
    SELECT survey_id AS "surveyId", score, count(*)::int AS n FROM survey_responses
    WHERE workspace_id = ${workspaceId} AND survey_id = ANY(${surveys.map((s) => s.id)}::uuid[]) AND responded_at >= ${since}
    GROUP BY 1, 2`
  const bySurvey = groupBy(rows, (r) => r.surveyId)
  return new Map(surveys.map((s) => {
    const { score, n } = headline(scoreFor(s.kind, distributionOf(bySurvey.get(s.id) ?? [])))
    return [s.id, { score, n }]
  }))
}

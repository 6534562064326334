import type { Tx } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import { MentionFilter, mentionFilterSql, withoutSpam, type Fragment } from '../mentions/filter.ts'
import { detectBelow, detectNegativeShare, detectSpike, MIN_SEASONAL_SAMPLES, stepEpisode, type Explanation } from './detect.ts'
import { fireAlert } from './fire.ts'
import { checkResponses, withProperty } from './responses.ts'
import { checkUnanswered } from './unanswered.ts'
import type { BandName, SurveyKind } from '../surveys/schemas.ts'
import { headline, scoreFor } from '../surveys/scores.ts'
import type { BusinessHours } from './business-hours.ts'
import { durationMs, type AnswerProperty } from './schema.ts'
import { sameWallTimeBefore } from '../time/wall-clock.ts'
import { workspaceSettings } from '../workspaces/settings.ts'

// Ticks come every minute; a second instance's tick in the same minute must not re-evaluate.
const MIN_INTERVAL_MS = 50_000
const WEEK_S = 7 * 86_400
const SEASONAL_WEEKS = 4
/** Trailing baselines: a day of 15-minute windows, three days of hours, four weeks of days. */
const TRAILING_WINDOWS: Record<string, number> = { '15m': 96, '1h': 72, '1d': 28 }
/** negative_share and rating compare the window with the week before it. */
const SHARE_BASELINE_S = WEEK_S

interface PeriodicAlert {
  id: string
  workspaceId: string
  name: string
  kind: 'spike' | 'negative_share' | 'unanswered' | 'rating' | 'response' | 'survey_score'
  channels: string[]
  emails: string[]
  filter: unknown
  cooldown: string
  window: string
  minCount: number
  sensitivity: number
  minCustomerValue: number | null
  replyWithin: string
  belowRating: number
  businessHours: BusinessHours | null
  surveyId: string | null
  bands: BandName[]
  urgentAnswers: boolean
  belowScore: number | null
  answerProperty: AnswerProperty | null
  createdAt: Date
  inEpisode: boolean
  lastFiredAt: Date | null
  lastEvaluatedAt: Date | null
}

export interface PeriodicResult {
  evaluated: number
  fired: number
}

/**
 * Evaluates every enabled spike, negative_share, unanswered, rating and response alert that is due. Each
 * alert is evaluated under its row lock (SKIP LOCKED), so instances ticking
 * together split the work instead of doubling it.
 */
export async function evaluatePeriodicAlerts(deps: Deps): Promise<PeriodicResult> {
  const now = deps.clock()
  const dueBefore = new Date(now.getTime() - MIN_INTERVAL_MS)
  const due = await deps.sql<{ id: string }[]>`
    SELECT id FROM alerts
    WHERE enabled AND kind <> 'match' AND (last_evaluated_at IS NULL OR last_evaluated_at <= ${dueBefore})`
  const result: PeriodicResult = { evaluated: 0, fired: 0 }
  for (const { id } of due) {
    try {
      const outcome = await deps.sql.begin((tx) => evaluateOne(deps, tx, id, now, dueBefore))
      if (outcome === 'skipped') continue
      result.evaluated++
      if (outcome === 'fired') result.fired++
    } catch (e) {
      deps.logger.error('alert evaluation failed', { alertId: id, err: e instanceof Error ? e.message : String(e) })
    }
  }
  return result
}

async function evaluateOne(deps: Deps, tx: Tx, id: string, now: Date, dueBefore: Date): Promise<'skipped' | 'quiet' | 'fired'> {
  const [alert]: [PeriodicAlert?] = await tx`
    SELECT id, workspace_id AS "workspaceId", name, kind, channels, emails, filter, cooldown, "window", min_count AS "minCount",
           sensitivity, min_customer_value AS "minCustomerValue", reply_within AS "replyWithin", below_rating AS "belowRating", business_hours AS "businessHours", survey_id AS "surveyId", bands, urgent_answers AS "urgentAnswers", below_score AS "belowScore",
           answer_property AS "answerProperty", created_at AS "createdAt",
           in_episode AS "inEpisode", last_fired_at AS "lastFiredAt"
    FROM alerts
    WHERE id = ${id} AND enabled AND (last_evaluated_at IS NULL OR last_evaluated_at <= ${dueBefore})
    FOR UPDATE SKIP LOCKED`
  if (!alert) return 'skipped'
  if (alert.kind === 'response') return checkResponses(tx, alert, now)
  const windowS = durationMs(alert.window) / 1000
  if (alert.kind === 'survey_score') {
    const { survey, ...x } = await surveyScoreExplanation(tx, alert, now, windowS)
    return stepAndFire(tx, alert, x, now, { survey })
  }
  const filter = MentionFilter.safeParse(alert.filter)
  if (!filter.success) return 'skipped'
  if (alert.kind === 'unanswered') return checkUnanswered(tx, alert, (f) => conditions(tx, alert, f), filter.data, now)
  const where = conditions(tx, alert, filter.data)
  const explain = { spike: spikeExplanation, negative_share: shareExplanation, rating: ratingExplanation }[alert.kind]
  return stepAndFire(tx, alert, await explain(tx, alert, where, now, windowS), now)
}

/** Moves the alert's episode on by this evaluation, and fires when a new one opens. */
async function stepAndFire(tx: Tx, alert: PeriodicAlert, x: Explanation, now: Date, about: Record<string, unknown> = {}): Promise<'quiet' | 'fired'> {
  const low = alert.kind === 'rating' || alert.kind === 'survey_score'
  const step = stepEpisode({ inEpisode: alert.inEpisode, lastFiredAt: alert.lastFiredAt }, x, now, durationMs(alert.cooldown), low)
  await tx`
    UPDATE alerts SET in_episode = ${step.inEpisode}, last_evaluated_at = ${now}, last_evaluation = ${tx.json(x as never)}
    WHERE id = ${alert.id}`
  if (!step.fire) return 'quiet'
  const fired = await fireAlert(tx, alert, { dedupKey: `episode:${now.toISOString()}`, explanation: { ...x, window: alert.window, ...about }, at: now })
  return fired ? 'fired' : 'quiet'
}

function conditions(tx: Tx, alert: PeriodicAlert, filter: MentionFilter): Fragment {
  const base = tx`${mentionFilterSql(tx, alert.workspaceId, filter)} AND ${withoutSpam(tx, filter)}`
  if (alert.minCustomerValue === null) return base
  return tx`${base} AND EXISTS (SELECT 1 FROM customers c WHERE c.id = m.customer_id AND c.workspace_id = ${alert.workspaceId} AND c.value >= ${alert.minCustomerValue})`
}

async function spikeExplanation(tx: Tx, alert: PeriodicAlert, where: Fragment, now: Date, windowS: number): Promise<Explanation> {
  const trailingN = TRAILING_WINDOWS[alert.window]
  const [{ oldest }] = await tx<{ oldest: Date | null }[]>`SELECT min(m.published_at) AS oldest FROM mentions m WHERE ${where}`
  const historyS = oldest ? (now.getTime() - oldest.getTime()) / 1000 : 0
  // A week counts only when the filter already had mentions before that week's window.
  const weeks = Math.min(SEASONAL_WEEKS, Math.floor((historyS - windowS) / WEEK_S))
  const offsets = [0, ...Array.from({ length: trailingN }, (_, k) => (k + 1) * windowS)]
  if (weeks >= MIN_SEASONAL_SAMPLES) {
    // The same hour of the week as people there live it: across a clock change that is not a whole 168 hours back.
    const { timeZone } = await workspaceSettings(tx, alert.workspaceId)
    const end = now.getTime()
    offsets.push(...Array.from({ length: weeks }, (_, k) => (end - sameWallTimeBefore(end, timeZone, 7 * (k + 1))) / 1000))
  }
  const counts = await tx<{ i: number; n: number }[]>`
    SELECT b.i::int AS i, count(m.id)::int AS n
    FROM unnest(${offsets}::float8[]) WITH ORDINALITY AS b(off, i)
    LEFT JOIN mentions m ON ${where}
      AND m.published_at > ${now}::timestamptz - make_interval(secs => b.off + ${windowS})
      AND m.published_at <= ${now}::timestamptz - make_interval(secs => b.off)
    GROUP BY b.i
    ORDER BY b.i`
  const n = counts.map((c) => c.n)
  return detectSpike({
    observed: n[0],
    trailing: n.slice(1, 1 + trailingN).reverse(),
    seasonal: n.slice(1 + trailingN),
    sensitivity: alert.sensitivity,
    minCount: alert.minCount,
  })
}

async function shareExplanation(tx: Tx, alert: PeriodicAlert, where: Fragment, now: Date, windowS: number): Promise<Explanation> {
  const windowStart = new Date(now.getTime() - windowS * 1000)
  const baselineStart = new Date(windowStart.getTime() - SHARE_BASELINE_S * 1000)
  const negative = tx`coalesce(m.sentiment_override, m.sentiment_label) = 'negative'`
  const [c] = await tx<{ total: number; negative: number; baselineTotal: number; baselineNegative: number }[]>`
    SELECT count(*) FILTER (WHERE m.published_at > ${windowStart})::int AS total,
           count(*) FILTER (WHERE m.published_at > ${windowStart} AND ${negative})::int AS negative,
           count(*) FILTER (WHERE m.published_at <= ${windowStart})::int AS "baselineTotal",
           count(*) FILTER (WHERE m.published_at <= ${windowStart} AND ${negative})::int AS "baselineNegative"
    FROM mentions m
    WHERE ${where} AND m.published_at > ${baselineStart} AND m.published_at <= ${now}`
  return detectNegativeShare({ ...c, sensitivity: alert.sensitivity, minCount: alert.minCount })
}

/** The stars of the window's reviews against the week before it (for context; the threshold is the alert's own). */
async function ratingExplanation(tx: Tx, alert: PeriodicAlert, where: Fragment, now: Date, windowS: number): Promise<Explanation> {
  const windowStart = new Date(now.getTime() - windowS * 1000)
  const baselineStart = new Date(windowStart.getTime() - SHARE_BASELINE_S * 1000)
  const [c] = await tx<{ rated: number; average: number | null; before: number | null }[]>`
    SELECT count(*) FILTER (WHERE m.published_at > ${windowStart})::int AS rated,
           avg(round(m.rating)) FILTER (WHERE m.published_at > ${windowStart})::float8 AS average,
           avg(round(m.rating)) FILTER (WHERE m.published_at <= ${windowStart})::float8 AS before
    FROM mentions m
    WHERE ${where} AND m.rating IS NOT NULL AND m.published_at > ${baselineStart} AND m.published_at <= ${now}`
  return detectBelow({ n: c.rated, value: c.average, before: c.before, below: alert.belowRating, minCount: alert.minCount })
}

/**
 * The survey's score (NPS, CSAT %, CES mean, as its results page counts it) over the window against the week before
 * it, with the survey's name and kind for the message.
 */
async function surveyScoreExplanation(tx: Tx, alert: PeriodicAlert, now: Date, windowS: number) {
  const windowStart = new Date(now.getTime() - windowS * 1000)
  const baselineStart = new Date(windowStart.getTime() - SHARE_BASELINE_S * 1000)
  const [survey] = await tx<{ name: string; kind: SurveyKind }[]>`
    SELECT coalesce(name, question) AS name, kind FROM surveys WHERE workspace_id = ${alert.workspaceId} AND id = ${alert.surveyId}`
  const counts = await tx<{ score: number; inWindow: number; before: number }[]>`
    SELECT score, count(*) FILTER (WHERE responded_at > ${windowStart})::int AS "inWindow",
           count(*) FILTER (WHERE responded_at <= ${windowStart})::int AS before
    FROM survey_responses
    WHERE workspace_id = ${alert.workspaceId} AND survey_id = ${alert.surveyId} AND responded_at > ${baselineStart} AND responded_at <= ${now}
      ${withProperty(tx, alert.answerProperty, tx`properties`)}
    GROUP BY score`
  const scored = (pick: (c: (typeof counts)[number]) => number) => headline(scoreFor(survey.kind, new Map(counts.map((c) => [c.score, pick(c)]))))
  const inWindow = scored((c) => c.inWindow)
  const before = scored((c) => c.before)
  const x = detectBelow({ n: inWindow.n, value: inWindow.score, before: before.score, below: alert.belowScore!, minCount: alert.minCount })
  return { ...x, survey: { id: alert.surveyId, name: survey.name, kind: survey.kind, ...(alert.answerProperty ? { property: alert.answerProperty } : {}) } }
}

// The digests: once a day, after the workspace's digest hour in its time zone,
// the day before (midnight to midnight there), and once a week, on its digest
// weekday, the seven days before, in numbers with their most pressing negative
// mentions, go to every webhook subscribed to `digest.daily` or
// `digest.weekly` (a chat channel, with the slack or teams format) and to the
// addresses the workspace lists. A row per workspace, period and first day
// claims each, so it goes out once.
import type { Deps } from '../deps.ts'
import { enqueueEvent, type EventType } from '../webhooks/events.ts'
import { loadMentionPayloads } from '../webhooks/mention-payload.ts'
import { WorkspaceSettings } from '../workspaces/settings.ts'
import { mentionFilterSql, OPEN_STATUSES, type MentionFilter } from '../mentions/filter.ts'
import type { Mailer } from '../mail/mailer.ts'
import { digestMessage } from './digest-email.ts'
import { mentionReport } from './mentions.ts'
import { surveyResults } from '../surveys/results.ts'
import { headline } from '../surveys/scores.ts'
import { bandRange, LOW_BAND, type SurveyKind } from '../surveys/schemas.ts'
import { DAY_MS, instantOf, isoWeekday, localMidnight } from '../time/wall-clock.ts'
import { listTranslations, type Translation } from '../translate/stored.ts'
import type { TargetLang } from '../translate/translator.ts'

const TOP = 5
/** Unhappy survey comments quoted in a digest, across its surveys. */
const UNHAPPY_COMMENTS = 3

/** What each digest covers, the event it goes out as, and the addresses it is mailed to. */
const DIGESTS = [
  { period: 'day', days: 1, event: 'digest.daily', emails: (s: WorkspaceSettings) => s.digestEmails },
  { period: 'week', days: 7, event: 'digest.weekly', emails: (s: WorkspaceSettings) => s.weeklyDigestEmails },
] as const satisfies readonly { period: string; days: number; event: EventType; emails: (s: WorkspaceSettings) => string[] }[]

/**
 * The first day (YYYY-MM-DD) of the period whose digest is due at `now`, if one is: yesterday once today's digest hour
 * has passed; the seven days before the latest digest weekday whose hour has passed, so a weekly digest missed while no
 * instance ran still goes out within its week.
 */
function dueFrom(now: Date, s: WorkspaceSettings, days: 1 | 7): string | undefined {
  const today = localMidnight(now.getTime(), s.timeZone)
  let sendDay = today - (days === 7 ? (isoWeekday(today) - s.digestWeekday + 7) % 7 : 0) * DAY_MS
  if (now.getTime() < instantOf(sendDay, s.digestHour * 60, s.timeZone)) {
    if (days === 1) return undefined
    sendDay -= 7 * DAY_MS
  }
  return new Date(sendDay - days * DAY_MS).toISOString().slice(0, 10)
}

/**
 * The surveys answered that day, most answers first: each one's score (NPS, CSAT %, CES mean) and how many answered,
 * and the lowest-scored comments of the day, lowest first.
 */
async function surveysOfDay(deps: Deps, workspaceId: string, since: Date, until: Date) {
  const answered = await deps.sql<{ id: string; name: string | null; question: string; kind: SurveyKind }[]>`
    SELECT s.id, s.name, s.question, s.kind FROM surveys s
    JOIN survey_responses r ON r.survey_id = s.id AND r.workspace_id = s.workspace_id
    WHERE s.workspace_id = ${workspaceId} AND r.responded_at >= ${since} AND r.responded_at < ${until}
    GROUP BY s.id ORDER BY count(*) DESC, s.id LIMIT ${TOP}`
  const scored = await Promise.all(answered.map(async (s) => ({ s, score: headline(await surveyResults(deps, workspaceId, s.id, { since, until })) })))
  const unhappy = answered.length
    ? await deps.sql<{ id: string; surveyId: string; survey: string; score: number; comment: string }[]>`
        SELECT r.id, r.survey_id AS "surveyId", coalesce(s.name, s.question) AS survey, r.score, r.comment FROM survey_responses r
        JOIN surveys s ON s.id = r.survey_id AND s.workspace_id = r.workspace_id
        JOIN unnest(${answered.map((s) => s.id)}::uuid[], ${answered.map((s) => bandRange(s.kind, LOW_BAND[s.kind])![1])}::int[]) AS low(survey_id, top)
          ON low.survey_id = r.survey_id
        WHERE r.workspace_id = ${workspaceId} AND r.responded_at >= ${since} AND r.responded_at < ${until}
          AND r.comment IS NOT NULL AND r.score <= low.top
        ORDER BY r.score, r.responded_at LIMIT ${UNHAPPY_COMMENTS}`
    : []
  return {
    results: scored.map(({ s, score }) => ({ id: s.id, name: s.name ?? s.question, kind: s.kind, score: score.score, n: score.n })),
    unhappy,
  }
}

/**
 * The kept translations into the workspace's `translateInto` of what a digest quotes (those made on arrival), by
 * id: a digest read in one language shows every complaint in it too.
 */
async function quotedTranslations(deps: Deps, workspaceId: string, to: TargetLang | null, mentionIds: string[], answers: { id: string; surveyId: string }[]) {
  if (!to) return new Map<string, string>()
  const pick = (kept: Map<string, Translation[]>) => [...kept].flatMap(([id, ts]) => ts.filter((t) => t.lang === to).map((t) => [id, [t.title, t.text].filter(Boolean).join(' — ')] as const))
  const [mentions, ...comments] = await Promise.all([
    listTranslations(deps.sql, workspaceId, { kind: 'mention' }, mentionIds),
    ...answers.map((a) => listTranslations(deps.sql, workspaceId, { kind: 'response', surveyId: a.surveyId }, [a.id])),
  ])
  return new Map([...pick(mentions), ...comments.flatMap(pick)])
}

/** The period's numbers and up to five negative mentions, highest priority first; copies of a post count once. */
export type Digest = Awaited<ReturnType<typeof buildDigest>>

/** The digest of `days` days from `day` on, quoting translations into `translateInto` where they were made. */
export async function buildDigest(deps: Deps, workspaceId: string, day: string, days: number, settings: Pick<WorkspaceSettings, 'timeZone' | 'translateInto'>) {
  const { timeZone } = settings
  // Midnight to midnight in the zone: 23 or 25 hours on the days its clocks change.
  const since = new Date(instantOf(Date.parse(day), 0, timeZone))
  const until = new Date(instantOf(Date.parse(day) + days * DAY_MS, 0, timeZone))
  const [report, surveys] = await Promise.all([
    mentionReport(deps, workspaceId, { since: since.toISOString(), until: until.toISOString() }, 'day'),
    surveysOfDay(deps, workspaceId, since, until),
  ])
  const pressing = { since: since.toISOString(), until: until.toISOString(), sentiment: ['negative' as const], status: [...OPEN_STATUSES] }
  const negative = await deps.sql<{ id: string }[]>`
    SELECT m.id FROM mentions m WHERE ${mentionFilterSql(deps.sql, workspaceId, pressing)} AND m.duplicate_of IS NULL
    ORDER BY m.priority DESC, m.id LIMIT ${TOP}`
  // Questions of any day still waiting for an answer at their source, as the inbox's Open questions view lists them.
  // And, of any day, the urgent mentions nobody has dealt with.
  const waiting = { until: until.toISOString(), intent: ['question' as const], status: [...OPEN_STATUSES], answered: false }
  const urgent = { until: until.toISOString(), urgent: true, status: [...OPEN_STATUSES] }
  const count = (filter: MentionFilter) => deps.sql`(SELECT count(*)::int FROM mentions m WHERE ${mentionFilterSql(deps.sql, workspaceId, filter)} AND m.duplicate_of IS NULL)`
  const [{ openQuestions, urgentWaiting }] = await deps.sql<{ openQuestions: number; urgentWaiting: number }[]>`
    SELECT ${count(waiting)} AS "openQuestions", ${count(urgent)} AS "urgentWaiting"`
  const negativePayloads = await loadMentionPayloads(deps.sql, workspaceId, negative.map((n) => n.id))
  const translations = await quotedTranslations(deps, workspaceId, settings.translateInto, negativePayloads.map((m) => m.id), surveys.unhappy)
  return {
    day,
    days,
    totals: report.totals,
    sources: report.sources.slice(0, TOP).map(({ name, kind, n, negative }) => ({ name, kind, n, negative })),
    intents: report.intents.slice(0, TOP),
    /** What the day's negative mentions talked about. */
    themes: report.themes.slice(0, TOP),
    ratings: { rated: report.ratings.rated, averageRating: report.ratings.averageRating, previousAverage: report.ratings.previousAverage },
    negative: negativePayloads.map((m) => ({ ...m, translation: translations.get(m.id) ?? null })),
    openQuestions,
    urgentWaiting,
    surveys: { ...surveys, unhappy: surveys.unhappy.map((u) => ({ ...u, translation: translations.get(u.id) ?? null })) },
  }
}

/** A tick job: sends each due digest once. Safe to run on every tick of every instance. */
export async function sendDigests(deps: Deps, now: Date): Promise<{ sent: number }> {
  // One query a tick finds the workspaces with someone to send to; their days and hours, in their zones, are checked here.
  const workspaces = await deps.sql<{ id: string; settings: unknown; events: string[]; lastDay: string | null; lastWeek: string | null }[]>`
    SELECT w.id, w.settings,
           ARRAY(SELECT DISTINCT e FROM webhooks h, unnest(h.events) e WHERE h.workspace_id = w.id AND h.enabled) AS events,
           (SELECT max(d.day)::text FROM digests_sent d WHERE d.workspace_id = w.id AND d.period = 'day') AS "lastDay",
           (SELECT max(d.day)::text FROM digests_sent d WHERE d.workspace_id = w.id AND d.period = 'week') AS "lastWeek"
    FROM workspaces w
    WHERE EXISTS (SELECT 1 FROM webhooks h WHERE h.workspace_id = w.id AND h.enabled AND h.events && ${DIGESTS.map((d) => d.event)}::text[])
          ${deps.mail ? deps.sql`OR jsonb_array_length(coalesce(w.settings -> 'digestEmails', '[]')) > 0
                                 OR jsonb_array_length(coalesce(w.settings -> 'weeklyDigestEmails', '[]')) > 0` : deps.sql``}`
  let sent = 0
  for (const ws of workspaces) {
    const settings = WorkspaceSettings.parse(ws.settings)
    for (const { period, days, event, emails } of DIGESTS) {
      const to = deps.mail ? emails(settings) : []
      if (!ws.events.includes(event) && to.length === 0) continue
      const day = dueFrom(now, settings, days)
      const last = period === 'day' ? ws.lastDay : ws.lastWeek
      if (day === undefined || (last !== null && last >= day)) continue
      const digest = await buildDigest(deps, ws.id, day, days, settings)
      const claimed = await deps.sql.begin(async (tx) => {
        const claim = await tx`INSERT INTO digests_sent (workspace_id, period, day) VALUES (${ws.id}, ${period}, ${day}) ON CONFLICT DO NOTHING`
        if (claim.count === 0) return false
        await enqueueEvent(tx, ws.id, event, digest, { at: now })
        return true
      })
      if (!claimed) continue
      sent++
      // After the claim commits, so a second instance never mails it too; a message that fails is logged, not retried.
      if (deps.mail) await mailDigest(deps, deps.mail, to, digest)
    }
  }
  return { sent }
}

async function mailDigest(deps: Deps, mailer: Mailer, to: string[], digest: Digest) {
  const message = digestMessage(digest, deps.config.publicUrl)
  for (const address of to) {
    await mailer.send({ ...message, to: address }).catch((e: unknown) =>
      deps.logger.warn('digest not mailed', { to: address, err: e instanceof Error ? e.message : String(e) }),
    )
  }
}

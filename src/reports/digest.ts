// The daily digest: once a day, after the workspace's digest hour in its time
// zone, the day before (midnight to midnight there) in numbers and its most
// pressing negative mentions go to every webhook subscribed to `digest.daily`
// (a chat channel, with the slack format). A row per workspace and day claims
// it, so it goes out once.
import type { Deps } from '../deps.ts'
import { enqueueEvent } from '../webhooks/events.ts'
import { loadMentionPayloads } from '../webhooks/mention-payload.ts'
import { WorkspaceSettings } from '../workspaces/settings.ts'
import { mentionFilterSql, OPEN_STATUSES } from '../mentions/filter.ts'
import type { Mailer } from '../mail/mailer.ts'
import { digestMessage } from './digest-email.ts'
import { mentionReport } from './mentions.ts'
import { surveyResults } from '../surveys/results.ts'
import { headline } from '../surveys/scores.ts'
import { bandRange, LOW_BAND, type SurveyKind } from '../surveys/schemas.ts'
import { DAY_MS, instantOf, localMidnight, wallTimeAfter } from '../time/wall-clock.ts'

const TOP = 5
/** Unhappy survey comments quoted in a digest, across its surveys. */
const UNHAPPY_COMMENTS = 3

/** The day (YYYY-MM-DD) before `now`'s date in the zone: the only day whose digest can be due. */
const dayBefore = (now: Date, timeZone: string) => new Date(localMidnight(now.getTime(), timeZone) - DAY_MS).toISOString().slice(0, 10)

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
    ? await deps.sql<{ survey: string; score: number; comment: string }[]>`
        SELECT coalesce(s.name, s.question) AS survey, r.score, r.comment FROM survey_responses r
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

/** The day's numbers and up to five negative mentions, highest priority first; copies of a post count once. */
export type Digest = Awaited<ReturnType<typeof buildDigest>>

export async function buildDigest(deps: Deps, workspaceId: string, day: string, timeZone: string) {
  // Midnight to midnight in the zone: 23 or 25 hours on the days its clocks change.
  const since = new Date(instantOf(Date.parse(day), 0, timeZone))
  const until = new Date(instantOf(Date.parse(day) + DAY_MS, 0, timeZone))
  const [report, surveys] = await Promise.all([
    mentionReport(deps, workspaceId, { since: since.toISOString(), until: until.toISOString() }, 'day'),
    surveysOfDay(deps, workspaceId, since, until),
  ])
  const pressing = { since: since.toISOString(), until: until.toISOString(), sentiment: ['negative' as const], status: [...OPEN_STATUSES] }
  const negative = await deps.sql<{ id: string }[]>`
    SELECT m.id FROM mentions m WHERE ${mentionFilterSql(deps.sql, workspaceId, pressing)} AND m.duplicate_of IS NULL
    ORDER BY m.priority DESC, m.id LIMIT ${TOP}`
  // Questions of any day still waiting for an answer at their source, as the inbox's Open questions view lists them.
  const waiting = { until: until.toISOString(), intent: ['question' as const], status: [...OPEN_STATUSES], answered: false }
  const [{ openQuestions }] = await deps.sql<{ openQuestions: number }[]>`
    SELECT count(*)::int AS "openQuestions" FROM mentions m WHERE ${mentionFilterSql(deps.sql, workspaceId, waiting)} AND m.duplicate_of IS NULL`
  return {
    day,
    totals: report.totals,
    sources: report.sources.slice(0, TOP).map(({ name, kind, n, negative }) => ({ name, kind, n, negative })),
    intents: report.intents.slice(0, TOP),
    /** What the day's negative mentions talked about. */
    themes: report.themes.slice(0, TOP),
    ratings: { rated: report.ratings.rated, averageRating: report.ratings.averageRating, previousAverage: report.ratings.previousAverage },
    negative: await loadMentionPayloads(deps.sql, workspaceId, negative.map((n) => n.id)),
    openQuestions,
    surveys,
  }
}

/** A tick job: sends each due digest once. Safe to run on every tick of every instance. */
export async function sendDailyDigests(deps: Deps, now: Date): Promise<{ sent: number }> {
  // One query a tick finds the workspaces with someone to send to; their day and hour, in their zone, are checked here.
  const workspaces = await deps.sql<{ id: string; settings: unknown; lastDay: string | null }[]>`
    SELECT w.id, w.settings, (SELECT max(d.day)::text FROM digests_sent d WHERE d.workspace_id = w.id) AS "lastDay"
    FROM workspaces w
    WHERE EXISTS (SELECT 1 FROM webhooks h WHERE h.workspace_id = w.id AND h.enabled AND 'digest.daily' = ANY(h.events))
          ${deps.mail ? deps.sql`OR jsonb_array_length(coalesce(w.settings -> 'digestEmails', '[]')) > 0` : deps.sql``}`
  let sent = 0
  for (const ws of workspaces) {
    const settings = WorkspaceSettings.parse(ws.settings)
    const day = dayBefore(now, settings.timeZone)
    if (ws.lastDay !== null && ws.lastDay >= day) continue
    if (now.getTime() < wallTimeAfter(now.getTime(), settings.timeZone, 0, settings.digestHour * 60)) continue
    const digest = await buildDigest(deps, ws.id, day, settings.timeZone)
    const claimed = await deps.sql.begin(async (tx) => {
      const claim = await tx`INSERT INTO digests_sent (workspace_id, day) VALUES (${ws.id}, ${day}) ON CONFLICT DO NOTHING`
      if (claim.count === 0) return false
      await enqueueEvent(tx, ws.id, 'digest.daily', digest, { at: now })
      return true
    })
    if (!claimed) continue
    sent++
    // After the claim commits, so a second instance never mails it too; a message that fails is logged, not retried.
    if (deps.mail) await mailDigest(deps, deps.mail, settings.digestEmails, digest)
  }
  return { sent }
}

async function mailDigest(deps: Deps, mailer: Mailer, to: string[], digest: Digest) {
  const message = digestMessage(digest, deps.config.publicUrl)
  for (const address of to) {
    await mailer.send({ ...message, to: address }).catch((e: unknown) =>
      deps.logger.warn('daily digest not mailed', { to: address, err: e instanceof Error ? e.message : String(e) }),
    )
  }
}

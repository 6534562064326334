// `response` alerts: each survey answer in the chosen bands (a detractor, an
// unsatisfied CSAT), or urgent when the alert asks, fires once, with the answer, so someone can call the person
// while it matters. Answers are picked up on the scheduler tick.
import type { Tx } from '../db/sql.ts'
import { BANDS, type BandName, type SurveyKind } from '../surveys/schemas.ts'
import type { Fragment } from '../mentions/filter.ts'
import { fireAlert, fireAlertForAnswers, type FiringAlert } from './fire.ts'
import type { AnswerProperty } from './schema.ts'

export interface ResponseAlert extends FiringAlert {
  surveyId: string | null
  answerProperty: AnswerProperty | null
  bands: BandName[]
  urgentAnswers: boolean
  minCustomerValue: number | null
  createdAt: Date
}

/** Answers fired for per check; more wait for the next tick. */
const PER_CHECK = 50
/** Up to this many answers found in one check fire one message each; more go out as one message listing them all. */
const ONE_BY_ONE = 3
/** Answers older than this are not news any more (a late import, a restored backup). */
const LOOK_BACK_MS = 86_400_000

/** `AND <properties> ->> name = value` for an alert that counts only answers with that property value; nothing otherwise. */
export const withProperty = (tx: Tx, property: AnswerProperty | null, properties: Fragment) =>
  property ? tx`AND ${properties} ->> ${property.name} = ${property.value}` : tx``

/** `score` within one of `bands` for the survey's kind, as SQL over `s.kind` and `r.score`. */
function inBands(tx: Tx, bands: BandName[]) {
  const ranges = Object.entries(BANDS).flatMap(([kind, named]) =>
    Object.entries(named).filter(([band]) => bands.includes(band as BandName)).map(([, [lo, hi]]) => ({ kind: kind as SurveyKind, lo, hi })),
  )
  if (ranges.length === 0) return tx`false`
  return ranges.map((r) => tx`(s.kind = ${r.kind} AND r.score BETWEEN ${r.lo} AND ${r.hi})`).reduce((a, b) => tx`${a} OR ${b}`)
}

/** Fires for the matching answers given since the alert was created (and in the last day) that it has not fired for. */
export async function checkResponses(tx: Tx, alert: ResponseAlert, now: Date): Promise<'quiet' | 'fired'> {
  const since = new Date(Math.max(alert.createdAt.getTime(), now.getTime() - LOOK_BACK_MS))
  const answers = await tx<{ id: string; surveyId: string; survey: string; kind: SurveyKind; score: number; comment: string | null; email: string | null; customerId: string | null; respondedAt: Date }[]>`
    SELECT r.id, r.survey_id AS "surveyId", coalesce(s.name, s.question) AS survey, s.kind, r.score, r.comment, r.email,
           r.customer_id AS "customerId", r.responded_at AS "respondedAt"
    FROM survey_responses r JOIN surveys s ON s.id = r.survey_id AND s.workspace_id = r.workspace_id
    WHERE r.workspace_id = ${alert.workspaceId} AND r.responded_at >= ${since} AND r.responded_at <= ${now}
      ${alert.surveyId ? tx`AND r.survey_id = ${alert.surveyId}` : tx``}
      ${withProperty(tx, alert.answerProperty, tx`r.properties`)}
      AND (${inBands(tx, alert.bands)} ${alert.urgentAnswers ? tx`OR r.urgent` : tx``})
      ${alert.minCustomerValue === null ? tx`` : tx`AND EXISTS (SELECT 1 FROM customers c WHERE c.id = r.customer_id AND c.workspace_id = r.workspace_id AND c.value >= ${alert.minCustomerValue})`}
      AND NOT EXISTS (SELECT 1 FROM alert_events e WHERE e.alert_id = ${alert.id} AND e.dedup_key = 'response:' || r.id::text)
    ORDER BY r.responded_at, r.id
    LIMIT ${PER_CHECK}`
  await tx`UPDATE alerts SET last_evaluated_at = ${now} WHERE id = ${alert.id}`
  const occurrences = answers.map(({ id, kind, ...rest }) => ({
    dedupKey: `response:${id}`,
    explanation: { responseId: id, surveyId: rest.surveyId, score: rest.score },
    response: { id, ...rest, surveyKind: kind, respondedAt: rest.respondedAt.toISOString() },
  }))
  if (occurrences.length > ONE_BY_ONE) return (await fireAlertForAnswers(tx, alert, occurrences, now)) ? 'fired' : 'quiet'
  let fired = false
  for (const o of occurrences) fired = (await fireAlert(tx, alert, { ...o, at: now })) || fired
  return fired ? 'fired' : 'quiet'
}

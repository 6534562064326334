import { z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import type { Sql, Tx } from '../db/sql.ts'
import { badRequest, notFound } from '../errors.ts'
import { decodeCursor, encodeCursor } from '../http/pagination.ts'
import { SCORE_RANGES, type SurveyKind } from '../surveys/schemas.ts'
import { WEEK_WINDOW_KINDS, type Alert, type AlertEvent, type AlertPatch, type NewAlert } from './schema.ts'

const columns = (sql: Sql | Tx) => sql`
  id, kind, name, filter, channels, emails, cooldown, enabled, "window", min_count AS "minCount", sensitivity,
  only_new AS "onlyNew", min_customer_value AS "minCustomerValue", reply_within AS "replyWithin", below_rating AS "belowRating", business_hours AS "businessHours", survey_id AS "surveyId", bands, urgent_answers AS "urgentAnswers", below_score AS "belowScore",
  answer_property AS "answerProperty", in_episode AS "inEpisode",
  last_fired_at AS "lastFiredAt", last_evaluated_at AS "lastEvaluatedAt", last_evaluation AS "lastEvaluation",
  created_at AS "createdAt", updated_at AS "updatedAt"`

/** Channels must be webhooks of the same workspace. */
async function assertChannels(sql: Sql | Tx, workspaceId: string, channels: string[]) {
  if (channels.length === 0) return
  const found = await sql<{ id: string }[]>`SELECT id FROM webhooks WHERE workspace_id = ${workspaceId} AND id = ANY(${channels}::uuid[])`
  const missing = channels.filter((c) => !found.some((f) => f.id === c))
  if (missing.length) throw badRequest('channels must be webhook ids of this workspace', { missing })
}

/** Each address once, however it was written. */
const emailsOf = (emails: string[]) => [...new Map(emails.map((e) => [e.toLowerCase(), e])).values()]

type Fit = Pick<Alert, 'kind' | 'window' | 'surveyId' | 'belowScore' | 'answerProperty'>

/** Kinds that count survey answers, and so may count only those with one property value. */
const ANSWER_KINDS: readonly string[] = ['response', 'survey_score']

/**
 * What a kind needs of the other fields: a survey of the workspace (response, survey_score), a score on that survey's
 * scale (survey_score), a window it can compare (a week's only where the level is compared with the week before).
 */
async function assertFits(sql: Sql | Tx, workspaceId: string, a: Fit) {
  if (a.window === '7d' && !WEEK_WINDOW_KINDS.includes(a.kind)) throw badRequest(`window 7d is for ${WEEK_WINDOW_KINDS.join(' and ')} alerts`)
  if (a.kind === 'survey_score' && (!a.surveyId || a.belowScore === null)) throw badRequest('a survey_score alert needs surveyId and belowScore')
  if (a.answerProperty && !ANSWER_KINDS.includes(a.kind)) throw badRequest(`answerProperty is for ${ANSWER_KINDS.join(' and ')} alerts`)
  if (!a.surveyId) return
  const [survey]: [{ kind: SurveyKind }?] = await sql`SELECT kind FROM surveys WHERE workspace_id = ${workspaceId} AND id = ${a.surveyId}`
  if (!survey) throw badRequest('surveyId must be a survey of this workspace')
  const range = SCORE_RANGES[survey.kind]
  if (a.kind === 'survey_score' && (a.belowScore! < range.min || a.belowScore! > range.max))
    throw badRequest(`belowScore must be between ${range.min} and ${range.max} for a ${survey.kind.toUpperCase()} survey`)
}

export async function createAlert(deps: Deps, workspaceId: string, input: NewAlert): Promise<Alert> {
  const channels = [...new Set(input.channels)]
  await assertChannels(deps.sql, workspaceId, channels)
  await assertFits(deps.sql, workspaceId, input)
  const [row] = await deps.sql<Alert[]>`
    INSERT INTO alerts (workspace_id, kind, name, filter, channels, emails, cooldown, enabled, "window", min_count, sensitivity, only_new, min_customer_value,
                        reply_within, below_rating, business_hours, survey_id, bands, urgent_answers, below_score, answer_property)
    VALUES (${workspaceId}, ${input.kind}, ${input.name}, ${deps.sql.json(input.filter as never)}, ${channels}::uuid[], ${emailsOf(input.emails)}::text[], ${input.cooldown},
            ${input.enabled}, ${input.window}, ${input.minCount}, ${input.sensitivity}, ${input.onlyNew}, ${input.minCustomerValue}, ${input.replyWithin},
            ${input.belowRating}, ${input.businessHours === null ? null : deps.sql.json(input.businessHours)}, ${input.surveyId}, ${input.bands}, ${input.urgentAnswers}, ${input.belowScore},
            ${input.answerProperty === null ? null : deps.sql.json(input.answerProperty)})
    RETURNING ${columns(deps.sql)}`
  return row
}

export async function listAlerts(deps: Deps, workspaceId: string): Promise<Alert[]> {
  return deps.sql<Alert[]>`SELECT ${columns(deps.sql)} FROM alerts WHERE workspace_id = ${workspaceId} ORDER BY created_at, id`
}

export async function getAlert(deps: Deps, workspaceId: string, id: string): Promise<Alert> {
  const [row]: [Alert?] = await deps.sql`SELECT ${columns(deps.sql)} FROM alerts WHERE workspace_id = ${workspaceId} AND id = ${id}`
  if (!row) throw notFound('alert')
  return row
}

/** Changing what is counted or how closes any open episode: the old one was about something else. */
export async function updateAlert(deps: Deps, workspaceId: string, id: string, patch: AlertPatch): Promise<Alert> {
  const set: Record<string, unknown> = { updated_at: deps.clock() }
  if (patch.name !== undefined) set.name = patch.name
  if (patch.filter !== undefined) set.filter = deps.sql.json(patch.filter as never)
  if (patch.emails !== undefined) set.emails = emailsOf(patch.emails)
  if (patch.cooldown !== undefined) set.cooldown = patch.cooldown
  if (patch.enabled !== undefined) set.enabled = patch.enabled
  if (patch.window !== undefined) set.window = patch.window
  if (patch.minCount !== undefined) set.min_count = patch.minCount
  if (patch.sensitivity !== undefined) set.sensitivity = patch.sensitivity
  if (patch.onlyNew !== undefined) set.only_new = patch.onlyNew
  if (patch.minCustomerValue !== undefined) set.min_customer_value = patch.minCustomerValue
  if (patch.replyWithin !== undefined) set.reply_within = patch.replyWithin
  if (patch.belowRating !== undefined) set.below_rating = patch.belowRating
  if (patch.businessHours !== undefined) set.business_hours = patch.businessHours === null ? null : deps.sql.json(patch.businessHours)
  if (patch.surveyId !== undefined) set.survey_id = patch.surveyId
  if (patch.bands !== undefined) set.bands = patch.bands
  if (patch.urgentAnswers !== undefined) set.urgent_answers = patch.urgentAnswers
  if (patch.belowScore !== undefined) set.below_score = patch.belowScore
  if (patch.answerProperty !== undefined) set.answer_property = patch.answerProperty === null ? null : deps.sql.json(patch.answerProperty)
  if ([patch.filter, patch.window, patch.sensitivity, patch.minCount, patch.belowRating, patch.surveyId, patch.belowScore, patch.answerProperty].some((v) => v !== undefined)) {
    set.in_episode = false
  }
  return deps.sql.begin(async (tx) => {
    const [current]: [Fit?] = await tx`
      SELECT kind, "window", survey_id AS "surveyId", below_score AS "belowScore", answer_property AS "answerProperty"
      FROM alerts WHERE workspace_id = ${workspaceId} AND id = ${id} FOR UPDATE`
    if (!current) throw notFound('alert')
    if (patch.onlyNew && current.kind !== 'match') throw badRequest('onlyNew applies to match alerts')
    const { window = current.window, surveyId = current.surveyId, belowScore = current.belowScore, answerProperty = current.answerProperty } = patch
    await assertFits(tx, workspaceId, { kind: current.kind, window, surveyId, belowScore, answerProperty })
    if (patch.channels !== undefined) {
      const channels = [...new Set(patch.channels)]
      await assertChannels(tx, workspaceId, channels)
      const [row] = await tx<Alert[]>`
        UPDATE alerts SET ${tx(set)}, channels = ${channels}::uuid[] WHERE workspace_id = ${workspaceId} AND id = ${id} RETURNING ${columns(tx)}`
      return row
    }
    const [row] = await tx<Alert[]>`UPDATE alerts SET ${tx(set)} WHERE workspace_id = ${workspaceId} AND id = ${id} RETURNING ${columns(tx)}`
    return row
  })
}

export async function deleteAlert(deps: Deps, workspaceId: string, id: string): Promise<void> {
  const rows = await deps.sql`DELETE FROM alerts WHERE workspace_id = ${workspaceId} AND id = ${id} RETURNING id`
  if (rows.length === 0) throw notFound('alert')
}

const EventCursor = z.object({ at: z.iso.datetime(), id: z.uuid() })

/** What an alert fired, newest first. */
export async function listAlertEvents(
  deps: Deps,
  workspaceId: string,
  alertId: string,
  page: { cursor?: string; limit: number },
): Promise<{ items: AlertEvent[]; nextCursor: string | null }> {
  await getAlert(deps, workspaceId, alertId)
  const after = page.cursor ? decodeCursor(page.cursor, EventCursor) : null
  const rows = await deps.sql<AlertEvent[]>`
    SELECT id, fired_at AS "firedAt", mention_id AS "mentionId", response_id AS "responseId", explanation
    FROM alert_events
    WHERE workspace_id = ${workspaceId} AND alert_id = ${alertId}
      ${after ? deps.sql`AND (fired_at, id) < (${new Date(after.at)}::timestamptz, ${after.id}::uuid)` : deps.sql``}
    ORDER BY fired_at DESC, id DESC
    LIMIT ${page.limit + 1}`
  const items = rows.slice(0, page.limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > page.limit ? encodeCursor({ at: last.firedAt.toISOString(), id: last.id }) : null }
}

import { z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { badRequest } from '../errors.ts'
import { decodeCursor, encodeCursor } from '../http/pagination.ts'
import { bandOf, bandRange, PROPERTY_COLUMN, type BandName, type Properties, type SurveyKind } from './schemas.ts'
import { getSurvey } from './surveys.ts'
import { toCsv } from '../reports/csv.ts'

export interface ResponsesQuery {
  band?: BandName
  sentiment?: 'positive' | 'neutral' | 'negative'
  since?: Date
  until?: Date
  /** Only answers whose property `name` is `value`. */
  property?: { name: string; value: string }
  /** Only answers that picked this option of the choice question. */
  choice?: string
  cursor?: string
  limit: number
}

export interface ResponseView {
  id: string
  score: number
  band: BandName
  comment: string | null
  email: string | null
  respondent: string | null
  customerId: string | null
  customerMatch: string | null
  page: string | null
  locale: string | null
  lang: string
  sentiment: { label: string; score: number | null } | null
  intents: { label: string; score: number }[]
  /** The comment says it cannot wait (src/enrich/urgency.ts). */
  urgent: boolean
  /** What the page, invitation or import said of the answer; `{}` when nothing. */
  properties: Properties
  /** The choice question's options picked (in the survey's own language); empty when it was not answered. */
  choices: string[]
  channel: string
  respondedAt: Date
}

interface Row extends Omit<ResponseView, 'band' | 'sentiment' | 'properties'> {
  properties: Properties | null
  sentimentLabel: string | null
  sentimentScore: number | null
}

const Cursor = z.object({ at: z.iso.datetime(), id: z.uuid() })
/** CSV exports are capped so one request can't hold the whole table in memory. */
export const MAX_CSV_ROWS = 100_000

async function selectResponses(deps: Deps, workspaceId: string, surveyId: string, q: ResponsesQuery, limit: number) {
  const survey = await getSurvey(deps, workspaceId, surveyId)
  const { sql } = deps
  const range = q.band ? bandRange(survey.kind, q.band) : undefined
  if (q.band && !range) throw badRequest(`${q.band} is not a ${survey.kind} band`)
  const after = q.cursor ? decodeCursor(q.cursor, Cursor) : undefined
  const rows = await sql<Row[]>`
    SELECT id, score, comment, email, respondent, customer_id AS "customerId", customer_match AS "customerMatch", page, locale, lang,
           sentiment_label AS "sentimentLabel", sentiment_score AS "sentimentScore", intents, urgent, properties,
           coalesce(choices, '{}') AS choices, channel,
           responded_at AS "respondedAt"
    FROM survey_responses
    WHERE workspace_id = ${workspaceId} AND survey_id = ${survey.id}
      ${range ? sql`AND score BETWEEN ${range[0]} AND ${range[1]}` : sql``}
      ${q.sentiment ? sql`AND sentiment_label = ${q.sentiment}` : sql``}
      ${q.since ? sql`AND responded_at >= ${q.since}` : sql``}
      ${q.until ? sql`AND responded_at < ${q.until}` : sql``}
      ${q.property ? sql`AND properties ->> ${q.property.name} = ${q.property.value}` : sql``}
      ${q.choice ? sql`AND ${q.choice} = ANY(choices)` : sql``}
      ${after ? sql`AND (responded_at, id) < (${new Date(after.at)}, ${after.id})` : sql``}
    ORDER BY responded_at DESC, id DESC
    LIMIT ${limit}`
  return { kind: survey.kind, rows }
}

function view(kind: SurveyKind, r: Row): ResponseView {
  const { sentimentLabel, sentimentScore, properties, ...rest } = r
  return { ...rest, band: bandOf(kind, r.score), sentiment: sentimentLabel ? { label: sentimentLabel, score: sentimentScore } : null, properties: properties ?? {} }
}

/** A page of a survey's responses, newest first. */
export async function listResponses(deps: Deps, workspaceId: string, surveyId: string, q: ResponsesQuery) {
  const { kind, rows } = await selectResponses(deps, workspaceId, surveyId, q, q.limit + 1)
  const page = rows.slice(0, q.limit)
  const last = page[page.length - 1]
  return {
    items: page.map((r) => view(kind, r)),
    nextCursor: rows.length > q.limit ? encodeCursor({ at: last.respondedAt.toISOString(), id: last.id }) : null,
  }
}

/** RFC 4180 CSV, UTF-8, header row; formula-leading cells are defused (reports/csv.ts). */
export async function exportResponsesCsv(deps: Deps, workspaceId: string, surveyId: string, q: Omit<ResponsesQuery, 'cursor' | 'limit'>) {
  const { kind, rows } = await selectResponses(deps, workspaceId, surveyId, { ...q, limit: MAX_CSV_ROWS }, MAX_CSV_ROWS)
  // A column per property any exported answer has, named as an import reads it back.
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.properties ?? {})))].sort()
  const header = ['id', 'responded_at', 'score', 'band', 'comment', 'email', 'respondent', 'customer_id', 'sentiment', 'intents', 'urgent', 'lang', 'page', 'locale', 'channel', 'choices',
    ...names.map((n) => PROPERTY_COLUMN + n)]
  const records = rows.map((r) => {
    const v = view(kind, r)
    return [v.id, v.respondedAt.toISOString(), v.score, v.band, v.comment, v.email, v.respondent, v.customerId, v.sentiment?.label ?? null,
      v.intents.map((i) => i.label).join(';'), v.urgent, v.lang, v.page, v.locale, v.channel, v.choices.join('; '), ...names.map((n) => v.properties[n] ?? null)]
  })
  return toCsv(header, records)
}

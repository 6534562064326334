import type { Deps } from '../deps.ts'
import type postgres from 'postgres'
import type { Sql, Tx } from '../db/sql.ts'
import { enrich, type Enrichment } from '../enrich/index.ts'
import { AppError, badRequest, notFound } from '../errors.ts'
import { announceSurveyResponses } from '../webhooks/announce.ts'
import type { EventType } from '../webhooks/events.ts'
import { findSend, markResponded } from './email-sends.ts'
import { findCustomerByIdentity, verifyIdentity } from './identity.ts'
import type { LiveSurvey } from './live-surveys.ts'
import { newRespondentToken } from './respondent-token.ts'
import { newResponseId } from './response-id.ts'
import type { SurveyRecord } from './surveys.ts'
import { bandOf, propertiesOf, SCALES, scoreAsRating, type ChoiceQuestion, type Properties, type PublicResponse, type SurveyKind } from './schemas.ts'

/**
 * A survey_responses row as inserted; keys are the column names insertRows
 * reads from its JSON. Absent keys are NULL, or the column's usual default
 * for lang, intents, pii and enrich_version: most public answers are a bare
 * score, and a short row is cheaper to serialise and to parse.
 */
export interface ResponseInsert {
  id: string
  workspace_id: string
  survey_id: string
  score: number
  comment?: string | null
  email?: string | null
  respondent?: string | null
  customer_id?: string | null
  customer_match?: 'signed_identity' | 'import_email' | 'import_ref' | 'survey_email' | null
  page?: string | null
  locale?: string | null
  lang?: string
  sentiment_label?: string | null
  sentiment_score?: number | null
  sentiment_confidence?: number | null
  intents?: Enrichment['intents']
  pii?: Enrichment['pii']
  urgent?: boolean
  enrich_version?: number
  /** null or absent when there are none. */
  properties?: Properties | null
  /** The choice question's options picked, in the survey's own language; absent when it was not answered. */
  choices?: string[] | null
  /** The respondent's comment token; only its SHA-256 is stored (computed by the INSERT). */
  token?: string | null
  channel: 'embed' | 'hosted' | 'import'
  /** ISO 8601; a string, since Date's own JSON conversion costs more per row. */
  responded_at: string
}

/** How long the respondent's token may add a comment to their score. */
export const COMMENT_WINDOW_MINUTES = 30

/**
 * One multi-row INSERT: a single statement, so a single commit for the whole
 * group. The rows travel as one JSON parameter, which costs far less to bind
 * than twenty-odd parameters per row, and Postgres hashes the tokens. Rows are
 * inserted only where `condition` (a WHERE clause, or nothing) holds; returns
 * how many were.
 */
async function insertRows(sql: Sql | Tx, rows: ResponseInsert[], condition: postgres.PendingQuery<postgres.Row[]>): Promise<number> {
  const result = await sql`
    INSERT INTO survey_responses (
      id, workspace_id, survey_id, score, comment, email, respondent, customer_id, customer_match, page, locale,
      lang, sentiment_label, sentiment_score, sentiment_confidence, intents, pii, urgent, enrich_version, properties, choices, token_hash,
      channel, responded_at)
    SELECT id, workspace_id, survey_id, score, comment, email, respondent, customer_id, customer_match, page, locale,
      coalesce(lang, 'und'), sentiment_label, sentiment_score, sentiment_confidence, coalesce(intents, '[]'), coalesce(pii, '[]'),
      coalesce(urgent, false), coalesce(enrich_version, 0), properties, choices, encode(sha256(convert_to(token, 'UTF8')), 'hex'), channel, responded_at
    FROM jsonb_to_recordset(${sql.json(rows as unknown as postgres.JSONValue)}) AS r(
      id uuid, workspace_id uuid, survey_id uuid, score smallint, comment text, email text, respondent text, customer_id uuid,
      customer_match text, page text, locale text, lang text, sentiment_label text, sentiment_score real, sentiment_confidence real,
      intents jsonb, pii jsonb, urgent boolean, enrich_version integer, properties jsonb, choices text[], token text, channel text, responded_at timestamptz)
    ${condition}`
  return result.count
}

/** Stores responses and queues their `survey_response.created` webhooks in the same transaction. */
export async function storeResponses(tx: Tx, rows: ResponseInsert[]): Promise<void> {
  await insertRows(tx, rows, tx``)
  await announceSurveyResponses(tx, rows)
}

const CREATED: EventType = 'survey_response.created'

/**
 * Commits a group of responses. When no webhook of their workspaces listens
 * for new responses (the usual case) that is one statement in its own
 * implicit transaction: it inserts only if nobody listens, judged in the same
 * snapshot as the insert, just as the announcing path would judge it. When
 * someone does, it inserts nothing and the group is stored with its webhook
 * deliveries in one transaction instead.
 */
export async function commitResponses(sql: Sql, rows: ResponseInsert[]): Promise<void> {
  const workspaces = [...new Set(rows.map((r) => r.workspace_id))]
  const inserted = await insertRows(sql, rows, sql`
    WHERE NOT EXISTS (SELECT 1 FROM webhooks WHERE workspace_id = ANY(${workspaces}::uuid[]) AND enabled AND ${CREATED} = ANY(events))`)
  // The condition holds for the whole group or for none of it.
  if (inserted === rows.length) return
  await sql.begin((tx) => storeResponses(tx, rows))
}

/** What is wrong with a set of picks for the question, whatever names them (places in its list, or its texts). */
export function picksProblem(choice: ChoiceQuestion, picks: readonly unknown[]): string | undefined {
  if (new Set(picks).size !== picks.length) return 'choices: each option once'
  if (!choice.multiple && picks.length > 1) return 'choices: this question takes one option'
  return undefined
}

/**
 * The options picked by their place in the choice question's list, as the texts stored (the survey's own language):
 * refused when the survey asks no such question, the score's band is not asked it, or the picks do not fit it.
 */
export function pickedOptions(survey: SurveyRecord, score: number, picks: number[]): string[] {
  const choice = survey.settings.choice
  if (!choice) throw badRequest('this survey asks no choice question')
  const band = bandOf(survey.kind, score)
  if (choice.bands && !choice.bands.includes(band)) throw badRequest(`the choice question is not asked of ${band}s`)
  const problem = picksProblem(choice, picks)
  if (problem) throw badRequest(problem)
  return picks.map((i) => {
    const option = choice.options[i]
    if (option === undefined) throw badRequest(`choices: the question has ${choice.options.length} options (0 to ${choice.options.length - 1})`)
    return option
  })
}

export function checkScore(kind: SurveyKind, score: number): string | undefined {
  const { min, max } = SCALES[kind]
  if (!Number.isInteger(score) || score < min || score > max) return `score must be an integer from ${min} to ${max} for a ${kind} survey`
  return undefined
}

type CommentColumns = Required<Pick<ResponseInsert, 'comment' | 'lang' | 'sentiment_label' | 'sentiment_score' | 'sentiment_confidence' | 'intents' | 'pii' | 'urgent' | 'enrich_version'>>

/** Comments go through the same enrichment as every mention; no comment, no classification. */
export function enrichComment(kind: SurveyKind, score: number, comment: string | undefined, redactPii: boolean): CommentColumns {
  const text = comment?.trim()
  if (!text) {
    return { comment: null, lang: 'und', sentiment_label: null, sentiment_score: null, sentiment_confidence: null, intents: [], pii: [], urgent: false, enrich_version: 0 }
  }
  const e = enrich({ text, kind: 'survey', rating: scoreAsRating(kind, score) }, { redactPii })
  return {
    comment: redactPii ? e.text : text,
    lang: e.lang,
    sentiment_label: e.sentiment.label,
    sentiment_score: e.sentiment.score,
    sentiment_confidence: e.sentiment.confidence,
    intents: e.intents,
    pii: e.pii,
    urgent: e.urgent,
    enrich_version: e.version,
  }
}

export interface Submitted {
  id: string
  /** Lets the same respondent add a comment for COMMENT_WINDOW_MINUTES. */
  token: string
}

/**
 * Validates a public response against its survey, resolves a signed identity,
 * enriches the comment, and resolves once the row is committed by `write`.
 */
export async function submitResponse(
  deps: Deps,
  live: LiveSurvey,
  input: PublicResponse,
  channel: 'embed' | 'hosted',
  write: (row: ResponseInsert) => Promise<void>,
): Promise<Submitted> {
  const { survey } = live
  const rangeError = checkScore(survey.kind, input.score)
  if (rangeError) throw badRequest(rangeError)
  const token = newRespondentToken()
  // Honeypot filled: answer like a success so the bot learns nothing, store nothing.
  if (input.website) return { id: newResponseId(), token }

  let customerId: string | null = null
  if (input.signature !== undefined) {
    if (input.user === undefined) throw badRequest('a signature needs the user it signs')
    if (!live.identityKey) throw badRequest('this survey accepts no signed identities')
    if (!(await verifyIdentity(live.identityKey, input.user, input.signature))) {
      throw new AppError(403, 'invalid_signature', 'the identity signature does not match')
    }
    customerId = (await findCustomerByIdentity(deps, survey.workspaceId, input.user)) ?? null
  }
  // An invitation's link names its invitee; a token nobody was sent links nothing, and the answer still counts.
  const invitation = input.send === undefined ? undefined : await findSend(deps.sql, survey.workspaceId, survey.id, input.send)
  const id = newResponseId()
  const row: ResponseInsert = { id, workspace_id: survey.workspaceId, survey_id: survey.id, score: input.score, token, channel, responded_at: deps.clock().toISOString() }
  if (input.comment !== undefined) Object.assign(row, enrichComment(survey.kind, input.score, input.comment, survey.settings.redactPii))
  if (input.email !== undefined) row.email = input.email
  if (input.user !== undefined) row.respondent = input.user
  if (customerId) {
    row.customer_id = customerId
    row.customer_match = 'signed_identity'
  } else if (invitation?.customerId) {
    row.customer_id = invitation.customerId
    row.customer_match = 'survey_email'
  }
  if (invitation && input.email === undefined) row.email = invitation.email
  if (input.choices !== undefined) row.choices = pickedOptions(survey, input.score, input.choices)
  if (input.page !== undefined) row.page = input.page
  if (input.locale !== undefined) row.locale = input.locale
  // What the invitation said of its invitee, and what the page says now, which knows the moment better.
  const properties = propertiesOf({ ...invitation?.properties, ...input.properties })
  if (properties) row.properties = properties
  await write(row)
  if (invitation) await markResponded(deps.sql, survey.workspaceId, invitation.id, id)
  return { id, token }
}

/** The second step of a two-step widget: the comment, the choices or both join the score already given. */
export async function addComment(deps: Deps, live: LiveSurvey, id: string, input: { token: string; comment?: string; choices?: number[] }): Promise<{ id: string }> {
  const { survey } = live
  return deps.sql.begin(async (tx) => {
    const [row]: [{ score: number }?] = await tx`
      SELECT score FROM survey_responses
      WHERE workspace_id = ${survey.workspaceId} AND survey_id = ${survey.id} AND id = ${id}
        AND token_hash = encode(sha256(convert_to(${input.token}, 'UTF8')), 'hex')
        AND created_at > now() - make_interval(mins => ${COMMENT_WINDOW_MINUTES})
      FOR UPDATE`
    if (!row) throw notFound(`response for this token (tokens last ${COMMENT_WINDOW_MINUTES} minutes)`)
    if (input.choices !== undefined) {
      await tx`
        UPDATE survey_responses SET choices = ${pickedOptions(survey, row.score, input.choices)}, updated_at = now()
        WHERE workspace_id = ${survey.workspaceId} AND id = ${id}`
    }
    if (input.comment === undefined) return { id }
    const c = enrichComment(survey.kind, row.score, input.comment, survey.settings.redactPii)
    await tx`
      UPDATE survey_responses SET
        comment = ${c.comment}, lang = ${c.lang}, sentiment_label = ${c.sentiment_label}, sentiment_score = ${c.sentiment_score},
        sentiment_confidence = ${c.sentiment_confidence}, intents = ${tx.json(c.intents)}, pii = ${tx.json(c.pii)},
        urgent = ${c.urgent}, enrich_version = ${c.enrich_version}, updated_at = now()
      WHERE workspace_id = ${survey.workspaceId} AND id = ${id}`
    return { id }
  })
}

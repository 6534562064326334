import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { requireRole } from '../auth/middleware.ts'
import { SENTIMENT_LABELS } from '../enrich/sentiment.ts'
import { createRouter, ErrorSchema, errorResponses, IdParam, jsonBody, jsonResponse } from '../http/types.ts'
import { PageQuery } from '../http/pagination.ts'
import { importResponses, MAX_IMPORT_ROWS } from '../surveys/import.ts'
import { exportResponsesCsv, listResponses } from '../surveys/list-responses.ts'
import { INTERVALS } from '../time/buckets.ts'
import { surveyResults } from '../surveys/results.ts'
import type { SurveyRuntime } from '../surveys/runtime.ts'
import { BAND_NAMES, NewSurvey, PROPERTY_NAME, Survey, SurveyPatch } from '../surveys/schemas.ts'
import { createSurvey, deleteSurvey, getSurvey, listSurveys, presentSurvey, updateSurvey } from '../surveys/surveys.ts'
import { csvDownload } from '../reports/csv.ts'
import { listSends, queueSends, SendListQuery, SendRequest, SendTotals, SurveySend } from '../surveys/email-sends.ts'
import { repliesOfResponse, replyToResponse, ResponseReplyInput, ResponseReplySchema } from '../surveys/response-replies.ts'
import { SimilarTicket } from '../tickets/schema.ts'
import { ticketsLikeResponse } from '../tickets/similar-tickets.ts'
import { translateStored, TranslationInput } from '../translate/stored.ts'
import { translationResponses } from './translate.ts'
import { requestOrigin } from '../web/request-origin.ts'

const baseUrl = (c: Context) => new URL(c.req.url).origin

const Range = {
  since: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  until: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
}
/** `property=plan:pro`: the property's name, a colon, its value. */
const PropertyFilter = z
  .string()
  .max(300)
  .transform((s, ctx) => {
    const at = s.indexOf(':')
    const name = s.slice(0, at)
    if (at < 1 || !PROPERTY_NAME.test(name)) {
      ctx.addIssue({ code: 'custom', message: 'NAME:VALUE, e.g. plan:pro' })
      return z.NEVER
    }
    return { name, value: s.slice(at + 1) }
  })
  .openapi({ description: 'Only answers whose property NAME is VALUE: `plan:pro`', example: 'plan:pro' })
const ResponsesQuery = PageQuery.extend({
  band: z.enum(BAND_NAMES).optional(),
  sentiment: z.enum(SENTIMENT_LABELS).optional(),
  property: PropertyFilter.optional(),
  choice: z.string().min(1).max(100).optional().openapi({ description: 'Only answers that picked this option of the choice question' }),
  format: z.enum(['json', 'csv']).default('json'),
  ...Range,
})
const ResultsQuery = z.object({
  interval: z.enum(INTERVALS).optional(),
  segment: z
    .string()
    .regex(/^(plan|company|channel|locale|page|choice|attribute:.{1,100}|property:.{1,40})$/, 'plan, company, channel, locale, page, choice, attribute:NAME or property:NAME')
    .optional(),
  property: PropertyFilter.optional(),
  ...Range,
})
const ResponseParams = IdParam.extend({ responseId: z.uuid().openapi({ param: { name: 'responseId', in: 'path' } }) })
const ImportResult = z.object({ inserted: z.number(), rejected: z.array(z.object({ index: z.number(), reason: z.string() })) })

/** `/v1/surveys`: survey management, responses (list, CSV, bulk import) and results. */
export function surveysRouter(rt: SurveyRuntime) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/', tags: ['Surveys'], summary: 'Create an NPS, CSAT or CES survey',
        middleware: [requireRole('admin')] as const,
        request: { body: jsonBody(NewSurvey) },
        responses: { 201: jsonResponse('The survey, with its publicKey and a ready-to-paste embed snippet', Survey), ...errorResponses },
      }),
      async (c) => c.json(presentSurvey(await createSurvey(c.var.deps, c.var.principal.workspaceId, c.req.valid('json')), baseUrl(c)), 201),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/', tags: ['Surveys'], summary: 'List surveys',
        responses: { 200: jsonResponse('Surveys', z.object({ items: z.array(Survey) })), ...errorResponses },
      }),
      async (c) => {
        const items = await listSurveys(c.var.deps, c.var.principal.workspaceId)
        return c.json({ items: items.map((s) => presentSurvey(s, baseUrl(c))) }, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}', tags: ['Surveys'], summary: 'A survey (never its identity secret)',
        request: { params: IdParam },
        responses: { 200: jsonResponse('The survey', Survey), ...errorResponses },
      }),
      async (c) => c.json(presentSurvey(await getSurvey(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id), baseUrl(c)), 200),
    )
    .openapi(
      createRoute({
        method: 'patch', path: '/{id}', tags: ['Surveys'], summary: 'Change a survey; `status: paused` stops responses (410)',
        middleware: [requireRole('admin')] as const,
        request: { params: IdParam, body: jsonBody(SurveyPatch) },
        responses: { 200: jsonResponse('The survey', Survey), ...errorResponses },
      }),
      async (c) => {
        const survey = await updateSurvey(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json'))
        rt.live.forget(survey.publicKey)
        return c.json(presentSurvey(survey, baseUrl(c)), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'delete', path: '/{id}', tags: ['Surveys'], summary: 'Delete a survey and its responses',
        middleware: [requireRole('admin')] as const,
        request: { params: IdParam },
        responses: { 204: { description: 'Deleted' }, ...errorResponses },
      }),
      async (c) => {
        const survey = await deleteSurvey(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id)
        rt.live.forget(survey.publicKey)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/responses', tags: ['Surveys'], summary: 'Responses, newest first; `format=csv` exports all that match',
        request: { params: IdParam, query: ResponsesQuery },
        responses: {
          200: {
            description: 'A page of responses, or CSV',
            content: { 'application/json': { schema: z.object({ items: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().nullable() }) }, 'text/csv': { schema: z.string() } },
          },
          ...errorResponses,
        },
      }),
      async (c) => {
        const { format, ...q } = c.req.valid('query')
        const { id } = c.req.valid('param')
        if (format === 'csv') {
          const csv = await exportResponsesCsv(c.var.deps, c.var.principal.workspaceId, id, q)
          return c.body(csv, 200, csvDownload(`survey-${id}`))
        }
        return c.json(await listResponses(c.var.deps, c.var.principal.workspaceId, id, q), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/responses', tags: ['Surveys'],
        summary: `Import responses: a JSON array [{score, comment?, email?, customerRef?, respondedAt?, locale?, properties?}] or CSV with those headers (a column properties.NAME per property; ≤ ${MAX_IMPORT_ROWS} rows)`,
        middleware: [requireRole('agent')] as const,
        request: {
          params: IdParam,
          body: { content: { 'application/json': { schema: z.array(z.unknown()) }, 'text/csv': { schema: z.string() } } },
        },
        responses: { 200: jsonResponse('How many went in; each rejected row with its reason', ImportResult), ...errorResponses },
      }),
      async (c) => {
        const csv = /^text\/csv/i.test(c.req.header('content-type') ?? '')
        // The JSON schema is an array; the union type only reflects that text/csv is declared too.
        const input = csv ? { csv: await c.req.text() } : { rows: c.req.valid('json') as unknown[] }
        return c.json(await importResponses(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, input), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/responses/{responseId}/similar-tickets', tags: ['Surveys'],
        summary: 'Open tickets this answer’s comment is like, to link it to (as for mentions); none without a comment',
        request: { params: ResponseParams },
        responses: { 200: jsonResponse('Tickets like it', z.object({ items: z.array(SimilarTicket) })), ...errorResponses },
      }),
      async (c) => {
        const { id, responseId } = c.req.valid('param')
        return c.json({ items: await ticketsLikeResponse(c.var.deps, c.var.principal.workspaceId, id, responseId) }, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/responses/{responseId}/translation', tags: ['Surveys'],
        summary: 'Translate the comment (as mentions are translated); kept, so asking again costs no call',
        request: { params: ResponseParams, body: jsonBody(TranslationInput) },
        responses: translationResponses('comment'),
      }),
      async (c) => {
        const { id, responseId } = c.req.valid('param')
        const subject = { kind: 'response' as const, surveyId: id, id: responseId }
        const { translation, cached } = await translateStored(c.var.deps, c.var.principal.workspaceId, subject, c.req.valid('json').to)
        return cached ? c.json(translation, 200) : c.json(translation, 201)
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/responses/{responseId}/replies', tags: ['Surveys'], summary: 'The e-mails sent to the respondent about this response, oldest first',
        request: { params: ResponseParams },
        responses: { 200: jsonResponse('Replies', z.object({ items: z.array(ResponseReplySchema) })), ...errorResponses },
      }),
      async (c) => {
        const { id, responseId } = c.req.valid('param')
        return c.json({ items: await repliesOfResponse(c.var.deps, c.var.principal.workspaceId, id, responseId) }, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/responses/{responseId}/replies', tags: ['Surveys'],
        summary: 'Close the loop: e-mail the respondent about their answer (at their address, else their customer’s), with it quoted',
        middleware: [requireRole('agent')] as const,
        request: { params: ResponseParams, body: jsonBody(ResponseReplyInput) },
        responses: {
          201: jsonResponse('Sent', ResponseReplySchema),
          ...errorResponses,
          409: jsonResponse('No mail server is configured, the response has no address, or `already_replied`: someone e-mailed the person after `unlessRepliedSince` (`details.replies`)', ErrorSchema),
          502: jsonResponse('The mail server did not take it; kept as a failed reply', ErrorSchema),
        },
      }),
      async (c) => {
        const { id, responseId } = c.req.valid('param')
        const { deps, principal } = c.var
        return c.json(await replyToResponse(deps, principal.workspaceId, id, responseId, c.req.valid('json'), { keyId: principal.keyId }), 201)
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/sends', tags: ['Surveys'],
        summary: 'E-mail the survey: one invitation per recipient, with one-click score links (needs EARSHOT_SMTP_URL)',
        middleware: [requireRole('agent')] as const,
        request: { params: IdParam, body: jsonBody(SendRequest) },
        responses: {
          202: jsonResponse('Queued; each skipped recipient with the reason (bad address, unsubscribed, fatigue, repeat)', z.object({
            queued: z.number().int(),
            skipped: z.array(z.object({ index: z.number().int(), email: z.string(), reason: z.string() })),
          })),
          ...errorResponses,
        },
      }),
      async (c) => c.json(await queueSends(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json'), requestOrigin(c)), 202),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/sends', tags: ['Surveys'], summary: "The survey's e-mail invitations, newest first, with totals and the response rate",
        request: { params: IdParam, query: SendListQuery },
        responses: {
          200: jsonResponse('Invitations', z.object({ items: z.array(SurveySend), nextCursor: z.string().nullable(), totals: SendTotals })),
          ...errorResponses,
        },
      }),
      async (c) => c.json(await listSends(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}/results', tags: ['Surveys'],
        summary: 'Scores (NPS, CSAT % of 4–5, CES mean and % easy) with n and 95% intervals, per interval and segment',
        request: { params: IdParam, query: ResultsQuery },
        responses: { 200: jsonResponse('Results', z.record(z.string(), z.unknown())), ...errorResponses },
      }),
      async (c) => c.json(await surveyResults(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('query')), 200),
    )
}

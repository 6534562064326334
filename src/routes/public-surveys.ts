import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import { HTTPException } from 'hono/http-exception'
import { EMBED_JS } from '../embed/bundle.ts'
import { AppError, badRequest, notFound } from '../errors.ts'
import { ErrorSchema, jsonBody, jsonResponse, type AppEnv } from '../http/types.ts'
import { checkEligibility } from '../surveys/eligibility.ts'
import { unsubscribe } from '../surveys/email-sends.ts'
import { HOSTED_PAGE_CSP, renderHostedPage, renderMessagePage, renderUnsubscribePage, UNSUBSCRIBE_PAGE_CSP } from '../surveys/hosted-page.ts'
import type { LiveSurvey } from '../surveys/live-surveys.ts'
import { UI_STRINGS } from '../surveys/locales.ts'
import { publicConfig } from '../surveys/public-config.ts'
import { clientKey } from '../surveys/rate-limiter.ts'
import { addComment, submitResponse, type Submitted } from '../surveys/responses.ts'
import type { SurveyRuntime } from '../surveys/runtime.ts'
import { CommentPatch, PublicResponse, SEND_TOKEN } from '../surveys/schemas.ts'
import { acceptedLanguages, languageList, pickLocale, surveyTexts } from '../surveys/survey-language.ts'
import type { SurveyRecord } from '../surveys/surveys.ts'

/** Public responses are a score and a short comment; anything bigger is abuse. */
export const MAX_PUBLIC_BODY = 8 * 1024

interface PublicEnv {
  Variables: AppEnv['Variables'] & { live: LiveSurvey; cors: Record<string, string> }
}

/**
 * The stored answer's 201, with the CORS headers the checks decided on, as a
 * Response with a plain header record: c.header(), or c.json() given more than
 * one header, builds a WHATWG Headers object, which on Node cost ~14 µs of an
 * answer's ~70 µs (each name and value validated, then sorted back out), while
 * @hono/node-server writes a plain record as it is.
 */
const created = (c: Context<PublicEnv>, body: Submitted) =>
  new Response(JSON.stringify(body), { status: 201, headers: { 'content-type': 'application/json', ...c.get('cors') } })

const err = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } })
const publicErrors = {
  400: err('Invalid request'),
  403: err('Origin not allowed or identity signature invalid'),
  404: err('No such survey'),
  410: err('Survey paused'),
  413: err('Body over 8 KB'),
  429: err('Too many responses from this client; see Retry-After'),
} as const

/** The survey's language for this visitor: `?lang=` (a host page's or an invitation's choice) first, then the browser's. */
const visitorLocale = (c: Context, survey: SurveyRecord) =>
  pickLocale(survey, [...languageList(c.req.query('lang')), ...acceptedLanguages(c.req.header('accept-language'))])

const LINK_PROPERTY = /^properties\[(.+)\]$/

/** `?properties[plan]=pro&properties[order]=A-1` on a survey link (one a mailing tool of the customer's made): the first value of each. */
function linkProperties(c: Context): Record<string, string> {
  const found: Record<string, string> = {}
  for (const [key, values] of Object.entries(c.req.queries())) {
    const name = LINK_PROPERTY.exec(key)?.[1]
    if (name !== undefined && values[0] !== undefined) found[name] = values[0]
  }
  return found
}

const KeyParam = z.object({ publicKey: z.string().min(1).max(100).openapi({ param: { name: 'publicKey', in: 'path' } }) })

// The hosted page posts from our own host; proxies may terminate TLS, so compare hosts, not schemes.
const sameOrigin = (c: Context, origin: string) => {
  const host = c.req.header('host')
  return host !== undefined && origin.slice(origin.indexOf('//') + 2) === host
}

/** The answer endpoint as documented; it is served by hand (see readBody). */
const answerRoute = createRoute({
  method: 'post', path: '/s/{publicKey}/responses', tags: ['Public surveys'], summary: 'Answer a survey (201 once stored)',
  security: [],
  request: { params: KeyParam, body: jsonBody(PublicResponse) },
  responses: {
    201: jsonResponse('Stored; `token` lets the same respondent add a comment within 30 minutes', z.object({ id: z.uuid(), token: z.string() })),
    ...publicErrors,
  },
})

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i

/**
 * A JSON body validated against `schema`, with the answers zod-openapi's
 * validators give (415 for another media type, 400 for malformed or invalid
 * JSON) at a fraction of their cost: their chain (path parameters, media-type
 * gate, async parse) took ~15% of the server's CPU per survey answer.
 */
async function readBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const type = c.req.header('content-type')
  if (type === undefined || !JSON_MEDIA_TYPE.test(type.split(';')[0].trim())) throw new HTTPException(415, { message: 'Unsupported Media Type' })
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    throw badRequest('malformed JSON in request body')
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw badRequest('request failed validation', z.treeifyError(parsed.error))
  return parsed.data
}

/**
 * Public survey endpoints (no API key): the embed script, the hosted page,
 * the survey's config, eligibility, and responses. CORS answers only the
 * survey's allowedOrigins; every write is rate-limited per client IP and survey.
 */
export function publicSurveysRouter(rt: SurveyRuntime) {
  const router = new OpenAPIHono<PublicEnv>({
    defaultHook: (result) => {
      if (!result.success) throw badRequest('request failed validation', z.treeifyError(result.error))
    },
  })

  // c.get() rather than c.var: c.var copies every variable on each access, which shows on this hot path.
  const findLive = async (c: Context<PublicEnv>) => {
    const live = await rt.live.get(c.req.param('publicKey') ?? '')
    if (!live) throw notFound('survey')
    c.set('live', live)
    return live
  }
  const loadSurvey = createMiddleware<PublicEnv>(async (c, next) => {
    await findLive(c)
    await next()
  })

  /** The CORS headers of an answer to this request's origin; undefined when the survey doesn't allow that origin. */
  const corsHeaders = (c: Context<PublicEnv>, live: LiveSurvey): Record<string, string> | undefined => {
    const origin = c.req.header('origin')
    if (origin === undefined || sameOrigin(c, origin)) return { vary: 'Origin' }
    return live.origins.has(origin) ? { vary: 'Origin', 'access-control-allow-origin': origin } : undefined
  }

  const requireActive = (live: LiveSurvey) => {
    if (live.survey.status !== 'active') throw new AppError(410, 'survey_paused', 'this survey is not taking responses')
  }

  const rateLimit = (c: Context<PublicEnv>, live: LiveSurvey) => {
    const ip = c.get('deps').clientIp?.(c) ?? 'unknown'
    const verdict = rt.limiter.take(`${clientKey(ip)}|${live.survey.id}`)
    if (!verdict.ok) {
      c.header('retry-after', String(verdict.retryAfterSeconds))
      throw new AppError(429, 'rate_limited', `too many requests; retry in ${verdict.retryAfterSeconds} s`)
    }
  }

  const tooLarge = () => new AppError(413, 'payload_too_large', `request body over ${MAX_PUBLIC_BODY} bytes`)
  const countBody = bodyLimit({
    maxSize: MAX_PUBLIC_BODY,
    onError: () => {
      throw tooLarge()
    },
  })

  // One middleware per kind of endpoint rather than one per check: each extra
  // middleware is another async step on every response.
  const admit = async (c: Context<PublicEnv>) => {
    const live = await findLive(c)
    const cors = corsHeaders(c, live)
    c.set('cors', cors ?? { vary: 'Origin' })
    if (!cors) throw new AppError(403, 'origin_not_allowed', 'this origin is not allowed to use the survey')
    requireActive(live)
    return live
  }
  const open = createMiddleware<PublicEnv>(async (c, next) => {
    await admit(c)
    await next()
  })
  const guarded = createMiddleware<PublicEnv>(async (c, next) => {
    rateLimit(c, await admit(c))
    // Content-Length decides without touching the body; only a chunked upload is
    // counted as it streams (hono's bodyLimit materialises the whole Request, which
    // is the most expensive step of a response on Node).
    const length = c.req.header('content-length')
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return countBody(c, next)
    if (!/^\d+$/.test(length) || Number(length) > MAX_PUBLIC_BODY) throw tooLarge()
    await next()
  })

  const channelOf = (c: Context) => {
    const origin = c.req.header('origin')
    return origin !== undefined && sameOrigin(c, origin) ? ('hosted' as const) : ('embed' as const)
  }

  router.get('/embed.js', (c) =>
    c.body(EMBED_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' }),
  )

  router.options('/s/:publicKey/*', loadSurvey, async (c) => {
    const origin = c.req.header('origin')
    c.header('vary', 'Origin')
    if (origin && c.get('live').origins.has(origin)) {
      c.header('access-control-allow-origin', origin)
      c.header('access-control-allow-methods', 'GET, POST, PATCH')
      c.header('access-control-allow-headers', 'content-type')
      c.header('access-control-max-age', '600')
    }
    return c.body(null, 204)
  })

  router.get('/s/:publicKey', async (c) => {
    const live = await rt.live.get(c.req.param('publicKey'))
    const scoreParam = c.req.query('score')
    const score = scoreParam !== undefined && /^\d{1,2}$/.test(scoreParam) ? Number(scoreParam) : undefined
    c.header('content-security-policy', HOSTED_PAGE_CSP)
    c.header('x-content-type-options', 'nosniff')
    if (!live) return c.html(renderHostedPage({ publicKey: '', title: 'Not found', lang: 'en', message: 'This survey does not exist.' }), 404)
    const { survey } = live
    const lang = visitorLocale(c, survey)
    const title = surveyTexts(survey, lang).question
    c.header('vary', 'Accept-Language')
    if (survey.status !== 'active') return c.html(renderHostedPage({ publicKey: survey.publicKey, title, lang, message: UI_STRINGS[lang].closed }), 410)
    const sendParam = c.req.query('send')
    const send = sendParam !== undefined && SEND_TOKEN.test(sendParam) ? sendParam : undefined
    return c.html(renderHostedPage({ publicKey: survey.publicKey, title, lang, score, send, properties: linkProperties(c) }))
  })

  // An invitation's unsubscribe link opens a page with a button (link scanners follow links, they do not press
  // buttons); the button, and mail clients' one-click unsubscribe (RFC 8058), POST to the same address.
  const unsubscribePage = async (c: Context, done: boolean) => {
    const live = await rt.live.get(c.req.param('publicKey') ?? '')
    const token = c.req.query('send') ?? ''
    c.header('content-security-policy', UNSUBSCRIBE_PAGE_CSP)
    c.header('x-content-type-options', 'nosniff')
    c.header('referrer-policy', 'no-referrer')
    if (!live || !SEND_TOKEN.test(token)) return c.html(renderMessagePage('Not found', 'en', 'This link is not valid.'), 404)
    const lang = visitorLocale(c, live.survey)
    const s = UI_STRINGS[lang]
    const here = new URL(c.req.url)
    if (!done) return c.html(renderUnsubscribePage(lang, s.unsubscribe, here.pathname + here.search))
    // No per-IP limit: one-click unsubscribes come from a few mailbox providers' servers, and the 256-bit token is the key.
    if (!(await unsubscribe(c.get('deps').sql, live.survey.workspaceId, live.survey.id, token))) return c.html(renderMessagePage('Not found', lang, 'This link is not valid.'), 404)
    return c.html(renderMessagePage(s.unsubscribe, lang, s.unsubscribed))
  }
  // A happy respondent on their way to the survey's review page: the answer counts as followed (once), then the
  // browser is sent on. Only ever to the survey's own link, so the address cannot be made to point anywhere else.
  router.get('/s/:publicKey/review', async (c) => {
    const live = await rt.live.get(c.req.param('publicKey'))
    const link = live?.survey.settings.reviewLink
    if (!live || !link) throw notFound('review link')
    const response = c.req.query('response') ?? ''
    if (z.uuid().safeParse(response).success) {
      await c.get('deps').sql`
        UPDATE survey_responses SET review_clicked_at = now()
        WHERE id = ${response} AND workspace_id = ${live.survey.workspaceId} AND survey_id = ${live.survey.id} AND review_clicked_at IS NULL`
    }
    c.header('referrer-policy', 'no-referrer')
    return c.redirect(link, 302)
  })
  router.get('/s/:publicKey/unsubscribe', (c) => unsubscribePage(c, false))
  router.post('/s/:publicKey/unsubscribe', (c) => unsubscribePage(c, true))

  router.openAPIRegistry.registerPath(answerRoute)
  router.post('/s/:publicKey/responses', guarded, async (c) =>
    created(c, await submitResponse(c.get('deps'), c.get('live'), await readBody(c, PublicResponse), channelOf(c), rt.writeResponse)),
  )

  return router
    .openapi(
      createRoute({
        method: 'get', path: '/s/{publicKey}/config', tags: ['Public surveys'], summary: 'What the embed needs to render the survey',
        security: [], middleware: [open] as const,
        request: {
          params: KeyParam,
          query: z.object({
            lang: z.string().max(200).optional().openapi({
              description: 'Languages the visitor reads, most wanted first (e.g. `nb-NO,en`); without it, Accept-Language decides',
            }),
          }),
        },
        responses: {
          200: jsonResponse('Question, scale, prompts, display rules and UI strings in the first of the survey\'s languages the visitor reads (`lang`)', z.record(z.string(), z.unknown())),
          ...publicErrors,
        },
      }),
      async (c) => {
        const { survey } = c.get('live')
        return c.json(publicConfig(survey, visitorLocale(c, survey)), 200, {
          ...c.get('cors'),
          vary: 'Origin, Accept-Language',
          'cache-control': 'public, max-age=60',
        })
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/s/{publicKey}/eligibility', tags: ['Public surveys'],
        summary: 'Whether this person may be shown a survey now (fatigue, open negative mentions)',
        security: [], middleware: [guarded] as const,
        request: {
          params: KeyParam,
          query: z.object({ user: z.string().min(1).max(200).optional(), signature: z.string().regex(/^[0-9a-fA-F]{1,128}$/).optional() }),
        },
        responses: { 200: jsonResponse('The answer', z.object({ eligible: z.boolean() })), ...publicErrors },
      }),
      async (c) => c.json(await checkEligibility(c.get('deps'), c.get('live'), c.req.valid('query')), 200, c.get('cors')),
    )
    .openapi(
      createRoute({
        method: 'patch', path: '/s/{publicKey}/responses/{id}', tags: ['Public surveys'], summary: 'Add the comment to a score just given',
        security: [], middleware: [guarded] as const,
        request: { params: KeyParam.extend({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }), body: jsonBody(CommentPatch) },
        responses: { 200: jsonResponse('Comment stored', z.object({ id: z.uuid() })), ...publicErrors },
      }),
      async (c) => c.json(await addComment(c.get('deps'), c.get('live'), c.req.valid('param').id, c.req.valid('json')), 200, c.get('cors')),
    )
}

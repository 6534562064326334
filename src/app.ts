import { HTTPException } from 'hono/http-exception'
import { requireKey } from './auth/middleware.ts'
import type { Deps } from './deps.ts'
import { AppError } from './errors.ts'
import { limitBody } from './http/body-limit.ts'
import { createRouter } from './http/types.ts'
import { alertsRouter } from './routes/alerts.ts'
import { apiKeysRouter } from './routes/api-keys.ts'
import { authorsRouter } from './routes/authors.ts'
import { ssoRouter } from './routes/sso.ts'
import { rulesRouter } from './routes/rules.ts'
import { translateRouter } from './routes/translate.ts'
import { classifyRouter } from './routes/classify.ts'
import { connectorsRouter } from './routes/connectors.ts'
import { customersRouter } from './routes/customers.ts'
import { integrationsRouter, ticketSyncRouter } from './routes/integrations.ts'
import { renderDocs } from './routes/docs-page.ts'
import { createPageCache } from './mentions/page-cache.ts'
import { mentionsRouter } from './routes/mentions.ts'
import { publicSurveysRouter } from './routes/public-surveys.ts'
import { pushMentionsRouter } from './routes/push-mentions.ts'
import { reportsRouter } from './routes/reports.ts'
import { sourcesRouter } from './routes/sources.ts'
import { surveysRouter } from './routes/surveys.ts'
import { createSurveyRuntime } from './surveys/runtime.ts'
import { systemRouter } from './routes/system.ts'
import { ticketsRouter } from './routes/tickets.ts'
import { hooksRouter } from './routes/hooks.ts'
import { viewsRouter } from './routes/views.ts'
import { savedRepliesRouter } from './routes/saved-replies.ts'
import { webhooksRouter } from './routes/webhooks.ts'
import { workspacesRouter } from './routes/workspaces.ts'
import { webRouter } from './web/router.tsx'

const MAX_API_BODY = 1024 * 1024
// A 10,000-row customer import from a CRM export runs to a few megabytes.
const MAX_IMPORT_BODY = 16 * 1024 * 1024
// About 600 inbox pages of 50 mentions.
const INBOX_CACHE_CHARS = 32 * 1024 * 1024

const errorBody = (code: string, message: string, details?: unknown) => ({ error: { code, message, ...(details === undefined ? {} : { details }) } })

/** The one Hono app both runtimes serve. */
export function createApp(deps: Deps) {
  const app = createRouter()

  const inbox = createPageCache(deps.sql, { maxChars: INBOX_CACHE_CHARS })
  app.use(async (c, next) => {
    c.set('deps', deps)
    c.set('inbox', inbox)
    await next()
  })

  app.onError((err, c) => {
    if (err instanceof AppError) return c.json(errorBody(err.code, err.message, err.details), err.status, c.get('cors'))
    if (err instanceof HTTPException) {
      const code = err.status === 400 ? 'bad_request' : err.status === 413 ? 'payload_too_large' : 'http_error'
      return c.json(errorBody(code, err.message || 'request rejected'), err.status, c.get('cors'))
    }
    deps.logger.error('unhandled error', { path: c.req.path, err: err instanceof Error ? err.stack : String(err) })
    return c.json(errorBody('internal', 'internal error'), 500)
  })
  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404))

  app.route('/', systemRouter)
  app.route('/app', webRouter)
  app.route('/hooks', hooksRouter)
  // Public survey endpoints (embed.js, hosted page, responses) take no API key.
  const surveys = createSurveyRuntime(deps)
  app.route('/', publicSurveysRouter(surveys))

  const apiBodyLimit = limitBody(MAX_API_BODY)
  const importBodyLimit = limitBody(MAX_IMPORT_BODY)
  app.use('/v1/*', (c, next) => (c.req.path === '/v1/customers/import' ? importBodyLimit : apiBodyLimit)(c, next), requireKey)
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' })
  app.route('/v1/api-keys', apiKeysRouter)
  app.route('/v1/workspaces', workspacesRouter)
  app.route('/v1/connectors', connectorsRouter)
  app.route('/v1/sources', sourcesRouter)
  app.route('/v1/mentions', pushMentionsRouter)
  app.route('/v1/mentions', mentionsRouter)
  app.route('/v1/webhooks', webhooksRouter)
  app.route('/v1/alerts', alertsRouter)
  app.route('/v1/surveys', surveysRouter(surveys))
  app.route('/v1/customers', customersRouter)
  app.route('/v1/authors', authorsRouter)
  app.route('/v1/tickets', ticketSyncRouter)
  app.route('/v1/tickets', ticketsRouter)
  app.route('/v1/integrations', integrationsRouter)
  app.route('/v1/reports', reportsRouter)
  app.route('/v1/views', viewsRouter)
  app.route('/v1/saved-replies', savedRepliesRouter)
  app.route('/v1/classify', classifyRouter)
  app.route('/v1/translate', translateRouter)
  app.route('/v1/sso', ssoRouter)
  app.route('/v1/rules', rulesRouter)

  const docConfig = {
    openapi: '3.1.0',
    info: { title: 'earshot', version: deps.config.version, description: 'Social listening and customer feedback API.' },
    security: [{ bearer: [] }],
  }
  app.doc31('/openapi.json', docConfig)
  app.get('/docs', (c) => c.html(renderDocs(app.getOpenAPI31Document(docConfig))))
  return app
}

export type App = ReturnType<typeof createApp>

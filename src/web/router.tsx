import { Hono } from 'hono'
import { deleteCookie, getCookie } from 'hono/cookie'
import { AppError } from '../errors.ts'
import { limitBody } from '../http/body-limit.ts'
import type { WebEnv } from './env.ts'
import { wantsJson } from './form-data.ts'
import { Document } from './layout.tsx'
import { safeNext, signInForm, startSession } from './sign-in-flow.tsx'
import { ssoSignInRouter } from './sso.tsx'
import { staticRouter } from './assets.ts'
import {
  isHttps, requireSession, sameOrigin, secureHeaders, SESSION_COOKIE, SIGNIN_COOKIE, submittedToken, verifyCsrf,
} from './security.ts'
import { createWebSession, deleteWebSession, findWebSession } from './sessions.ts'
import { tokensEqual } from '../crypto/compare.ts'
import { pageRouters } from './pages/index.ts'

const MAX_FORM_BODY = 8 * 1024 * 1024

const ErrorPage = ({ status, message }: { status: number; message: string }) => (
  <Document title={`Error ${status}`}>
    <main id="main" class="signin">
      <h1>{status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : status < 500 ? 'That did not work' : 'Something went wrong'}</h1>
      <p class="error" role="alert">{message}</p>
      <p><a href="/app/inbox">Back to the inbox</a></p>
    </main>
  </Document>
)

/** The server-rendered web app, mounted at /app; sessions instead of bearer keys. */
export const webRouter = new Hono<WebEnv>()

webRouter.onError((err, c) => {
  const status = err instanceof AppError ? err.status : 500
  const message = err instanceof AppError ? err.message : 'internal error'
  if (!(err instanceof AppError)) c.var.deps.logger.error('web page failed', { path: c.req.path, err: err instanceof Error ? err.stack : String(err) })
  if (wantsJson(c)) return c.json({ error: { code: err instanceof AppError ? err.code : 'internal', message } }, status)
  return c.html(<ErrorPage status={status} message={message} />, status)
})

webRouter.use(secureHeaders)
// Forms are small; the largest post is a customers CSV upload.
webRouter.use(limitBody(MAX_FORM_BODY))
webRouter.route('/static', staticRouter)

webRouter.get('/', (c) => c.redirect('/app/inbox', 303))

webRouter.get('/sign-in', async (c) => {
  const next = safeNext(c.req.query('next'))
  const token = getCookie(c, SESSION_COOKIE)
  if (token && (await findWebSession(c.var.deps, token))) return c.redirect(next, 303)
  return signInForm(c, next)
})

webRouter.post('/sign-in', async (c) => {
  const body = await c.req.parseBody()
  const next = safeNext(body.next)
  const expected = getCookie(c, SIGNIN_COOKIE) ?? ''
  if (!sameOrigin(c) || !tokensEqual(await submittedToken(c), expected)) {
    return signInForm(c, next, 'The sign-in form expired. Please try again.', 403)
  }
  const token = typeof body.key === 'string' ? await createWebSession(c.var.deps, body.key) : undefined
  if (!token) return signInForm(c, next, 'That API key is not valid.', 401)
  deleteCookie(c, SIGNIN_COOKIE, { path: '/app/sign-in' })
  return startSession(c, token, next)
})

webRouter.route('/sso', ssoSignInRouter)

webRouter.use('*', requireSession, verifyCsrf)

webRouter.post('/sign-out', async (c) => {
  const token = getCookie(c, SESSION_COOKIE)
  if (token) await deleteWebSession(c.var.deps, token)
  deleteCookie(c, SESSION_COOKIE, { path: '/app', secure: isHttps(c) })
  return c.redirect('/app/sign-in', 303)
})

for (const [path, router] of pageRouters) webRouter.route(path, router)

webRouter.all('*', (c) => c.html(<ErrorPage status={404} message={`There is no page at ${c.req.path}.`} />, 404))

import { Hono, type Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { AppError } from '../errors.ts'
import { limitBody } from '../http/body-limit.ts'
import type { WebEnv } from './env.ts'
import { wantsJson } from './form-data.ts'
import { Document } from './layout.tsx'
import { SignInPage } from './pages/sign-in.tsx'
import { staticRouter } from './assets.ts'
import {
  isHttps, requireSession, sameOrigin, secureHeaders, SESSION_COOKIE, SIGNIN_COOKIE, submittedToken, verifyCsrf,
} from './security.ts'
import { createWebSession, deleteWebSession, findWebSession, randomToken } from './sessions.ts'
import { tokensEqual } from '../crypto/compare.ts'
import { pageRouters } from './pages/index.ts'

const SESSION_MAX_AGE = 7 * 24 * 3600
const MAX_FORM_BODY = 8 * 1024 * 1024

/** Only our own pages are valid places to return to after sign-in (no open redirect). */
const safeNext = (value: unknown) =>
  typeof value === 'string' && /^\/app(\/[^/\\]|$|\?)/.test(value) && !value.startsWith('/app/sign') ? value : '/app/inbox'

function signInForm(c: Context<WebEnv>, next: string, error?: string, status: 200 | 401 | 403 = 200) {
  let token = getCookie(c, SIGNIN_COOKIE)
  if (!token) {
    token = randomToken()
    setCookie(c, SIGNIN_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: isHttps(c), path: '/app/sign-in', maxAge: 3600 })
  }
  return c.html(<SignInPage token={token} next={next} error={error} />, status)
}

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
  const created = typeof body.key === 'string' ? await createWebSession(c.var.deps, body.key) : undefined
  if (!created) return signInForm(c, next, 'That API key is not valid.', 401)
  deleteCookie(c, SIGNIN_COOKIE, { path: '/app/sign-in' })
  setCookie(c, SESSION_COOKIE, created.token, { httpOnly: true, sameSite: 'Lax', secure: isHttps(c), path: '/app', maxAge: SESSION_MAX_AGE })
  return c.redirect(next, 303)
})

webRouter.use('*', requireSession, verifyCsrf)

webRouter.post('/sign-out', async (c) => {
  const token = getCookie(c, SESSION_COOKIE)
  if (token) await deleteWebSession(c.var.deps, token)
  deleteCookie(c, SESSION_COOKIE, { path: '/app', secure: isHttps(c) })
  return c.redirect('/app/sign-in', 303)
})

for (const [path, router] of pageRouters) webRouter.route(path, router)

webRouter.all('*', (c) => c.html(<ErrorPage status={404} message={`There is no page at ${c.req.path}.`} />, 404))

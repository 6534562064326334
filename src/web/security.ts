import { getCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { Context } from 'hono'
import { roleAtLeast, type Role } from '../auth/keys.ts'
import { tokensEqual } from '../crypto/compare.ts'
import { forbidden } from '../errors.ts'
import type { WebEnv } from './env.ts'
import { wantsJson } from './form-data.ts'
import { findWebSession } from './sessions.ts'

export const SESSION_COOKIE = 'earshot_session'
/** Double-submit token for the sign-in form, which has no session yet (login CSRF). */
export const SIGNIN_COOKIE = 'earshot_signin'
export const CSRF_FIELD = '_csrf'
export const CSRF_HEADER = 'x-csrf-token'

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'none'",
].join('; ')

/** Headers every /app response carries, errors and redirects included. */
export const secureHeaders = createMiddleware<WebEnv>(async (c, next) => {
  await next()
  c.res.headers.set('content-security-policy', CSP)
  c.res.headers.set('x-content-type-options', 'nosniff')
  c.res.headers.set('referrer-policy', 'same-origin')
  c.res.headers.set('x-frame-options', 'DENY')
  c.res.headers.set('cross-origin-opener-policy', 'same-origin')
  if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store')
})

/** Whether the browser reached us over https (directly or through a proxy that says so). */
export const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https'

/** Resolves the session cookie; pages redirect to sign-in, everything else answers 401. */
export const requireSession = createMiddleware<WebEnv>(async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE)
  const session = token ? await findWebSession(c.var.deps, token) : undefined
  if (!session) {
    if (c.req.method === 'GET' && !wantsJson(c)) {
      const next = c.req.path + (new URL(c.req.url).search || '')
      return c.redirect(`/app/sign-in?next=${encodeURIComponent(next)}`, 303)
    }
    return c.json({ error: { code: 'unauthorized', message: 'sign in first' } }, 401)
  }
  c.set('session', session)
  await next()
})

/** Same-origin unless the browser says otherwise: Origin must name our host; a cross-site fetch is refused. */
export function sameOrigin(c: Context): boolean {
  const origin = c.req.header('origin')
  if (origin) {
    const host = c.req.header('x-forwarded-host') ?? c.req.header('host') ?? new URL(c.req.url).host
    try {
      return new URL(origin).host === host
    } catch {
      return false
    }
  }
  return c.req.header('sec-fetch-site') !== 'cross-site'
}

/** The token a request echoes back: the header (fetch) or the hidden form field. */
export async function submittedToken(c: Context): Promise<string> {
  const header = c.req.header(CSRF_HEADER)
  if (header) return header
  const type = c.req.header('content-type') ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return ''
  const body = await c.req.parseBody()
  const value = body[CSRF_FIELD]
  return typeof value === 'string' ? value : ''
}

const csrfRejected = () => forbidden('This request could not be verified (stale or cross-site form). Go back, reload the page and try again.')

/** Synchronizer-token CSRF check for every state-changing request of a signed-in session. */
export const verifyCsrf = createMiddleware<WebEnv>(async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
  if (!sameOrigin(c) || !tokensEqual(await submittedToken(c), c.var.session.csrfToken)) throw csrfRejected()
  await next()
})

/** Route middleware for pages: 403 unless the session's role is at least `role`. */
export const requireWebRole = (role: Role) =>
  createMiddleware<WebEnv>(async (c, next) => {
    if (!roleAtLeast(c.var.session.role, role)) throw forbidden(`This needs the ${role} role; you are signed in as ${c.var.session.role}.`)
    await next()
  })

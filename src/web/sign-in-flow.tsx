import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import type { WebEnv } from './env.ts'
import { SignInPage } from './pages/sign-in.tsx'
import { isHttps, SESSION_COOKIE, SIGNIN_COOKIE } from './security.ts'
import { randomToken } from './sessions.ts'

const SESSION_MAX_AGE = 7 * 24 * 3600
/** The workspace this browser last signed in to with single sign-on, to fill in next time. */
export const WORKSPACE_COOKIE = 'earshot_workspace'

/** Only our own pages are valid places to return to after sign-in (no open redirect). */
export const safeNext = (value: unknown) =>
  typeof value === 'string' && /^\/app(\/[^/\\]|$|\?)/.test(value) && !value.startsWith('/app/sign') && !value.startsWith('/app/sso') ? value : '/app/inbox'

export function signInForm(c: Context<WebEnv>, next: string, error?: string, status: 200 | 400 | 401 | 403 | 404 | 429 | 502 = 200) {
  let token = getCookie(c, SIGNIN_COOKIE)
  if (!token) {
    token = randomToken()
    setCookie(c, SIGNIN_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: isHttps(c), path: '/app/sign-in', maxAge: 3600 })
  }
  const workspace = c.req.query('workspace') ?? getCookie(c, WORKSPACE_COOKIE)
  return c.html(<SignInPage token={token} next={next} error={error} workspace={workspace} />, status)
}

/** Hands the browser its new session and sends it on. */
export function startSession(c: Context<WebEnv>, sessionToken: string, next: string) {
  setCookie(c, SESSION_COOKIE, sessionToken, { httpOnly: true, sameSite: 'Lax', secure: isHttps(c), path: '/app', maxAge: SESSION_MAX_AGE })
  return c.redirect(next, 303)
}

// Signing in through the workspace's identity provider (OpenID Connect):
// /app/sso/start sends the browser there, /app/sso/callback brings it back
// with a code that becomes a member session. The state lives in a cookie of
// this browser and, hashed, in a one-time row with the nonce and PKCE verifier.
import { Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { sha256Hex, tokensEqual } from '../crypto/compare.ts'
import { AppError } from '../errors.ts'
import { callbackPath, connectionForSignIn, urlPolicy } from '../sso/connections.ts'
import { signInMember } from '../sso/members.ts'
import { authorizationUrl, completeSignIn, discover, newPendingSignIn, SsoError } from '../sso/oidc.ts'
import type { WebEnv } from './env.ts'
import { Document } from './layout.tsx'
import { requestOrigin } from './request-origin.ts'
import { isHttps } from './security.ts'
import { createMemberSession } from './sessions.ts'
import { safeNext, signInForm, startSession, WORKSPACE_COOKIE } from './sign-in-flow.tsx'

const STATE_COOKIE = 'earshot_sso'
const SIGN_IN_TTL_S = 600
const MAX_PENDING = 1000

/**
 * A page that moves on to the provider by itself. A redirect would do, but
 * the sign-in form's `form-action 'self'` also covers where it redirects to.
 */
const ToProvider = ({ url }: { url: string }) => (
  <Document title="Signing in" head={<meta http-equiv="refresh" content={`0;url=${url}`} />}>
    <main id="main" class="signin">
      <h1>Signing in…</h1>
      <p>
        <a href={url}>Continue to your identity provider</a>
      </p>
    </main>
  </Document>
)

export const ssoSignInRouter = new Hono<WebEnv>()

ssoSignInRouter.get('/start', async (c) => {
  const { deps } = c.var
  const next = safeNext(c.req.query('next'))
  const name = c.req.query('workspace')?.trim()
  const conn = name ? await connectionForSignIn(deps, { name }) : undefined
  if (!conn) return signInForm(c, next, 'Single sign-on is not set up for that workspace.', 404)
  let server
  try {
    server = await discover(conn.issuer, urlPolicy(deps))
  } catch (err) {
    if (err instanceof SsoError) return signInForm(c, next, `Your identity provider cannot be reached: ${err.message}`, 502)
    throw err
  }
  const pending = newPendingSignIn()
  const now = deps.clock()
  const started = await deps.sql.begin(async (tx) => {
    await tx`DELETE FROM sso_sign_ins WHERE expires_at < ${now}`
    // Anyone may start a sign-in; a bound keeps a flood of abandoned ones from piling up.
    const [{ pending: open }]: [{ pending: number }] = await tx`SELECT count(*)::int AS pending FROM sso_sign_ins WHERE workspace_id = ${conn.workspaceId}`
    if (open >= MAX_PENDING) return false
    await tx`
      INSERT INTO sso_sign_ins (state_hash, workspace_id, nonce, code_verifier, next, expires_at)
      VALUES (${await sha256Hex(pending.state)}, ${conn.workspaceId}, ${pending.nonce}, ${pending.codeVerifier}, ${next},
              ${new Date(now.getTime() + SIGN_IN_TTL_S * 1000)})`
    return true
  })
  if (!started) {
    c.header('retry-after', String(SIGN_IN_TTL_S))
    return signInForm(c, next, 'Too many sign-ins are under way for this workspace. Please try again in a few minutes.', 429)
  }
  setCookie(c, STATE_COOKIE, pending.state, { httpOnly: true, sameSite: 'Lax', secure: isHttps(c), path: '/app/sso', maxAge: SIGN_IN_TTL_S })
  setCookie(c, WORKSPACE_COOKIE, name!, { httpOnly: true, sameSite: 'Lax', secure: isHttps(c), path: '/app/sign-in', maxAge: 365 * 86_400 })
  return c.html(<ToProvider url={await authorizationUrl(server, conn, requestOrigin(c) + callbackPath, pending)} />)
})

ssoSignInRouter.get('/callback', async (c) => {
  const { deps } = c.var
  const params = new URL(c.req.url).searchParams
  const state = params.get('state') ?? ''
  const expected = getCookie(c, STATE_COOKIE) ?? ''
  deleteCookie(c, STATE_COOKIE, { path: '/app/sso', secure: isHttps(c) })
  const expired = 'That sign-in expired or was started in another browser. Please sign in again.'
  // The state must come back to the browser that set off: someone else's callback link can't sign this browser in.
  if (!state || !expected || !tokensEqual(state, expected)) return signInForm(c, '/app/inbox', expired, 400)
  const [pending]: [{ workspaceId: string; nonce: string; codeVerifier: string; next: string }?] = await deps.sql`
    DELETE FROM sso_sign_ins WHERE state_hash = ${await sha256Hex(state)} AND expires_at > ${deps.clock()}
    RETURNING workspace_id AS "workspaceId", nonce, code_verifier AS "codeVerifier", next`
  if (!pending) return signInForm(c, '/app/inbox', expired, 400)
  const conn = await connectionForSignIn(deps, { id: pending.workspaceId })
  if (!conn) return signInForm(c, pending.next, 'Single sign-on was turned off for this workspace.', 403)
  try {
    const server = await discover(conn.issuer, urlPolicy(deps))
    const claims = await completeSignIn(server, conn, params, requestOrigin(c) + callbackPath, { state, ...pending }, urlPolicy(deps))
    const member = await signInMember(deps, conn, claims)
    return startSession(c, await createMemberSession(deps, member), pending.next)
  } catch (err) {
    if (err instanceof SsoError) return signInForm(c, pending.next, `Single sign-on failed: ${err.message}`, 502)
    if (err instanceof AppError && err.status === 403) return signInForm(c, pending.next, err.message, 403)
    throw err
  }
})

// The OpenID Connect authorization code flow (with PKCE, state and nonce),
// through oauth4webapi: discovery, the provider's sign-in URL, and the code
// exchange whose ID token claims say who signed in. The ID token comes
// straight from the token endpoint over TLS, so its claims (issuer,
// audience, expiry, nonce) are checked and its signature need not be
// (OpenID Connect Core 3.1.3.7).
import * as oauth from 'oauth4webapi'
import { assertPublicUrl, type UrlPolicy } from '../net/ssrf.ts'
import { IdClaims } from './schema.ts'

export interface OidcClient {
  issuer: string
  clientId: string
  clientSecret: string
}

/** The provider failed or refused: shown to the person signing in, never a stack trace. */
export class SsoError extends Error {}

const TIMEOUT_MS = 10_000
const DISCOVERY_TTL_MS = 10 * 60_000
const SCOPE = 'openid email profile'

const outbound = (policy: UrlPolicy) => ({
  // Provider URLs come from an admin and from the provider's own metadata: both go through the private-address guard.
  [oauth.customFetch]: async (url: string, init: RequestInit) => {
    await assertPublicUrl(url, policy)
    return fetch(url, init)
  },
  signal: AbortSignal.timeout(TIMEOUT_MS),
})

const discovered = new Map<string, { server: oauth.AuthorizationServer; at: number }>()

/** The provider's metadata, kept 10 minutes per issuer. */
export async function discover(issuer: string, policy: UrlPolicy, now = Date.now()): Promise<oauth.AuthorizationServer> {
  const kept = discovered.get(issuer)
  if (kept && now - kept.at < DISCOVERY_TTL_MS) return kept.server
  try {
    const url = new URL(issuer)
    const server = await oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, outbound(policy)))
    if (!server.authorization_endpoint || !server.token_endpoint) throw new SsoError('its metadata names no authorization or token endpoint')
    discovered.set(issuer, { server, at: now })
    return server
  } catch (err) {
    throw err instanceof SsoError ? err : new SsoError(`discovery at ${issuer}/.well-known/openid-configuration failed: ${describe(err)}`)
  }
}

export interface PendingSignIn {
  state: string
  nonce: string
  codeVerifier: string
}

export const newPendingSignIn = (): PendingSignIn => ({
  state: oauth.generateRandomState(),
  nonce: oauth.generateRandomNonce(),
  codeVerifier: oauth.generateRandomCodeVerifier(),
})

/** Where the browser goes to sign in at the provider. */
export async function authorizationUrl(server: oauth.AuthorizationServer, client: OidcClient, redirectUri: string, pending: PendingSignIn): Promise<string> {
  const url = new URL(server.authorization_endpoint!)
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: redirectUri,
    scope: SCOPE,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
  }).toString()
  return url.toString()
}

/** Client authentication the provider takes: Basic unless it only lists the POST form. */
function clientAuth(server: oauth.AuthorizationServer, secret: string): oauth.ClientAuth {
  const methods = server.token_endpoint_auth_methods_supported
  return methods && !methods.includes('client_secret_basic') && methods.includes('client_secret_post') ? oauth.ClientSecretPost(secret) : oauth.ClientSecretBasic(secret)
}

/** Trades the callback's code for the ID token and returns who signed in. */
export async function completeSignIn(
  server: oauth.AuthorizationServer,
  client: OidcClient,
  callback: URLSearchParams,
  redirectUri: string,
  pending: PendingSignIn,
  policy: UrlPolicy,
): Promise<IdClaims> {
  const meta: oauth.Client = { client_id: client.clientId }
  try {
    const params = oauth.validateAuthResponse(server, meta, callback, pending.state)
    const response = await oauth.authorizationCodeGrantRequest(server, meta, clientAuth(server, client.clientSecret), params, redirectUri, pending.codeVerifier, outbound(policy))
    const result = await oauth.processAuthorizationCodeResponse(server, meta, response, { expectedNonce: pending.nonce, requireIdToken: true })
    const claims = IdClaims.safeParse(oauth.getValidatedIdTokenClaims(result))
    if (!claims.success) throw new SsoError('the identity provider shared no e-mail address (the client needs the "email" scope)')
    return claims.data
  } catch (err) {
    throw err instanceof SsoError ? err : new SsoError(describe(err))
  }
}

function describe(err: unknown): string {
  if (err instanceof oauth.AuthorizationResponseError || err instanceof oauth.ResponseBodyError) {
    return `the identity provider answered ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`
  }
  if (err instanceof Error && err.name === 'TimeoutError') return 'the identity provider did not answer in time'
  return err instanceof Error ? err.message : String(err)
}

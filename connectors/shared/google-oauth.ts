import { z } from 'zod'
import { permanentError } from '../../src/net/errors.ts'
import type { HttpClient } from '../../src/net/http-client.ts'
import { errorBody, parseJson } from '../../src/net/parse.ts'

const TOKEN_URL = 'https://oauth2.googleapis.com/token'
const Token = z.object({ access_token: z.string().min(1) })
const TokenError = z.object({ error: z.string(), error_description: z.string().optional() })

/** An OAuth 2.0 web client of a Google Cloud project, and a refresh token it was given. */
export interface GoogleGrant {
  clientId: string
  clientSecret: string
  refreshToken: string
}

/**
 * Trades the refresh token for an access token and answers the headers to
 * call a Google API with. A refresh token Google no longer takes (revoked,
 * expired, its grant withdrawn) will not work again: the source stops until
 * someone grants access anew, for `scope`. Only Google's error code and
 * description go into the message, never the form that carried the secrets.
 */
export async function googleAuthorization(fetch: HttpClient, grant: GoogleGrant, kind: string, scope: string): Promise<Record<string, string>> {
  const res = await fetch(TOKEN_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: grant.clientId, client_secret: grant.clientSecret, refresh_token: grant.refreshToken, grant_type: 'refresh_token' }).toString(),
    accept: [400, 401],
  })
  if (res.status === 400 || res.status === 401) {
    const error = errorBody(res, TokenError)
    const why = error ? `${error.error}${error.error_description ? `: ${error.error_description}` : ''}` : `HTTP ${res.status}`
    const what =
      error?.error === 'invalid_grant'
        ? `grant earshot access to the Google account again (scope ${scope}) and save the new refreshToken in the source's config`
        : "check clientId, clientSecret and refreshToken in the source's config"
    throw permanentError(`${kind}: Google refused the sign-in (${why}); ${what}`, res.status)
  }
  return { authorization: `Bearer ${parseJson(res, Token).access_token}` }
}

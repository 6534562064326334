import { generateKeyPairSync } from 'node:crypto'
import { importSPKI, jwtVerify } from 'jose'
import { http, HttpResponse } from 'msw'
import { expect } from 'vitest'
import { jsonFixture } from './harness.ts'

/** What the token endpoint was sent: the verified JWT's claims and key id. */
export interface Grant {
  assertion: Record<string, unknown>
  kid?: string
}

export const TOKEN = 'https://oauth2.googleapis.com/token'

// A throw-away key per run: the token endpoint below checks the signature with its public half.
const keys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
export const serviceAccountKey = JSON.stringify({
  type: 'service_account',
  project_id: 'acme-play',
  private_key_id: 'k1',
  private_key: keys.privateKey,
  client_email: 'earshot@acme-play.iam.gserviceaccount.com',
  client_id: '1234567890',
  token_uri: TOKEN,
})

/** Google's token endpoint: grants a token only for a JWT this service account signed, for this API. */
export function tokenEndpoint(grants: Grant[] = []) {
  return http.post(TOKEN, async ({ request }) => {
    const form = new URLSearchParams(await request.text())
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer')
    try {
      const { payload, protectedHeader } = await jwtVerify(form.get('assertion') ?? '', await importSPKI(keys.publicKey, 'RS256'), {
        issuer: 'earshot@acme-play.iam.gserviceaccount.com',
        audience: TOKEN,
      })
      grants.push({ assertion: payload, kid: protectedHeader.kid })
    } catch {
      return HttpResponse.json(jsonFixture('googleplay', 'token-invalid-grant.json'), { status: 400 })
    }
    return HttpResponse.json(jsonFixture('googleplay', 'token.json'))
  })
}

export const BEARER = 'Bearer ya29.c.b0AXv0zTOexampleaccesstokenfortests'

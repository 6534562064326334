import { generateKeyPairSync, verify } from 'node:crypto'
import { http, HttpResponse } from 'msw'
import { jsonFixture } from './harness.ts'

/** What RuStore's sign-in was sent, its signature already checked. */
export interface SignIn {
  keyId: unknown
  timestamp: string
}

export const AUTH = 'https://public-api.rustore.ru/public/auth/'
export const API = 'https://public-api.rustore.ru/public/v1/application/ru.acme.app'
export const JWE = 'eyJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAtMjU2In0.earshot-test-key.c2lnbmVkLWluLWZvci10ZXN0cw.ZWFyc2hvdA.dGVzdA'

// A throw-away key per run; the sign-in below checks signatures with its public half, as RuStore does with the key it keeps.
const keys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
export const privateKeyPem = keys.privateKey
/** The key as RuStore Console shows it: the PKCS #8 key's base64 on one line. */
export const privateKey = keys.privateKey.replace(/-----(BEGIN|END) PRIVATE KEY-----|\s/g, '')
export const config = { packageName: 'ru.acme.app', keyId: '2351024845', privateKey }

/**
 * RuStore's sign-in: answers a JWE only for a SHA512withRSA signature of
 * keyId + timestamp by this key, with a timestamp in RuStore's format and
 * within its 60 seconds.
 */
export function authEndpoint(signIns: SignIn[] = []) {
  return http.post(AUTH, async ({ request }) => {
    const body = (await request.json()) as { keyId?: unknown; timestamp?: unknown; signature?: unknown }
    const timestamp = typeof body.timestamp === 'string' ? body.timestamp : ''
    const signed = typeof body.signature === 'string' && verify('sha512', Buffer.from(`${String(body.keyId)}${timestamp}`), keys.publicKey, Buffer.from(body.signature, 'base64'))
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/.test(timestamp) || Math.abs(Date.parse(timestamp) - Date.now()) > 60_000) {
      return HttpResponse.json(jsonFixture('rustore', 'error-400-timestamp.json'), { status: 400 })
    }
    if (!signed || body.keyId !== config.keyId) return HttpResponse.json(jsonFixture('rustore', 'error-401.json'), { status: 401 })
    signIns.push({ keyId: body.keyId, timestamp })
    return HttpResponse.json(jsonFixture('rustore', 'auth.json'))
  })
}

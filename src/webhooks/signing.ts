// Standard Webhooks signing (https://www.standardwebhooks.com): receivers can
// verify with the `standardwebhooks` libraries given the `whsec_` secret.

const SECRET_PREFIX = 'whsec_'
const encoder = new TextEncoder()

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(32)))
}

/** The key bytes of a `whsec_` secret, or undefined when it is not one we can sign with. */
export function decodeSecret(secret: string): Uint8Array<ArrayBuffer> | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return undefined
  try {
    const key = fromBase64(secret.slice(SECRET_PREFIX.length))
    return key.length >= 24 && key.length <= 64 ? key : undefined
  } catch {
    return undefined
  }
}

export interface SignedHeaders {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

/** Headers for one attempt: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`. */
export async function signDelivery(secret: string, messageId: string, at: Date, body: string): Promise<SignedHeaders> {
  const keyBytes = decodeSecret(secret)
  if (!keyBytes) throw new Error('webhook secret is not a whsec_ key')
  const timestamp = String(Math.floor(at.getTime() / 1000))
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${messageId}.${timestamp}.${body}`))
  return { 'webhook-id': messageId, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${toBase64(new Uint8Array(mac))}` }
}

import { importPKCS8, SignJWT, type JWTPayload } from 'jose'
import { permanentError } from '../../src/net/errors.ts'

/**
 * A short-lived JWT signed with a PEM (PKCS #8) private key from a source's
 * config, as service-account sign-ins want. A key that does not import is the
 * config's fault, so polling stops until it changes.
 */
export async function signJwt(
  kind: string,
  privateKeyPem: string,
  alg: 'RS256' | 'ES256',
  opts: { keyId?: string; issuer: string; audience: string; lifetimeSeconds: number; claims?: JWTPayload },
): Promise<string> {
  let key: CryptoKey
  try {
    key = await importPKCS8(privateKeyPem, alg)
  } catch {
    throw permanentError(`${kind}: the private key in the config is not a usable ${alg === 'RS256' ? 'RSA' : 'P-256'} key (PKCS #8 PEM)`)
  }
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT(opts.claims ?? {})
    .setProtectedHeader({ alg, typ: 'JWT', ...(opts.keyId ? { kid: opts.keyId } : {}) })
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + opts.lifetimeSeconds)
    .sign(key)
}

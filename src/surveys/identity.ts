import type { Deps } from '../deps.ts'

const encoder = new TextEncoder()

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** The HMAC key for a survey's identity secret, imported once and cached with the survey. */
export function importIdentityKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
}

/**
 * True when `signature` is the hex HMAC-SHA256 of `user` under the key.
 * `subtle.verify` compares in constant time, so timing reveals nothing about
 * how much of a forged signature was right.
 */
export async function verifyIdentity(key: CryptoKey, user: string, signature: string): Promise<boolean> {
  const sig = hexToBytes(signature)
  if (!sig || sig.length !== 32) return false
  return crypto.subtle.verify('HMAC', key, sig, encoder.encode(user))
}

/** The customer a verified identity names: by externalRef first, then by email (customer field or email identity). */
export async function findCustomerByIdentity(deps: Deps, workspaceId: string, user: string): Promise<string | undefined> {
  const { sql } = deps
  const [row]: [{ id: string }?] = await sql`
    SELECT id FROM (
      SELECT id, 0 AS rank FROM customers WHERE workspace_id = ${workspaceId} AND external_ref = ${user}
      UNION ALL
      SELECT id, 1 FROM customers WHERE workspace_id = ${workspaceId} AND lower(email) = lower(${user})
      UNION ALL
      SELECT customer_id, 2 FROM customer_identities WHERE workspace_id = ${workspaceId} AND kind = 'email' AND value = lower(${user})
    ) m ORDER BY rank LIMIT 1`
  return row?.id
}

const encoder = new TextEncoder()

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return undefined
  return Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16))
}

/** Checks a hex HMAC-SHA256 of `body` in constant time (crypto.subtle.verify). */
export async function verifyHexHmac(secret: string, body: string, hex: string | null | undefined): Promise<boolean> {
  const signature = hex ? hexToBytes(hex.trim()) : undefined
  if (!signature) return false
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
  return crypto.subtle.verify('HMAC', key, signature, encoder.encode(body))
}

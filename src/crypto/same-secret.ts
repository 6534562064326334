const encoder = new TextEncoder()

/**
 * Whether two secrets are equal, in time that says nothing about where they
 * differ: both are hashed first, then every byte of the digests is compared.
 * Runs on Node and Workers alike (crypto.subtle).
 */
export async function sameSecret(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([a, b].map(async (s) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(s)))))
  let diff = 0
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i]
  return diff === 0
}

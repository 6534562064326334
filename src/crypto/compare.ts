// Comparing and hashing secrets, on Node and Workers alike (crypto.subtle).

/** Constant-time string comparison, so a token can't be guessed byte by byte from timings. */
export function tokensEqual(a: string, b: string): boolean {
  if (a.length !== b.length || a.length === 0) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/** SHA-256 of `text`, hex: how keys, session ids and webhook secrets are kept or compared. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Whether two secrets of any lengths are equal: their digests are compared, so neither length nor prefix shows in the timing. */
export const sameSecret = async (a: string, b: string) => tokensEqual(await sha256Hex(a), await sha256Hex(b))

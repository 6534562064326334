const TOKEN_BYTES = 32
// Random bytes drawn 4 KB at a time and each used once: one CSPRNG call per
// 128 tokens instead of one (or two UUIDs) per public response. Web Crypto,
// so it runs on Workers as on Node.
const pool = new Uint8Array(TOKEN_BYTES * 128)
let used = pool.length
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'))

/** A fresh 256-bit respondent token, as 64 hex characters. */
export function newRespondentToken(): string {
  if (used === pool.length) {
    crypto.getRandomValues(pool)
    used = 0
  }
  let token = ''
  for (const end = used + TOKEN_BYTES; used < end; used++) token += HEX[pool[used]]
  return token
}

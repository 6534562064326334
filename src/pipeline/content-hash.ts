/**
 * A fingerprint of what was said, for spotting the same text posted in
 * several places. Not a security boundary, so two seeded 32-bit FNV-1a
 * passes (fast and synchronous) stand in for a cryptographic hash.
 */
export function contentHash(title: string | undefined, text: string): string {
  const canonical = `${title ?? ''}\n${text}`.toLowerCase().replace(/\s+/g, ' ').trim()
  let a = 0x811c9dc5
  let b = 0x01000193 ^ 0x5bd1e995
  for (let i = 0; i < canonical.length; i++) {
    const c = canonical.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15)
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0')
}

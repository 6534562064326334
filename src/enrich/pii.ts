// Stage 6: personal data. Emails, phone numbers, card numbers (Luhn-checked)
// and IBANs (mod-97-checked), with offsets; optionally redacted.

export const PII_VERSION = 1

export const PII_TYPES = ['email', 'phone', 'card', 'iban'] as const
export type PiiType = (typeof PII_TYPES)[number]

export interface PiiMatch {
  type: PiiType
  start: number
  end: number
}

const EMAIL_RE = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu
const IBAN_RE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g
const CARD_RE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g
const PHONE_RE = /(?<![\w+/.-])(?:\+|00)?\(?\d[\d ().-]{6,20}\d(?![\w/-])/g

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return digits.length > 0 && sum % 10 === 0
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers, remainder mod 97 must be 1. */
export function ibanValid(iban: string): boolean {
  const s = iban.replace(/ /g, '').toUpperCase()
  if (s.length < 15 || s.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return false
  const moved = s.slice(4) + s.slice(0, 4)
  let rem = 0
  for (const ch of moved) {
    const v = ch >= 'A' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48
    rem = v > 9 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97
  }
  return rem === 1
}

function looksLikePhone(m: string): boolean {
  const digits = m.replace(/\D/g, '')
  if (digits.length < 8 || digits.length > 15) return false
  // Dates, version numbers and times are digit runs too.
  if (/^\d{4}-\d{2}-\d{2}/.test(m) || /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(m) || /^\d+\.\d+\.\d+/.test(m)) return false
  const international = m.startsWith('+') || m.startsWith('00')
  const grouped = /[ ().-]/.test(m)
  return international || (grouped && digits.length >= 9) || (digits[0] === '0' && digits.length >= 10)
}

/** Find personal data in `text`, non-overlapping, in order of position. */
export function findPii(text: string): PiiMatch[] {
  const found: PiiMatch[] = []
  const free = (start: number, end: number) => found.every((f) => end <= f.start || start >= f.end)
  const scan = (re: RegExp, type: PiiType, accept: (m: string) => boolean) => {
    for (const m of text.matchAll(re)) {
      const start = m.index!
      const end = start + m[0].length
      if (accept(m[0]) && free(start, end)) found.push({ type, start, end })
    }
  }
  if (text.includes('@')) scan(EMAIL_RE, 'email', () => true)
  // Phones, cards and IBANs all need 8+ digits; most texts have far fewer.
  let digits = 0
  for (let i = 0; i < text.length && digits < 8; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) digits++
  }
  if (digits < 8) return found.sort((a, b) => a.start - b.start)
  scan(IBAN_RE, 'iban', ibanValid)
  scan(CARD_RE, 'card', (m) => luhnValid(m.replace(/\D/g, '')))
  scan(PHONE_RE, 'phone', looksLikePhone)
  return found.sort((a, b) => a.start - b.start)
}

/** Replace each match with `[type]`; returns the new text and the matches' offsets in it. */
export function redactPii(text: string, matches: PiiMatch[]): { text: string; pii: PiiMatch[] } {
  let out = ''
  let last = 0
  const pii: PiiMatch[] = []
  for (const m of matches) {
    out += text.slice(last, m.start)
    const label = `[${m.type}]`
    pii.push({ type: m.type, start: out.length, end: out.length + label.length })
    out += label
    last = m.end
  }
  return { text: out + text.slice(last), pii }
}

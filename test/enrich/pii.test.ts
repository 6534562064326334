import { describe, expect, it } from 'vitest'
import { findPii, ibanValid, luhnValid, redactPii } from '../../src/enrich/pii.ts'

const typed = (text: string) => findPii(text).map((m) => [m.type, text.slice(m.start, m.end)])

describe('pii', () => {
  it('accepts a Luhn-valid card number and ignores the same number with a wrong check digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true)
    expect(luhnValid('4111111111111112')).toBe(false)
    expect(typed('card 4111 1111 1111 1111 please')).toEqual([['card', '4111 1111 1111 1111']])
    expect(typed('card 4111 1111 1111 1112 please')).toEqual([])
  })

  it('checks IBANs with mod-97', () => {
    expect(ibanValid('GB82 WEST 1234 5698 7654 32')).toBe(true)
    expect(ibanValid('GB82 WEST 1234 5698 7654 33')).toBe(false)
    expect(typed('Überweisung an DE89 3704 0044 0532 0130 00 bitte')).toEqual([['iban', 'DE89 3704 0044 0532 0130 00']])
    expect(typed('ref DE89 3704 0044 0532 0130 01')).toEqual([])
  })

  it('finds emails and international or grouped phone numbers but not dates, versions or order numbers', () => {
    expect(typed('write to jo.doe+shop@example.co.uk or call +44 20 7946 0958')).toEqual([
      ['email', 'jo.doe+shop@example.co.uk'],
      ['phone', '+44 20 7946 0958'],
    ])
    expect(typed('appelez le 06 12 34 56 78')).toEqual([['phone', '06 12 34 56 78']])
    expect(typed('since 2024-05-01, app v1.2.3, order 123456')).toEqual([])
  })

  it('redacts and reports offsets into the redacted text', () => {
    const text = 'mail a@b.io or +1 415 555 2671'
    const { text: out, pii } = redactPii(text, findPii(text))
    expect(out).toBe('mail [email] or [phone]')
    expect(pii.map((p) => out.slice(p.start, p.end))).toEqual(['[email]', '[phone]'])
  })
})

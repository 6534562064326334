import { describe, expect, it } from 'vitest'
import { newRespondentToken } from '../../src/surveys/respondent-token.ts'

describe('respondent tokens', () => {
  it('are 64 hex characters and never repeat, across refills of the random pool', () => {
    const tokens = Array.from({ length: 1000 }, newRespondentToken)
    expect(tokens.every((t) => /^[0-9a-f]{64}$/.test(t))).toBe(true)
    expect(new Set(tokens).size).toBe(tokens.length)
  })
})

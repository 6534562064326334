import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { newResponseId } from '../../src/surveys/response-id.ts'

describe('response ids', () => {
  it('are version-7 UUIDs that sort by the time they were made', () => {
    const ids = [Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 1, Date.UTC(2031, 5, 30)].map((t) => newResponseId(t))
    for (const id of ids) {
      expect(z.uuid().safeParse(id).success).toBe(true)
      expect(id[14]).toBe('7')
    }
    expect([...ids].reverse().sort()).toEqual(ids)
    expect(ids[0].replace(/-/g, '').slice(0, 12)).toBe(Date.UTC(2026, 0, 1).toString(16).padStart(12, '0'))
  })

  it('differ within one millisecond', () => {
    const at = Date.UTC(2026, 0, 1)
    const [a, b] = [newResponseId(at), newResponseId(at)]
    expect(a.slice(0, 15)).toBe(b.slice(0, 15))
    expect(a).not.toBe(b)
  })
})

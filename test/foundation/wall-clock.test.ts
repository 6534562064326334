import { describe, expect, it } from 'vitest'
import { sameWallTimeBefore } from '../../src/time/wall-clock.ts'

const HOUR = 3600_000

describe('sameWallTimeBefore', () => {
  it('goes back whole weeks of wall-clock time, which across a clock change are not 168 hours', () => {
    // Monday 30 March 2026, 10:15 in Oslo (CEST, UTC+2); the clocks went forward on Sunday 29 March.
    const afterSpring = Date.parse('2026-03-30T08:15:00Z')
    expect(new Date(sameWallTimeBefore(afterSpring, 'Europe/Oslo', 7)).toISOString()).toBe('2026-03-23T09:15:00.000Z')
    expect((afterSpring - sameWallTimeBefore(afterSpring, 'Europe/Oslo', 7)) / HOUR).toBe(167)
    // Monday 26 October 2026, 10:15 in Oslo (CET, UTC+1); the clocks went back on Sunday 25 October.
    const afterAutumn = Date.parse('2026-10-26T09:15:00Z')
    expect((afterAutumn - sameWallTimeBefore(afterAutumn, 'Europe/Oslo', 7)) / HOUR).toBe(169)
    expect((afterAutumn - sameWallTimeBefore(afterAutumn, 'Europe/Oslo', 14)) / HOUR).toBe(14 * 24 + 1)
  })

  it('is whole days of 24 hours where the clock does not change, seconds and milliseconds kept', () => {
    const t = Date.parse('2026-06-10T13:45:30.250Z')
    expect(sameWallTimeBefore(t, 'Europe/Oslo', 7)).toBe(t - 7 * 24 * HOUR)
    expect(sameWallTimeBefore(t, 'UTC', 28)).toBe(t - 28 * 24 * HOUR)
    expect(sameWallTimeBefore(t, 'Asia/Shanghai', 1)).toBe(t - 24 * HOUR)
  })
})

import { describe, expect, it } from 'vitest'
import { BusinessHours, workingCutoff } from '../../src/alerts/business-hours.ts'

const HOUR = 3_600_000
const oslo = BusinessHours.parse({ timeZone: 'Europe/Oslo', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' })
const at = (iso: string) => Date.parse(iso)

describe('working time', () => {
  it('counts only the working hours back from now', () => {
    // Wednesday 4 March 2026, 13:00 in Oslo (UTC+1): two working hours back is 11:00.
    expect(new Date(workingCutoff(at('2026-03-04T12:00:00Z'), 2 * HOUR, oslo)).toISOString()).toBe('2026-03-04T10:00:00.000Z')
    // 10:00 on Wednesday: one hour today, one from Tuesday's close at 17:00 → Tuesday 16:00.
    expect(new Date(workingCutoff(at('2026-03-04T09:00:00Z'), 2 * HOUR, oslo)).toISOString()).toBe('2026-03-03T15:00:00.000Z')
  })

  it('skips the weekend and the night: a Friday-evening post is due on Monday morning', () => {
    // Monday 9 March, 11:00 in Oslo: the two working hours are Monday 09:00–11:00, so anything up to 09:00 is overdue.
    expect(new Date(workingCutoff(at('2026-03-09T10:00:00Z'), 2 * HOUR, oslo)).toISOString()).toBe('2026-03-09T08:00:00.000Z')
    // Sunday evening: the last working hours were Friday's, so two hours back is Friday 15:00.
    expect(new Date(workingCutoff(at('2026-03-08T20:00:00Z'), 2 * HOUR, oslo)).toISOString()).toBe('2026-03-06T14:00:00.000Z')
  })

  it('follows the zone across a daylight-saving change', () => {
    // Oslo moves to summer time (UTC+2) on Sunday 29 March 2026. Monday 30 March 10:00 local is 08:00 UTC;
    // three working hours back: one on Monday, two before Friday 27 March's 17:00 (UTC+1) close → Friday 15:00 local.
    expect(new Date(workingCutoff(at('2026-03-30T08:00:00Z'), 3 * HOUR, oslo)).toISOString()).toBe('2026-03-27T14:00:00.000Z')
  })

  it('refuses what is not a working week', () => {
    expect(BusinessHours.safeParse({ ...oslo, timeZone: 'Mars/Olympus' }).success).toBe(false)
    expect(BusinessHours.safeParse({ ...oslo, start: '18:00' }).success).toBe(false)
    expect(BusinessHours.safeParse({ ...oslo, days: [] }).success).toBe(false)
    expect(BusinessHours.safeParse({ ...oslo, start: '9:00' }).success).toBe(false)
  })
})

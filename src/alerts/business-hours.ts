// Business hours for response-time promises: "a reply within 2 hours" means
// two working hours, so a Friday-evening post is due Monday morning, not at
// midnight. Wall times are read in the team's time zone.
import { z } from '@hono/zod-openapi'
import { DAY_MS, instantOf, isoWeekday, localMidnight, TimeZone } from '../time/wall-clock.ts'

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 09:00')

export const BusinessHours = z
  .strictObject({
    /** An IANA time zone, e.g. Europe/Oslo. */
    timeZone: TimeZone,
    /** ISO weekdays worked: 1 = Monday … 7 = Sunday. */
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    start: HHMM,
    end: HHMM,
  })
  .refine((h) => h.start < h.end, { message: 'start must be before end', path: ['end'] })
  .openapi('BusinessHours')
export type BusinessHours = z.infer<typeof BusinessHours>

/** A promise longer than a year of working time is not a promise; stop looking there. */
const MAX_DAYS_BACK = 366

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))

/**
 * The latest publication time that has waited `withinMs` of working time by
 * `now`: everything published at or before it is overdue. Walks back through
 * the working windows from now.
 */
export function workingCutoff(now: number, withinMs: number, hours: BusinessHours): number {
  const startMin = minutesOf(hours.start)
  const endMin = minutesOf(hours.end)
  let remaining = withinMs
  let midnight = localMidnight(now, hours.timeZone)
  for (let back = 0; back <= MAX_DAYS_BACK; back++, midnight -= DAY_MS) {
    if (!hours.days.includes(isoWeekday(midnight))) continue
    const open = instantOf(midnight, startMin, hours.timeZone)
    const close = Math.min(instantOf(midnight, endMin, hours.timeZone), now)
    if (close <= open) continue
    if (remaining <= close - open) return close - remaining
    remaining -= close - open
  }
  return now - MAX_DAYS_BACK * DAY_MS
}

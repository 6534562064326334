// Business hours for response-time promises: "a reply within 2 hours" means
// two working hours, so a Friday-evening post is due Monday morning, not at
// midnight. Wall times are read in the team's time zone with Intl, so
// daylight-saving changes are the zone's own.
import { z } from '@hono/zod-openapi'

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 09:00')

export const BusinessHours = z
  .strictObject({
    /** An IANA time zone, e.g. Europe/Oslo. */
    timeZone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz })
        return true
      } catch {
        return false
      }
    }, 'an IANA time zone such as Europe/Oslo'),
    /** ISO weekdays worked: 1 = Monday … 7 = Sunday. */
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    start: HHMM,
    end: HHMM,
  })
  .refine((h) => h.start < h.end, { message: 'start must be before end', path: ['end'] })
  .openapi('BusinessHours')
export type BusinessHours = z.infer<typeof BusinessHours>

const DAY_MS = 86_400_000
/** A promise longer than a year of working time is not a promise; stop looking there. */
const MAX_DAYS_BACK = 366

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))

/** The wall-clock date of an instant in a zone, as that date's UTC midnight. */
function localMidnight(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(instant)
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value)
  return Date.UTC(get('year'), get('month') - 1, get('day'))
}

/** The zone's offset from UTC at an instant, in ms (wall time minus UTC). */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(instant)
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value)
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return wall - Math.floor(instant / 1000) * 1000
}

/** The instant a wall time (UTC-midnight date + minutes) has in the zone; twice-read so a DST change in between is right. */
function instantOf(midnight: number, minutes: number, timeZone: string): number {
  const wall = midnight + minutes * 60_000
  const guess = wall - offsetAt(wall, timeZone)
  return wall - offsetAt(guess, timeZone)
}

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
    const weekday = ((new Date(midnight).getUTCDay() + 6) % 7) + 1
    if (!hours.days.includes(weekday)) continue
    const open = instantOf(midnight, startMin, hours.timeZone)
    const close = Math.min(instantOf(midnight, endMin, hours.timeZone), now)
    if (close <= open) continue
    if (remaining <= close - open) return close - remaining
    remaining -= close - open
  }
  return now - MAX_DAYS_BACK * DAY_MS
}

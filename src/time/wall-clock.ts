// Wall-clock times in a time zone, read with Intl so that daylight-saving
// changes are the zone's own.
import { z } from '@hono/zod-openapi'

export const DAY_MS = 86_400_000

/** An IANA time zone, e.g. Europe/Oslo. */
export const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}, 'an IANA time zone such as Europe/Oslo')

/** The wall-clock date of an instant in a zone, as that date's UTC midnight. */
export function localMidnight(instant: number, timeZone: string): number {
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
export function instantOf(midnight: number, minutes: number, timeZone: string): number {
  const wall = midnight + minutes * 60_000
  const guess = wall - offsetAt(wall, timeZone)
  return wall - offsetAt(guess, timeZone)
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a date given as its UTC midnight (localMidnight's answer). */
export const isoWeekday = (midnight: number) => ((new Date(midnight).getUTCDay() + 6) % 7) + 1

/** The instant of a wall time (`minutes` after midnight) in the zone, `days` dates after the zone's date at `now`. */
export const wallTimeAfter = (now: number, timeZone: string, days: number, minutes: number) =>
  instantOf(localMidnight(now, timeZone) + days * DAY_MS, minutes, timeZone)

/**
 * The instant `days` dates before `instant` at the same wall-clock time in the zone: a week before is 167 or
 * 169 hours earlier when a clock change lies between.
 */
export function sameWallTimeBefore(instant: number, timeZone: string, days: number): number {
  const wall = instant + offsetAt(instant, timeZone)
  const midnight = Math.floor(wall / DAY_MS) * DAY_MS
  return instantOf(midnight - days * DAY_MS, (wall - midnight) / 60_000, timeZone)
}

// Time buckets for report series: days, ISO weeks (from Monday) and months as
// a time zone has them. A bucket is named by its first local date, which SQL
// computes with bucketDateSql and bucketStarts lists, so the two always meet.
import type { Sql, Tx } from '../db/sql.ts'
import type postgres from 'postgres'
import { DAY_MS, instantOf, isoWeekday, localMidnight } from './wall-clock.ts'

export const INTERVALS = ['day', 'week', 'month'] as const
export type Interval = (typeof INTERVALS)[number]

// Local dates are handled as their UTC midnights (what localMidnight answers).
function truncDate(interval: Interval, midnight: number): number {
  if (interval === 'day') return midnight
  if (interval === 'week') return midnight - (isoWeekday(midnight) - 1) * DAY_MS
  const d = new Date(midnight)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
}

function nextDate(interval: Interval, midnight: number): number {
  if (interval !== 'month') return midnight + (interval === 'week' ? 7 : 1) * DAY_MS
  const d = new Date(midnight)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
}

/**
 * Every bucket from the one holding `from` to the one holding `to`, so empty
 * periods show as gaps, not as nothing: each as its first local date and the
 * instant that date begins in the zone. Undefined past `max` buckets.
 */
export function bucketStarts(interval: Interval, from: Date, to: Date, timeZone: string, max: number): { date: string; start: Date }[] | undefined {
  const out: { date: string; start: Date }[] = []
  const last = localMidnight(to.getTime(), timeZone)
  for (let d = truncDate(interval, localMidnight(from.getTime(), timeZone)); d <= last; d = nextDate(interval, d)) {
    if (out.length === max) return undefined
    out.push({ date: bucketDate(new Date(d)), start: new Date(instantOf(d, 0, timeZone)) })
  }
  return out
}

/**
 * The first local date of the bucket holding timestamptz `t`, in SQL, as a
 * `date` (a cast to text per row cost ~30% more over a million rows); the
 * driver reads it as that date's UTC midnight, which bucketDate names.
 */
export const bucketDateSql = (sql: Sql | Tx, interval: Interval, t: postgres.Fragment, timeZone: string) =>
  sql`date_trunc(${interval}, ${t} AT TIME ZONE ${timeZone})::date`

/** bucketStarts' `date` for a date bucketDateSql returned. */
export const bucketDate = (d: Date) => d.toISOString().slice(0, 10)

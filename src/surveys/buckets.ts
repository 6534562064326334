// Time buckets for result series, in UTC, matching PostgreSQL's
// date_trunc(unit, t, 'UTC'): days, ISO weeks (from Monday), months.

export const INTERVALS = ['day', 'week', 'month'] as const
export type Interval = (typeof INTERVALS)[number]

/** A series longer than this is a mistake (daily buckets over decades), not a chart. */
export const MAX_BUCKETS = 5000

const DAY = 86_400_000

export function truncUtc(interval: Interval, t: Date): Date {
  const d = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), interval === 'month' ? 1 : t.getUTCDate()))
  if (interval === 'week') d.setTime(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY)
  return d
}

function next(interval: Interval, t: Date): Date {
  if (interval === 'month') return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1))
  return new Date(t.getTime() + (interval === 'week' ? 7 : 1) * DAY)
}

/** Every bucket start from the one holding `from` to the one holding `to`, so empty periods show as gaps, not as nothing. */
export function bucketStarts(interval: Interval, from: Date, to: Date): Date[] | undefined {
  const out: Date[] = []
  for (let t = truncUtc(interval, from); t <= to; t = next(interval, t)) {
    if (out.length === MAX_BUCKETS) return undefined
    out.push(t)
  }
  return out
}

import { CronExpressionParser } from 'cron-parser'

export const DEFAULT_SCHEDULE = '*/15 * * * *'

/** Throws a readable Error when `expr` is not a cron expression. */
export function assertCron(expr: string): void {
  try {
    CronExpressionParser.parse(expr, { tz: 'UTC' })
  } catch (e) {
    throw new Error(`invalid cron expression "${expr}": ${(e as Error).message}`, { cause: e })
  }
}

/** The next time a source with this schedule is due after `from` (UTC). */
export function nextRunAfter(schedule: string | null, from: Date): Date {
  return CronExpressionParser.parse(schedule ?? DEFAULT_SCHEDULE, { currentDate: from, tz: 'UTC' }).next().toDate()
}

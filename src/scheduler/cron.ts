import cron from 'node-cron'
import type { Deps } from '../deps.ts'
import { tick } from './tick.ts'

/**
 * Calls tick() every minute on Node. A tick still running when the next
 * minute comes is not overlapped; stop() aborts the in-flight tick (its runs
 * are abandoned uncommitted and their leases released) and waits for it, so
 * the pool can close after.
 */
export function startCronTicker(deps: Deps, owner: string): { stop: () => Promise<void> } {
  const controller = new AbortController()
  let inflight: Promise<void> | undefined
  const task = cron.schedule('* * * * *', () => {
    if (inflight || controller.signal.aborted) return
    inflight = tick(deps, { owner, signal: controller.signal })
      .then(({ runs }) => {
        if (runs.length) deps.logger.info('tick', { runs: runs.length, failed: runs.filter((r) => r.status === 'error').length })
      })
      .catch((e) => deps.logger.error('tick failed', { err: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        inflight = undefined
      })
  })
  return {
    async stop() {
      await task.stop()
      controller.abort(new Error('shutting down'))
      await inflight
    },
  }
}

import type { Deps } from '../deps.ts'
import { dispatchDueDeliveries } from './dispatch.ts'

/**
 * Runs the outbox dispatcher every `intervalMs` in this process, independent
 * of source polling, so a first retry a few seconds out happens on time.
 * `stop` waits for the run in flight, so shut it down before the pool closes.
 */
export function startDeliveryLoop(deps: Deps, intervalMs = 1000): { stop: () => Promise<void> } {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<unknown> = Promise.resolve()
  const run = () => {
    running = dispatchDueDeliveries(deps)
      .catch((e) => deps.logger.error('webhook dispatch failed', { err: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        if (!stopped) timer = setTimeout(run, intervalMs)
      })
  }
  timer = setTimeout(run, intervalMs)
  return {
    stop: async () => {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}

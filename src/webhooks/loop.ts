import type { Deps } from '../deps.ts'
import { dispatchDueDeliveries } from './dispatch.ts'

/**
 * Runs the outbox dispatcher every `intervalMs` in this process, independent
 * of source polling, so a first retry a few seconds out happens on time.
 * `stop` cuts short the deliveries under way (a slow receiver must not hold
 * up shutdown; they stay pending and go out later) and waits for the run to
 * unwind, so shut it down before the pool closes.
 */
export function startDeliveryLoop(deps: Deps, intervalMs = 1000): { stop: () => Promise<void> } {
  const shutdown = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<unknown> = Promise.resolve()
  const run = () => {
    running = dispatchDueDeliveries(deps, { signal: shutdown.signal })
      .catch((e) => deps.logger.error('webhook dispatch failed', { err: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        if (!shutdown.signal.aborted) timer = setTimeout(run, intervalMs)
      })
  }
  timer = setTimeout(run, intervalMs)
  return {
    stop: async () => {
      shutdown.abort()
      clearTimeout(timer)
      await running
    },
  }
}

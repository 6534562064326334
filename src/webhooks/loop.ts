import type { Deps } from '../deps.ts'
import { repeat } from '../scheduler/repeat.ts'
import { dispatchDueDeliveries } from './dispatch.ts'

/**
 * Runs the outbox dispatcher every `intervalMs` in this process, independent
 * of source polling, so a first retry a few seconds out happens on time.
 * `stop` cuts short the deliveries under way (a slow receiver must not hold
 * up shutdown; they stay pending and go out later).
 */
export const startDeliveryLoop = (deps: Deps, intervalMs = 1000) =>
  repeat(intervalMs, (signal) => dispatchDueDeliveries(deps, { signal }), (e) =>
    deps.logger.error('webhook dispatch failed', { err: e instanceof Error ? e.message : String(e) }),
  )

/**
 * Runs `task` every `intervalMs` in this process, each run starting
 * `intervalMs` after the last one ended (never two at once). `stop` aborts
 * the signal the run under way was given, cancels the next one and waits for
 * it to unwind, so stop it before the pool closes.
 */
export function repeat(intervalMs: number, task: (signal: AbortSignal) => Promise<unknown>, onError: (e: unknown) => void): { stop: () => Promise<void> } {
  const shutdown = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<unknown> = Promise.resolve()
  const run = () => {
    running = task(shutdown.signal)
      .catch(onError)
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

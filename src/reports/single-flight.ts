/**
 * Runs `fn` once for concurrent callers with the same key: they share the
 * one result (or error). Nothing is kept after it settles, so a result is at
 * most one computation old.
 */
export function singleFlight<T>() {
  const inFlight = new Map<string, Promise<T>>()
  return (key: string, fn: () => Promise<T>): Promise<T> => {
    const running = inFlight.get(key)
    if (running) return running
    const p = fn().finally(() => inFlight.delete(key))
    inFlight.set(key, p)
    return p
  }
}

const BASE_MS = 60_000
const CAP_MS = 6 * 60 * 60_000

/** Delay before retrying a source after its n-th consecutive failure: exponential, capped, with jitter so failing sources spread out. */
export function failureBackoffMs(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, failures - 1))
  return ceiling / 2 + random() * (ceiling / 2)
}

import { describe, expect, it } from 'vitest'
import { detectBelow, detectNegativeShare, detectSpike, stepEpisode, type EpisodeState } from '../../src/alerts/detect.ts'

const HOUR = 3600_000
const WEEK = 168

/** Deterministic PRNG (mulberry32), so a synthetic series is the same on every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function poisson(lambda: number, rand: () => number): number {
  if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand())))
  const l = Math.exp(-lambda)
  let k = 0
  let p = 1
  do {
    k++
    p *= rand()
  } while (p > l)
  return k - 1
}

/** Hourly counts drawn from rate(hour). */
const series = (hours: number, rate: (h: number) => number, seed: number) => {
  const rand = rng(seed)
  return Array.from({ length: hours }, (_, h) => poisson(rate(h), rand))
}

/** Evaluates every hour from `from` the way the tick does, returning the hours that fired. */
function simulate(counts: number[], from: number, opts: { sensitivity?: number; minCount?: number; cooldownHours?: number; trailingHours?: number } = {}) {
  const fired: number[] = []
  let state: EpisodeState = { inEpisode: false, lastFiredAt: null }
  const trailingHours = opts.trailingHours ?? 72
  for (let h = from; h < counts.length; h++) {
    const seasonal = [1, 2, 3, 4].map((k) => h - k * WEEK).filter((i) => i >= 0).map((i) => counts[i])
    const x = detectSpike({
      observed: counts[h],
      trailing: counts.slice(Math.max(0, h - trailingHours), h),
      seasonal,
      sensitivity: opts.sensitivity ?? 3,
      minCount: opts.minCount ?? 5,
    })
    const now = new Date(h * HOUR)
    const step = stepEpisode(state, x, now, (opts.cooldownHours ?? 1) * HOUR)
    if (step.fire) fired.push(h)
    state = { inEpisode: step.inEpisode, lastFiredAt: step.fire ? now : state.lastFiredAt }
  }
  return fired
}

describe('spike detection on synthetic series', () => {
  it('stays quiet on a steady series with normal noise', () => {
    for (const [rate, seed] of [[3, 1], [20, 2], [200, 3]] as const) {
      expect(simulate(series(6 * WEEK, () => rate, seed), 72), `rate ${rate}`).toEqual([])
    }
  })

  it('stays quiet on weekly seasonality (busy weekday afternoons, quiet nights and weekends)', () => {
    const rate = (h: number) => {
      const day = Math.floor(h / 24) % 7
      const hour = h % 24
      const daily = hour >= 9 && hour <= 17 ? 40 : 4
      return day >= 5 ? daily / 4 : daily
    }
    const counts = series(6 * WEEK, rate, 4)
    // From week three on the same hour of earlier weeks is the baseline.
    expect(simulate(counts, 2 * WEEK)).toEqual([])
  })

  it('uses the seasonal baseline: a trailing-only baseline would cry wolf every Monday morning', () => {
    const rate = (h: number) => (Math.floor(h / 24) % 7 >= 5 ? 2 : 30)
    const counts = series(4 * WEEK, rate, 5)
    const monday = 2 * WEEK
    const seasonal = detectSpike({ observed: counts[monday], trailing: counts.slice(monday - 48, monday), seasonal: [counts[monday - WEEK], counts[monday - 2 * WEEK]], sensitivity: 3, minCount: 5 })
    const trailingOnly = detectSpike({ observed: counts[monday], trailing: counts.slice(monday - 48, monday), seasonal: [], sensitivity: 3, minCount: 5 })
    expect(seasonal).toMatchObject({ anomalous: false, baseline: 'seasonal' })
    expect(trailingOnly).toMatchObject({ anomalous: true, baseline: 'trailing' })
  })

  it('fires on known anomalies, once per episode, and explains each decision', () => {
    const counts = series(4 * WEEK, () => 10, 6)
    const episodes = [[300, 4], [420, 1], [560, 6]] as const
    for (const [start, length] of episodes) for (let h = start; h < start + length; h++) counts[h] += 40
    expect(simulate(counts, 72)).toEqual([300, 420, 560])
    const x = detectSpike({ observed: counts[300], trailing: counts.slice(228, 300), seasonal: [counts[300 - WEEK]], sensitivity: 3, minCount: 5 })
    expect(x).toMatchObject({ anomalous: true, baseline: 'trailing', samples: 72 })
    expect(x.expected).toBeGreaterThan(5)
    expect(x.expected).toBeLessThan(15)
    expect(x.threshold).toBeGreaterThan(x.expected)
    expect(x.observed).toBeGreaterThan(x.threshold)
  })

  it('fires on a spike in a quiet, young series using the trailing window', () => {
    const counts = series(100, () => 1, 7)
    counts[90] = 25
    expect(simulate(counts, 24)).toEqual([90])
  })

  it('respects the minimum count and the cooldown', () => {
    const quiet = series(200, () => 0.2, 8)
    quiet[150] = 4
    expect(simulate(quiet, 24, { minCount: 5 })).toEqual([])
    const counts = series(300, () => 10, 9)
    for (const h of [150, 152, 200]) counts[h] += 50
    expect(simulate(counts, 72, { cooldownHours: 24 })).toEqual([150, 200])
  })

  it('is more eager with a lower sensitivity', () => {
    const counts = series(300, () => 20, 10)
    counts[250] += 18
    expect(simulate(counts, 72, { sensitivity: 5 })).toEqual([])
    expect(simulate(counts, 72, { sensitivity: 2 })).toContain(250)
  })

  it('has no opinion without history', () => {
    expect(detectSpike({ observed: 100, trailing: [], seasonal: [], sensitivity: 3, minCount: 5 })).toMatchObject({ anomalous: false, baseline: 'none' })
  })
})

describe('negative share', () => {
  const base = { baselineNegative: 200, baselineTotal: 1000, sensitivity: 3, minCount: 10 }
  it('fires when the share of negative mentions jumps', () => {
    expect(detectNegativeShare({ ...base, negative: 30, total: 50 })).toMatchObject({ anomalous: true, observed: 0.6, expected: 0.2 })
  })
  it('stays quiet at the usual share, on small samples, and without a baseline', () => {
    expect(detectNegativeShare({ ...base, negative: 11, total: 50 }).anomalous).toBe(false)
    expect(detectNegativeShare({ ...base, negative: 4, total: 5 }).anomalous).toBe(false)
    expect(detectNegativeShare({ ...base, baselineNegative: 1, baselineTotal: 3, negative: 40, total: 50 }).anomalous).toBe(false)
  })
  it('stays quiet across a steady series of windows', () => {
    const rand = rng(11)
    let fired = 0
    for (let i = 0; i < 500; i++) {
      const total = 40
      const negative = Array.from({ length: total }, () => (rand() < 0.2 ? 1 : 0) as number).reduce((a, b) => a + b, 0)
      if (detectNegativeShare({ ...base, negative, total }).anomalous) fired++
    }
    expect(fired).toBe(0)
  })
})

describe('low episodes (rating, survey_score)', () => {
  it('fire once per stretch below the line, stay quiet while it hovers there, and fire again after a recovery', () => {
    let state: EpisodeState = { inEpisode: false, lastFiredAt: null }
    const fired: number[] = []
    // Hours: a drop, hovering just above the line and below it, a recovery, a new drop.
    ;[2.6, 3.2, 2.8, 3.3, 4.4, 4.5, 2.5].forEach((value, h) => {
      const x = detectBelow({ n: 10, value, before: 4.6, below: 3, minCount: 5 })
      const now = new Date(h * HOUR)
      const step = stepEpisode(state, x, now, HOUR, true)
      if (step.fire) fired.push(h)
      state = { inEpisode: step.inEpisode, lastFiredAt: step.fire ? now : state.lastFiredAt }
    })
    expect(fired).toEqual([0, 6])
  })

  it('do not fire on too few, and say what they compared', () => {
    expect(detectBelow({ n: 4, value: 10, before: 40, below: 30, minCount: 5 }).anomalous).toBe(false)
    expect(detectBelow({ n: 5, value: -12.5, before: null, below: 30, minCount: 5 })).toEqual({ observed: -12.5, expected: -12.5, threshold: 30, anomalous: true, baseline: 'none', samples: 5 })
  })
})

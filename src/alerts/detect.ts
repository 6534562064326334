// Anomaly decisions, pure so they can be tested on synthetic series. Counts
// of mentions are roughly Poisson, so thresholds come from the Poisson tail:
// a quiet, perfectly flat history does not turn one extra mention into a spike.

/** Why an alert did or did not fire, stored with the event and sent with alert.fired. */
export interface Explanation {
  observed: number
  expected: number
  threshold: number
  anomalous: boolean
  baseline: 'seasonal' | 'trailing' | 'none'
  samples: number
}

export interface SpikeInput {
  /** Count in the window ending now. */
  observed: number
  /** Counts of the windows just before, most recent last. */
  trailing: number[]
  /** Counts of the same window one, two, … weeks ago; empty without enough history. */
  seasonal: number[]
  /** How many spreads above normal is abnormal (z-like). */
  sensitivity: number
  /** Never fire below this many mentions. */
  minCount: number
}

/** Seasonal baselines need at least this many weeks of the same hour. */
export const MIN_SEASONAL_SAMPLES = 2
// A spike must also be clearly bigger than normal, not only statistically unusual.
const MIN_RATIO = 1.5

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

/** P(Z ≥ z) for a standard normal (Abramowitz–Stegun erfc, error < 1.2e-7). */
function normalTail(z: number): number {
  const x = z / Math.SQRT2
  const t = 1 / (1 + 0.5 * Math.abs(x))
  const y = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
  return 0.5 * (x >= 0 ? y : 2 - y)
}

/** Smallest k with P(X ≥ k) ≤ p for X ~ Poisson(lambda). */
function poissonQuantile(lambda: number, p: number): number {
  let term = Math.exp(-lambda)
  let below = 0
  let k = 0
  // Large rates: the normal approximation is exact enough and the loop would underflow.
  if (lambda > 500) return Math.ceil(lambda + (-Math.log(p) * 2) ** 0.5 * Math.sqrt(lambda))
  while (1 - below - term > p) {
    below += term
    k++
    term *= lambda / k
  }
  return k + 1
}

/**
 * The count above which a window is abnormal: the Poisson tail at the
 * sensitivity's normal-tail probability, taken at an upper bound of the rate
 * (few baseline samples → wider margin), and never below the samples' own
 * spread for series noisier than Poisson.
 */
function spikeThreshold(samples: number[], sensitivity: number) {
  const n = samples.length
  const expected = mean(samples)
  const sd = Math.sqrt(samples.reduce((a, x) => a + (x - expected) ** 2, 0) / Math.max(n - 1, 1))
  const rate = Math.max(expected + sensitivity * Math.sqrt(Math.max(expected, 0.5) / n), 0.5)
  const poisson = poissonQuantile(rate, normalTail(sensitivity))
  const spread = expected + sensitivity * sd * Math.sqrt(1 + 1 / n)
  return { expected, threshold: Math.max(poisson, spread, expected * MIN_RATIO) }
}

/** Is the count in the current window abnormally high against the same filter's own history? */
export function detectSpike(input: SpikeInput): Explanation {
  const seasonal = input.seasonal.length >= MIN_SEASONAL_SAMPLES
  const samples = seasonal ? input.seasonal : input.trailing
  if (samples.length === 0) {
    return { observed: input.observed, expected: 0, threshold: Infinity, anomalous: false, baseline: 'none', samples: 0 }
  }
  const { expected, threshold: t } = spikeThreshold(samples, input.sensitivity)
  const threshold = Math.max(input.minCount, t)
  return {
    observed: input.observed,
    expected,
    threshold,
    anomalous: input.observed >= threshold,
    baseline: seasonal ? 'seasonal' : 'trailing',
    samples: samples.length,
  }
}

export interface ShareInput {
  negative: number
  total: number
  baselineNegative: number
  baselineTotal: number
  sensitivity: number
  minCount: number
}

// The share must rise by at least this much, however large the volume.
const MIN_SHARE_JUMP = 0.1

/** Smallest k with P(X ≥ k) ≤ p for X ~ Binomial(n, q). */
function binomialQuantile(n: number, q: number, p: number): number {
  if (q >= 1) return n
  let term = (1 - q) ** n
  let below = 0
  let k = 0
  while (k < n && 1 - below - term > p) {
    below += term
    term *= ((n - k) / (k + 1)) * (q / (1 - q))
    k++
  }
  return k + 1
}

/**
 * Has the share of negative mentions in the window jumped above its usual
 * level? Shares in [0, 1]; the threshold is the binomial tail at the
 * sensitivity's probability, taken at an upper bound of the usual share.
 */
export function detectNegativeShare(input: ShareInput): Explanation {
  const observed = input.total > 0 ? input.negative / input.total : 0
  if (input.baselineTotal < input.minCount) {
    return { observed, expected: 0, threshold: Infinity, anomalous: false, baseline: 'none', samples: input.baselineTotal }
  }
  const expected = input.baselineNegative / input.baselineTotal
  const usual = Math.min(1, expected + input.sensitivity * Math.sqrt(Math.max(expected * (1 - expected), 0.01) / input.baselineTotal))
  const tail = input.total > 0 ? binomialQuantile(input.total, usual, normalTail(input.sensitivity)) / input.total : 1
  const threshold = Math.min(1, Math.max(tail, expected + MIN_SHARE_JUMP))
  return {
    observed,
    expected,
    threshold,
    anomalous: input.total >= input.minCount && observed >= threshold,
    baseline: 'trailing',
    samples: input.baselineTotal,
  }
}

export interface EpisodeState {
  inEpisode: boolean
  lastFiredAt: Date | null
}

/**
 * One abnormal stretch fires once: the first abnormal evaluation opens an
 * episode (firing unless the cooldown is still running), later ones inside
 * it stay quiet, and it closes only when the level is back past halfway
 * between the threshold and normal, so hovering at the line doesn't re-fire.
 * `low` alerts (rating, survey_score) are abnormal below their threshold, so
 * they come back from below.
 */
export function stepEpisode(state: EpisodeState, x: Explanation, now: Date, cooldownMs: number, low = false): { fire: boolean; inEpisode: boolean } {
  if (x.anomalous) {
    if (state.inEpisode) return { fire: false, inEpisode: true }
    const cooled = !state.lastFiredAt || now.getTime() - state.lastFiredAt.getTime() >= cooldownMs
    return { fire: cooled, inEpisode: true }
  }
  const halfway = (x.expected + (x.threshold ?? NaN)) / 2
  const stillAbnormal = low ? x.observed < halfway : x.observed > halfway
  return { fire: false, inEpisode: state.inEpisode && stillAbnormal }
}

export interface BelowInput {
  /** How many counted in the window (reviews with stars, survey answers), and their measure (mean stars, the survey's score). */
  n: number
  value: number | null
  /** The same measure over the week before the window; null without anything then. */
  before: number | null
  below: number
  minCount: number
}

/** A rating or survey_score alert's decision: enough in the window, measuring below `below`. */
export function detectBelow(x: BelowInput): Explanation {
  const round = (v: number) => Math.round(v * 100) / 100
  const observed = x.value === null ? 0 : round(x.value)
  return {
    observed,
    expected: x.before === null ? observed : round(x.before),
    threshold: x.below,
    anomalous: x.n >= x.minCount && x.value !== null && x.value < x.below,
    baseline: x.before === null ? 'none' : 'trailing',
    samples: x.n,
  }
}

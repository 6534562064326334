// Score math, pure: counts per score in, scores with n and 95% intervals out.
// Scores are percentages (NPS −100…100, CSAT and CES "% easy" 0…100) or, for
// the CES mean, points on the 1–7 scale. Rounded to 2 decimals for reporting.

import { BANDS, type SurveyKind } from './schemas.ts'

/** Count of responses per score value. */
export type Distribution = ReadonlyMap<number, number>
export type Interval = [number, number]

const Z95 = 1.959963984540054

const round2 = (x: number) => Math.round(x * 100) / 100
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))
const interval = (lo: number, hi: number): Interval => [round2(lo), round2(hi)]

function countIn(dist: Distribution, [lo, hi]: readonly [number, number]): number {
  let n = 0
  for (const [score, count] of dist) if (score >= lo && score <= hi) n += count
  return n
}

function total(dist: Distribution): number {
  let n = 0
  for (const count of dist.values()) n += count
  return n
}

export interface NpsScore {
  score: number | null
  n: number
  promoters: number
  passives: number
  detractors: number
  ci95: Interval | null
}

/**
 * NPS = %promoters − %detractors. Each response is +1, 0 or −1, so the
 * variance of the mean is (p + d − (p − d)²) / n; the interval is the normal
 * (Wald) one, clamped to ±100. It collapses to a point when every answer is in
 * one band (a single response, all passives): read small n with care.
 */
export function scoreNps(dist: Distribution): NpsScore {
  const n = total(dist)
  const promoters = countIn(dist, BANDS.nps.promoter)
  const detractors = countIn(dist, BANDS.nps.detractor)
  const passives = n - promoters - detractors
  if (n === 0) return { score: null, n, promoters, passives, detractors, ci95: null }
  const p = promoters / n
  const d = detractors / n
  const nps = p - d
  const half = Z95 * Math.sqrt(Math.max(0, p + d - nps * nps) / n)
  return {
    score: round2(100 * nps),
    n,
    promoters,
    passives,
    detractors,
    ci95: interval(100 * clamp(nps - half, -1, 1), 100 * clamp(nps + half, -1, 1)),
  }
}

/** Wilson score interval for a proportion, in percent: unlike Wald it stays inside 0–100 and is not a point at 0% or 100%. */
export function wilson(k: number, n: number): Interval | null {
  if (n === 0) return null
  const p = k / n
  const z2 = Z95 * Z95
  const denom = 1 + z2 / n
  const center = (p + z2 / (2 * n)) / denom
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom
  return interval(100 * clamp(center - half, 0, 1), 100 * clamp(center + half, 0, 1))
}

export interface ShareScore {
  score: number | null
  n: number
  /** Responses in the counted band (4–5 for CSAT, 5–7 for CES). */
  count: number
  ci95: Interval | null
}

/** CSAT = share of 4–5 answers on 1–5, with a Wilson interval. */
export function scoreCsat(dist: Distribution): ShareScore {
  const n = total(dist)
  const count = countIn(dist, BANDS.csat.satisfied)
  return { score: n ? round2((100 * count) / n) : null, n, count, ci95: wilson(count, n) }
}

export interface CesScore {
  /** Mean effort on 1–7 (higher = easier). */
  score: number | null
  n: number
  /** Normal interval of the mean from the sample standard deviation; needs n ≥ 2. */
  ci95: Interval | null
  easy: ShareScore
}

export function scoreCes(dist: Distribution): CesScore {
  const n = total(dist)
  const easyCount = countIn(dist, BANDS.ces.easy)
  const easy = { score: n ? round2((100 * easyCount) / n) : null, n, count: easyCount, ci95: wilson(easyCount, n) }
  if (n === 0) return { score: null, n, ci95: null, easy }
  let sum = 0
  for (const [score, count] of dist) sum += score * count
  const mean = sum / n
  if (n < 2) return { score: round2(mean), n, ci95: null, easy }
  let squares = 0
  for (const [score, count] of dist) squares += count * (score - mean) ** 2
  const half = (Z95 * Math.sqrt(squares / (n - 1))) / Math.sqrt(n)
  return { score: round2(mean), n, ci95: interval(clamp(mean - half, 1, 7), clamp(mean + half, 1, 7)), easy }
}

export type KindScore = { nps: NpsScore } | { csat: ShareScore } | { ces: CesScore }

/** The one number a survey's kind is judged by (NPS, CSAT %, CES mean), with its n and interval. */
export function headline(score: KindScore): { score: number | null; n: number; ci95: [number, number] | null } {
  if ('nps' in score) return score.nps
  if ('csat' in score) return score.csat
  return score.ces
}

/** The score object for a survey kind, keyed by the kind so clients read `nps.score`, `csat.score`, `ces.score`. */
export function scoreFor(kind: SurveyKind, dist: Distribution): KindScore {
  if (kind === 'nps') return { nps: scoreNps(dist) }
  if (kind === 'csat') return { csat: scoreCsat(dist) }
  return { ces: scoreCes(dist) }
}

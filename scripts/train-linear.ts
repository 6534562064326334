// Logistic regression over hashed sparse vectors with AdaGrad and L2, used by
// the train-* scripts. Examples are extracted once and replayed per epoch.
import { FeatureVector } from '../src/enrich/features.ts'

export interface Example {
  idx: Int32Array
  val: Float32Array
  y: 0 | 1
  weight: number
  sparse: number
}

export function freeze(fv: FeatureVector, y: 0 | 1, weight: number): Example {
  return { idx: fv.idx.slice(0, fv.n), val: fv.val.slice(0, fv.n), y, weight, sparse: fv.sparse }
}

export interface TrainOptions {
  bits: number
  epochs: number
  rate: number
  l2: number
  seed?: number
  /** Scale sparse features by their naive-Bayes log-count ratio (NBSVM, Wang & Manning 2012). */
  nb?: number
}

function shuffle<T>(xs: T[], seed: number): T[] {
  let s = seed >>> 0 || 1
  const rand = () => ((s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[xs[i], xs[j]] = [xs[j], xs[i]]
  }
  return xs
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))

export function dot(w: Float32Array, ex: { idx: Int32Array; val: Float32Array; n?: number }): number {
  let s = 0
  const n = ex.n ?? ex.idx.length
  for (let i = 0; i < n; i++) s += w[ex.idx[i]] * ex.val[i]
  return s
}

/** Per-bucket log-count ratio of positive to negative examples, with add-alpha smoothing. */
function logCountRatio(examples: Example[], size: number, alpha: number): Float32Array {
  const p = new Float64Array(size).fill(alpha)
  const q = new Float64Array(size).fill(alpha)
  for (const ex of examples) {
    const t = ex.y ? p : q
    for (let i = 0; i < ex.sparse; i++) t[ex.idx[i]] += ex.weight
  }
  let sp = 0
  let sq = 0
  for (let j = 0; j < size; j++) {
    sp += p[j]
    sq += q[j]
  }
  const r = new Float32Array(size)
  for (let j = 0; j < size; j++) r[j] = Math.log(p[j] / sp / (q[j] / sq))
  return r
}

/** Train and return float weights (with NB scaling folded in, so scoring stays a plain dot product). */
export function trainLogistic(examples: Example[], opts: TrainOptions): Float32Array {
  const size = 1 << opts.bits
  if (opts.nb) {
    const r = logCountRatio(examples, size, opts.nb)
    const scaled = examples.map((ex) => {
      const val = ex.val.slice()
      for (let i = 0; i < ex.sparse; i++) val[i] *= r[ex.idx[i]]
      return { ...ex, val }
    })
    const w = trainLogistic(scaled, { ...opts, nb: 0 })
    // Dense and bias buckets keep their own weight; text buckets fold r in.
    const dense = new Set<number>()
    for (const ex of examples) for (let i = ex.sparse; i < ex.idx.length; i++) dense.add(ex.idx[i])
    for (let j = 0; j < size; j++) if (!dense.has(j)) w[j] *= r[j]
    return w
  }
  const w = new Float32Array(size)
  const g2 = new Float32Array(size).fill(1e-6)
  const order = examples.slice()
  // Average the weights over the second half of the epochs: steadier than the last iterate.
  const avg = new Float32Array(size)
  let snapshots = 0
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffle(order, (opts.seed ?? 7) + epoch)
    for (const ex of order) {
      const p = sigmoid(dot(w, ex))
      const err = (p - ex.y) * ex.weight
      for (let i = 0; i < ex.idx.length; i++) {
        const j = ex.idx[i]
        const g = err * ex.val[i] + opts.l2 * w[j]
        g2[j] += g * g
        w[j] -= (opts.rate * g) / Math.sqrt(g2[j])
      }
    }
    if (epoch >= Math.floor(opts.epochs / 2)) {
      for (let j = 0; j < size; j++) avg[j] += w[j]
      snapshots++
    }
  }
  for (let j = 0; j < size; j++) avg[j] /= snapshots
  return avg
}

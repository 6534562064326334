// A hashed linear model shipped as base64 int8 weights in a generated module
// (models/*.ts), decoded once on first use. Bundles on Node and Workers alike.
import type { FeatureVector } from './features.ts'

/** The shape a training script writes. */
export interface PackedLinear {
  bits: number
  /** Weight = int8 × scale. */
  scale: number
  weights: string
}

function decode(packed: PackedLinear): Int8Array {
  const bin = atob(packed.weights)
  const w = new Int8Array(bin.length)
  for (let i = 0; i < bin.length; i++) w[i] = bin.charCodeAt(i)
  return w
}

/**
 * Several models over the same features (one per label), interleaved so the
 * K weights of a bucket share a cache line: one pass over the features scores
 * every label.
 */
export class MultiLinearModel {
  private w: Int8Array | undefined
  private perToken = new Float64Array(256)
  private readonly scales: Float64Array
  readonly bits: number

  constructor(private readonly packed: PackedLinear[]) {
    if (packed.length > 8) throw new Error('at most 8 interleaved models')
    this.bits = packed[0].bits
    this.scales = Float64Array.from(packed, (p) => p.scale)
  }

  get size() {
    return this.packed.length
  }

  private weights(): Int8Array {
    if (!this.w) {
      const k = this.packed.length
      const w = new Int8Array(k << this.bits)
      this.packed.forEach((p, j) => {
        const one = decode(p)
        for (let i = 0; i < one.length; i++) w[i * k + j] = one[i]
      })
      this.w = w
    }
    return this.w
  }

  /** Logits of every model into `out`. */
  score(fv: FeatureVector, out: Float64Array): Float64Array {
    const w = this.weights()
    const k = this.packed.length
    const { idx, val, sparse, n } = fv
    // One pass, the K weights of a bucket summed into locals (K ≤ 8). Sparse entries all carry
    // the same normalized value (see project): sum the int8 weights, scale once.
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0 // prettier-ignore
    for (let i = 0; i < sparse; i++) {
      const b = idx[i] * k
      a0 += w[b]
      if (k > 1) a1 += w[b + 1]
      if (k > 2) a2 += w[b + 2]
      if (k > 3) a3 += w[b + 3]
      if (k > 4) a4 += w[b + 4]
      if (k > 5) a5 += w[b + 5]
      if (k > 6) a6 += w[b + 6]
      if (k > 7) a7 += w[b + 7]
    }
    const sums = [a0, a1, a2, a3, a4, a5, a6, a7]
    const norm = sparse ? val[0] : 0
    for (let j = 0; j < k; j++) {
      let s = sums[j] * norm
      for (let i = sparse; i < n; i++) s += w[idx[i] * k + j] * val[i]
      out[j] = s * this.scales[j]
    }
    return out
  }

  /**
   * Each token's share of model `j`'s logit (index = token position), and at
   * index `tokens` the share of the dense features. The array is reused by the next call.
   */
  contributions(fv: FeatureVector, j: number, tokens: number): Float64Array {
    const w = this.weights()
    const k = this.packed.length
    if (this.perToken.length <= tokens) this.perToken = new Float64Array(Math.max(tokens + 1, this.perToken.length * 2))
    const out = this.perToken
    out.fill(0, 0, tokens + 1)
    for (let i = 0; i < fv.n; i++) {
      const t = fv.tok[i]
      if (t !== -2) out[t >= 0 ? t : tokens] += w[fv.idx[i] * k + j] * fv.val[i] * this.scales[j]
    }
    return out
  }
}

/** Quantize float weights to int8 + scale, clipping the rare extreme weight so the rest keep their resolution. */
export function packLinear(weights: Float32Array, bits: number): PackedLinear {
  const mags = Array.from(weights, Math.abs).filter((v) => v > 0).sort((a, b) => a - b)
  const clip = mags.length ? mags[Math.floor(mags.length * 0.9999)] : 1
  const scale = clip / 127
  const q = new Uint8Array(weights.length)
  for (let i = 0; i < weights.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(weights[i] / scale))) & 0xff
  let bin = ''
  for (let i = 0; i < q.length; i += 8192) bin += String.fromCharCode(...q.subarray(i, i + 8192))
  return { bits, scale, weights: btoa(bin) }
}

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

export class LinearModel {
  private w: Int8Array | undefined

  constructor(private readonly packed: PackedLinear) {}

  get bits() {
    return this.packed.bits
  }

  private weights(): Int8Array {
    this.w ??= decode(this.packed)
    return this.w
  }

  /** Raw logit of a feature vector. */
  score(fv: FeatureVector): number {
    const w = this.weights()
    let s = 0
    for (let i = 0; i < fv.n; i++) s += w[fv.idx[i]] * fv.val[i]
    return s * this.packed.scale
  }

  /** Each token's share of the logit (index = token position). */
  contributions(fv: FeatureVector, tokens: number): Float64Array {
    const w = this.weights()
    const out = new Float64Array(tokens)
    for (let i = 0; i < fv.n; i++) if (fv.tok[i] >= 0) out[fv.tok[i]] += w[fv.idx[i]] * fv.val[i] * this.packed.scale
    return out
  }
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
  private readonly scales: Float64Array
  readonly bits: number

  constructor(private readonly packed: PackedLinear[]) {
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
    out.fill(0, 0, k)
    for (let i = 0; i < fv.n; i++) {
      const base = fv.idx[i] * k
      const v = fv.val[i]
      for (let j = 0; j < k; j++) out[j] += w[base + j] * v
    }
    for (let j = 0; j < k; j++) out[j] *= this.scales[j]
    return out
  }

  /** Each token's share of model `j`'s logit (index = token position). */
  contributions(fv: FeatureVector, j: number, tokens: number): Float64Array {
    const w = this.weights()
    const k = this.packed.length
    const out = new Float64Array(tokens)
    for (let i = 0; i < fv.n; i++) if (fv.tok[i] >= 0) out[fv.tok[i]] += w[fv.idx[i] * k + j] * fv.val[i] * this.scales[j]
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

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
    if (!this.w) {
      const bin = atob(this.packed.weights)
      const w = new Int8Array(bin.length)
      for (let i = 0; i < bin.length; i++) w[i] = bin.charCodeAt(i)
      this.w = w
    }
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

// The mean GloVe vector of an issue's title, a dense feature of the issue trio
// shared by training (scripts/train-intent.ts) and scoring. Hashed words only
// know what the 1,200 training issues said; word vectors learned from billions
// of words put a title's unseen words ("freezes", "hangs") near the seen ones
// ("crash"). The title alone, unweighted: adding the body's mean or SIF
// weighting did no better in cross-validation.
import { GLOVE } from '../../models/glove.ts'
import { tokenize } from './tokenize.ts'

interface Table {
  rows: Map<string, number>
  vectors: Int8Array
}

let table: Table | undefined

/** Decoded on first use, like the linear models. */
function load(): Table {
  if (!table) {
    const bin = atob(GLOVE.vectors)
    const vectors = new Int8Array(bin.length)
    for (let i = 0; i < bin.length; i++) vectors[i] = bin.charCodeAt(i)
    table = { rows: new Map(GLOVE.words.split(' ').map((w, i) => [w, i])), vectors }
  }
  return table
}

export const TITLE_DIMS = GLOVE.dims

/**
 * L2-normalized mean vector of the title's tokens that have one (lower-cased,
 * as the tokenizer gives them; punctuation such as "?" has a vector too). The
 * title is the first line, as for the hashed title features; all zeros when
 * there is none or no token is known. The int8 scale cancels in the
 * normalization.
 */
export function titleVector(text: string): number[] {
  const sum = new Array<number>(TITLE_DIMS).fill(0)
  const nl = text.indexOf('\n')
  if (nl <= 0) return sum
  const { rows, vectors } = load()
  for (const tok of tokenize(text.slice(0, nl))) {
    const row = rows.get(tok.norm)
    if (row === undefined) continue
    for (let k = 0, at = row * TITLE_DIMS; k < TITLE_DIMS; k++) sum[k] += vectors[at + k]
  }
  const norm = Math.hypot(...sum)
  return norm ? sum.map((v) => v / norm) : sum
}

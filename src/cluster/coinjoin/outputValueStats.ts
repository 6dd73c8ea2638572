/**
 * Value histogram of one transaction's outputs, shared by the CoinJoin detectors. Uses a module-level scratch
 * buffer (sorted copy of the values) so that the per-transaction check allocates nothing for ordinary txs.
 * @module
 */
import type { UtxoGraph } from '../../graph/UtxoGraph.js'

let scratch = new Float64Array(256)

export type ValueStats = {
  /** Most frequent output value (ties: the larger value). */
  topValue: number
  /** How many outputs carry it. */
  topCount: number
  /** Number of distinct output values. */
  distinct: number
}

/** Most frequent output value of tx t and its count (outputs with value 0 ignored). */
export function outputValueStats(g: UtxoGraph, t: number): ValueStats {
  const o0 = g.txOutStart[t]!
  const n = g.txOutStart[t + 1]! - o0
  if (scratch.length < n) scratch = new Float64Array(n * 2)
  let m = 0
  for (let k = 0; k < n; k++) {
    const v = g.outValue[o0 + k]!
    if (v > 0) scratch[m++] = v
  }
  const view = scratch.subarray(0, m)
  view.sort()
  let topValue = 0
  let topCount = 0
  let distinct = 0
  let k = 0
  while (k < m) {
    const v = view[k]!
    let j = k + 1
    while (j < m && view[j] === v) j++
    distinct++
    if (j - k >= topCount) {
      topCount = j - k
      topValue = v
    }
    k = j
  }
  return { topValue, topCount, distinct }
}

/** Absolute output ids of tx t whose value equals v. */
export function outputsWithValue(g: UtxoGraph, t: number, v: number): number[] {
  const out: number[] = []
  for (let o = g.txOutStart[t]!; o < g.txOutStart[t + 1]!; o++) if (g.outValue[o] === v) out.push(o)
  return out
}

/** Script type code of an input's prevout, or -1 when the prevout is outside the graph. */
export function inputTypeCode(g: UtxoGraph, i: number): number {
  const o = g.inPrevOut[i]!
  return o < 0 ? -1 : g.outType[o]!
}

/** Number of distinct known input addresses of tx t (unknown addresses count once each). */
export function distinctInputAddresses(g: UtxoGraph, t: number): number {
  const i0 = g.txInStart[t]!
  const i1 = g.txInStart[t + 1]!
  let n = 0
  for (let i = i0; i < i1; i++) {
    const a = g.inAddr[i]!
    if (a < 0) {
      n++
      continue
    }
    let seen = false
    for (let j = i0; j < i; j++) {
      if (g.inAddr[j] === a) {
        seen = true
        break
      }
    }
    if (!seen) n++
  }
  return n
}

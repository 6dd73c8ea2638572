/**
 * Confidence of a common-input-ownership merge (heuristics.md §1.1–1.2). 1 for ordinary multi-input
 * transactions; 0.8 for the PayJoin-suspect tier: 2-in/2-out transactions where no output is smaller than the
 * smallest input (they break the unnecessary-input rule, C3 finds no change), the only weak PayJoin signal.
 * Callers must already have excluded coinbases and CoinJoins.
 * @module
 */
import type { UtxoGraph } from '../graph/UtxoGraph.js'

export const PAYJOIN_SUSPECT_CONFIDENCE = 0.8

export function multiInputConfidence(g: UtxoGraph, t: number): number {
  const i0 = g.txInStart[t]!
  const o0 = g.txOutStart[t]!
  if (g.txInStart[t + 1]! - i0 !== 2 || g.txOutStart[t + 1]! - o0 !== 2) return 1
  const min = Math.min(g.inValue[i0]!, g.inValue[i0 + 1]!)
  if (Number.isNaN(min)) return 1
  return g.outValue[o0]! < min || g.outValue[o0 + 1]! < min ? 1 : PAYJOIN_SUSPECT_CONFIDENCE
}

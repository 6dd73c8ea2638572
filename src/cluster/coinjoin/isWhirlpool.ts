/**
 * Samourai Whirlpool (heuristics.md §5.5).
 * - Mix: #inputs = #outputs ∈ [5, 10]; every output exactly a pool denomination D; every input either exactly D (a
 *   remix) or a premix UTXO with D < value < D + 110,000 sat. The reference rule (crocs-muni BlockSci) also asks
 *   for ≥ 1 remix input; we drop that because the first rounds of a pool have no remixers yet (the simulator
 *   produces such rounds) and the rule is specific enough without it.
 * - tx0 (premix): an OP_RETURN output and ≥ 1 equal outputs with D < value < D + 110,000 (the premix outputs).
 *   The tx0 has one owner, so it is reported but is not a CoinJoin for CIOH (`isCoinJoinForCioh`). The tx0 rule
 *   looks only at the transaction itself (no look-ahead at its spenders) so that a decision at height h never
 *   depends on later blocks.
 * @module
 */
import { scriptTypeCode } from '../../core/model.js'
import type { UtxoGraph } from '../../graph/UtxoGraph.js'
import { type CoinJoinMatch, coinJoinMatch } from './CoinJoinMatch.js'
import { outputsWithValue } from './outputValueStats.js'

/** Pool denominations in sat: 0.001, 0.01, 0.05, 0.5 BTC (Dumplings constants). */
export const whirlpoolPools: readonly number[] = [100_000, 1_000_000, 5_000_000, 50_000_000]
/** Premix excess over the denomination that pays the miner fee of the mixes. */
export const WHIRLPOOL_MAX_PREMIX_EXCESS = 110_000

const NULLDATA = scriptTypeCode('nulldata')

export function isWhirlpoolMix(g: UtxoGraph, t: number): CoinJoinMatch | null {
  const i0 = g.txInStart[t]!
  const i1 = g.txInStart[t + 1]!
  const o0 = g.txOutStart[t]!
  const o1 = g.txOutStart[t + 1]!
  const n = o1 - o0
  if (i1 - i0 !== n || n < 5 || n > 10) return null
  const d = g.outValue[o0]!
  if (!whirlpoolPools.includes(d)) return null
  for (let o = o0 + 1; o < o1; o++) if (g.outValue[o] !== d) return null
  for (let i = i0; i < i1; i++) {
    const v = g.inValue[i]!
    if (v !== d && !(v > d && v < d + WHIRLPOOL_MAX_PREMIX_EXCESS)) return null
  }
  return coinJoinMatch('whirlpool', d, outputsWithValue(g, t, d))
}

export function isWhirlpoolTx0(g: UtxoGraph, t: number): CoinJoinMatch | null {
  const o0 = g.txOutStart[t]!
  const o1 = g.txOutStart[t + 1]!
  if (o1 - o0 < 3) return null
  let opReturn = false
  for (let o = o0; o < o1; o++) if (g.outType[o] === NULLDATA) opReturn = true
  if (!opReturn) return null
  for (const d of whirlpoolPools) {
    // the premix value: the most common output value inside (d, d + excess)
    let best = 0
    let bestCount = 0
    for (let o = o0; o < o1; o++) {
      const v = g.outValue[o]!
      if (!(v > d && v < d + WHIRLPOOL_MAX_PREMIX_EXCESS)) continue
      let c = 0
      for (let q = o0; q < o1; q++) if (g.outValue[q] === v) c++
      if (c > bestCount) [best, bestCount] = [v, c]
    }
    if (bestCount >= 1) {
      const m = coinJoinMatch('whirlpool_tx0', d, outputsWithValue(g, t, best))
      return m
    }
  }
  return null
}

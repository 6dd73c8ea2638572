/**
 * Generic equal-output CoinJoin (BlockSci `isCoinjoin`, heuristics.md §5.2): ≥ 2 inputs, ≥ 3 outputs,
 * p = ⌈outputs/2⌉ participants with p ≤ #inputs and p ≤ #distinct input addresses, and the most frequent output
 * value occurs exactly p times and is not a dust value (546, 2730).
 * @module
 */
import type { UtxoGraph } from '../../graph/UtxoGraph.js'
import { type CoinJoinMatch, coinJoinMatch } from './CoinJoinMatch.js'
import { distinctInputAddresses, outputsWithValue, outputValueStats } from './outputValueStats.js'

export function isGenericCoinJoin(g: UtxoGraph, t: number): CoinJoinMatch | null {
  const nIn = g.txInStart[t + 1]! - g.txInStart[t]!
  const nOut = g.txOutStart[t + 1]! - g.txOutStart[t]!
  if (nIn < 2 || nOut < 3) return null
  const p = Math.ceil(nOut / 2)
  if (p > nIn) return null
  const { topValue, topCount } = outputValueStats(g, t)
  if (topCount !== p || topValue === 546 || topValue === 2730) return null
  if (p > distinctInputAddresses(g, t)) return null
  return coinJoinMatch('generic', topValue, outputsWithValue(g, t, topValue))
}

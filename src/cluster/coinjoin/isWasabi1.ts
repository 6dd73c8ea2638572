/**
 * Wasabi 1.x (ZeroLink) round (heuristics.md §5.3; Dumplings `Scanner.cs`).
 * - Coordinator rule (the pre-610,000 mainnet rule): some output pays a zkSNACKs coordinator address and some value
 *   appears more than 2 times.
 * - Structural rule (mainnet from block 610,000): all outputs P2WPKH; the most frequent value appears ≥ 10 times
 *   and #inputs ≥ that count; that value lies in [0.08, 0.12] BTC; ≥ 2 distinct output values.
 * We apply the structural rule at every height (simulated and test chains have low heights); it is specific
 * enough on its own. The caller checks WabiSabi first ("not a WabiSabi round"). Graphs loaded without names must
 * list `wasabi1CoordinatorAddresses` in `knownAddresses`.
 * @module
 */
import { scriptTypeCode } from '../../core/model.js'
import type { UtxoGraph } from '../../graph/UtxoGraph.js'
import { type CoinJoinMatch, coinJoinMatch } from './CoinJoinMatch.js'
import { outputsWithValue, outputValueStats } from './outputValueStats.js'

export const wasabi1CoordinatorAddresses: readonly string[] = [
  'bc1qs604c7jv6amk4cxqlnvuxv26hv3e48cds4m0ew',
  'bc1qa24tsgchvuxsaccp8vrnkfd85hrcpafg20kmjw',
]

const P2WPKH = scriptTypeCode('p2wpkh')

/** Coordinator address ids per graph (resolved once: a string lookup per output would cost a name load). */
const coordinatorIds = new WeakMap<UtxoGraph, readonly number[]>()
function coordinatorsOf(g: UtxoGraph): readonly number[] {
  let ids = coordinatorIds.get(g)
  if (ids === undefined) {
    ids = wasabi1CoordinatorAddresses.map((s) => g.names.addressIndex(s)).filter((a) => a >= 0)
    coordinatorIds.set(g, ids)
  }
  return ids
}

export function isWasabi1(g: UtxoGraph, t: number): CoinJoinMatch | null {
  const o0 = g.txOutStart[t]!
  const o1 = g.txOutStart[t + 1]!
  const nIn = g.txInStart[t + 1]! - g.txInStart[t]!
  if (o1 - o0 < 3 || nIn < 2) return null
  const stats = outputValueStats(g, t)
  const coordinators = coordinatorsOf(g)
  let coordinator = false
  let allWpkh = true
  for (let o = o0; o < o1; o++) {
    if (g.outType[o] !== P2WPKH) allWpkh = false
    const a = g.outAddr[o]!
    if (a >= 0 && coordinators.includes(a)) coordinator = true
  }
  const byCoordinator = coordinator && stats.topCount > 2
  const structural =
    allWpkh &&
    stats.topCount >= 10 &&
    nIn >= stats.topCount &&
    stats.topValue >= 8_000_000 &&
    stats.topValue <= 12_000_000 &&
    stats.distinct >= 2
  if (!byCoordinator && !structural) return null
  return coinJoinMatch('wasabi1', stats.topValue, outputsWithValue(g, t, stats.topValue))
}

/**
 * Detect a CoinJoin (or a Whirlpool tx0) in one transaction: the detectors of heuristics.md §5.2–5.6, most specific
 * first: Whirlpool mix, WabiSabi, Wasabi 1.x, then the generic equal-output rule (reported as JoinMarket when the
 * subset-sum check of §5.6 also passes), and last the Whirlpool tx0. Coinbases are never CoinJoins.
 *
 * The decision looks only at the transaction and its prevouts, never at later spenders, so it is the same in an
 * incremental run and a rebuild. CIOH callers must use `isCoinJoinForCioh(match)` (tx0 keeps CIOH).
 * @module
 */
import { isCoinbase, type UtxoGraph } from '../../graph/UtxoGraph.js'
import type { CoinJoinMatch } from './CoinJoinMatch.js'
import { isGenericCoinJoin } from './isGenericCoinJoin.js'
import { isWabiSabi } from './isWabiSabi.js'
import { isWasabi1 } from './isWasabi1.js'
import { isWhirlpoolMix, isWhirlpoolTx0 } from './isWhirlpool.js'
import { joinMarketFeasible } from './joinMarketFeasible.js'

export { type CoinJoinKind, type CoinJoinMatch, isCoinJoinForCioh } from './CoinJoinMatch.js'

export function detectCoinJoin(g: UtxoGraph, t: number): CoinJoinMatch | null {
  const nOut = g.txOutStart[t + 1]! - g.txOutStart[t]!
  // fast path: every detector needs ≥ 3 outputs
  if (nOut < 3 || isCoinbase(g, t)) return null
  const nIn = g.txInStart[t + 1]! - g.txInStart[t]!
  if (nIn >= 2) {
    const m = isWhirlpoolMix(g, t) ?? isWabiSabi(g, t) ?? isWasabi1(g, t) ?? isGenericCoinJoin(g, t)
    if (m !== null && m.kind === 'generic' && joinMarketFeasible(g, t, m.denomination)) {
      return { ...m, kind: 'joinmarket', code: 'coinjoin.joinmarket' }
    }
    if (m !== null) return m
  }
  return isWhirlpoolTx0(g, t)
}

/**
 * Wasabi 2.x / WabiSabi round (heuristics.md §5.4). Either rule matches:
 * - Dumplings/BlockSci: ≥ 50 inputs; every input and output P2WPKH or P2TR; inputs and outputs sorted by value
 *   descending; > 80 % of outputs at standard denominations.
 * - am-i-exposed: ≥ 5 inputs and ≥ 5 outputs; ≥ 60 % of outputs at standard denominations spanning ≥ 2 of them;
 *   ≥ 2 outputs at non-decimal denominations; sorted lists; all nSequence = 0xffffffff; nLockTime = 0.
 * Inputs whose prevout is outside the graph have unknown type and are not held against the rule.
 * @module
 */
import { scriptTypeCode } from '../../core/model.js'
import type { UtxoGraph } from '../../graph/UtxoGraph.js'
import { type CoinJoinMatch, coinJoinMatch } from './CoinJoinMatch.js'
import { inputTypeCode } from './outputValueStats.js'
import { wabiSabiDenominations, wabiSabiNonDecimalDenominations } from './wabiSabiDenominations.js'

const P2WPKH = scriptTypeCode('p2wpkh')
const P2TR = scriptTypeCode('p2tr')

export function isWabiSabi(g: UtxoGraph, t: number): CoinJoinMatch | null {
  const i0 = g.txInStart[t]!
  const i1 = g.txInStart[t + 1]!
  const o0 = g.txOutStart[t]!
  const o1 = g.txOutStart[t + 1]!
  const nIn = i1 - i0
  const nOut = o1 - o0
  if (nIn < 5 || nOut < 5) return null
  let sorted = true
  let witnessOnly = true
  let finalSeq = true
  for (let i = i0; i < i1; i++) {
    if (i > i0 && g.inValue[i]! > g.inValue[i - 1]!) sorted = false
    const ty = inputTypeCode(g, i)
    if (ty >= 0 && ty !== P2WPKH && ty !== P2TR) witnessOnly = false
    if (g.inSequence[i] !== 0xffffffff) finalSeq = false
  }
  let standard = 0
  let nonDecimal = 0
  const counts = new Map<number, number>()
  for (let o = o0; o < o1; o++) {
    const v = g.outValue[o]!
    if (o > o0 && v > g.outValue[o - 1]!) sorted = false
    const ty = g.outType[o]!
    if (ty !== P2WPKH && ty !== P2TR) witnessOnly = false
    if (wabiSabiDenominations.has(v)) {
      standard++
      counts.set(v, (counts.get(v) ?? 0) + 1)
      if (wabiSabiNonDecimalDenominations.has(v)) nonDecimal++
    }
  }
  if (!sorted) return null
  const dumplings = nIn >= 50 && witnessOnly && standard > 0.8 * nOut
  const amiExposed = standard >= 0.6 * nOut && counts.size >= 2 && nonDecimal >= 2 && finalSeq && g.txLocktime[t] === 0
  if (!dumplings && !amiExposed) return null
  let denomination = 0
  let top = 0
  for (const [v, c] of counts) if (c > top || (c === top && v > denomination)) [denomination, top] = [v, c]
  const equal: number[] = []
  for (let o = o0; o < o1; o++) if ((counts.get(g.outValue[o]!) ?? 0) >= 2) equal.push(o)
  const m = coinJoinMatch('wabisabi', denomination, equal)
  m.anonSet = top
  return m
}

/**
 * The subset-sum check of BlockSci `isCoinjoinExtra` used for JoinMarket (heuristics.md §5.2, §5.6): can the
 * inputs be split into p groups, each funding one equal output A plus at most one distinct change output, within a
 * fee tolerance? Makers are paid (their group may fall short by up to `tol`), the taker pays the mining fee and the
 * maker fees (its group may exceed by fee + (p−1)·tol). Depth-first search with a step budget; an exhausted
 * budget answers false (not proven).
 * @module
 */
import type { UtxoGraph } from '../../graph/UtxoGraph.js'

export type JoinMarketOptions = {
  /** Relative maker fee bound (default 0.1 % of A). */
  relativeFee?: number
  /** Absolute floor of the tolerance in sat (default 1,000). */
  minBaseFee?: number
  /** Search budget (default 20,000 steps). */
  maxSteps?: number
}

export function joinMarketFeasible(g: UtxoGraph, t: number, amount: number, opts: JoinMarketOptions = {}): boolean {
  const tol = Math.max(opts.minBaseFee ?? 1000, (opts.relativeFee ?? 0.001) * amount)
  const budget = { steps: opts.maxSteps ?? 20_000 }
  const ins: number[] = []
  for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) {
    const v = g.inValue[i]!
    if (Number.isNaN(v)) return false
    ins.push(v)
  }
  const changes: number[] = []
  let p = 0
  let outSum = 0
  for (let o = g.txOutStart[t]!; o < g.txOutStart[t + 1]!; o++) {
    const v = g.outValue[o]!
    outSum += v
    if (v === amount) p++
    else if (v > 0) changes.push(v)
  }
  if (changes.length > p) return false
  const fee = ins.reduce((s, v) => s + v, 0) - outSum
  if (fee < 0) return false
  // targets: p participants; the first changes.length get a change output, the rest sweep (no change)
  const targets = Array.from({ length: p }, (_, j) => amount + (changes[j] ?? 0))
  targets.sort((a, b) => b - a)
  ins.sort((a, b) => b - a)
  const lo = -tol
  const hi = fee + (p - 1) * tol
  const used = new Uint8Array(ins.length)
  // each group must be non-empty; assign inputs to targets one target at a time
  // only one group (the taker) may exceed its target by more than tol
  const fill = (j: number, acc: number, start: number, count: number, taker: boolean): boolean => {
    if (--budget.steps < 0) return false
    const target = targets[j]!
    const d = acc - target
    const isTaker = d > tol
    if (count > 0 && d >= lo && d <= hi && !(isTaker && taker)) {
      if (j + 1 === targets.length) return used.every((u) => u === 1)
      if (fill(j + 1, 0, 0, 0, taker || isTaker)) return true
    }
    if (d > hi) return false
    for (let k = start; k < ins.length; k++) {
      if (used[k]) continue
      used[k] = 1
      if (fill(j, acc + ins[k]!, k + 1, count + 1, taker)) return true
      used[k] = 0
      if (budget.steps < 0) return false
    }
    return false
  }
  return fill(0, 0, 0, 0, false)
}

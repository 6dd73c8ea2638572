/**
 * Combine the change voters C1–C9 into one probability per output (heuristics.md §2.1 "How we build it").
 *
 * Model: exactly one spendable output is change, uniform prior. A voter h with precision p_h that names the
 * candidate set S (|S| < m spendable outputs) multiplies the weight of each o ∈ S by p_h/|S| and of each o ∉ S by
 * (1−p_h)/(m−|S|); abstentions (empty S) and uninformative votes (S = all) change nothing. This is naive Bayes:
 * it assumes voters independent, which they are not, so probabilities are optimistic; the threshold (default
 * 0.99) needs at least two agreeing voters. The precisions are priors taken from the published per-heuristic
 * figures (Möser & Narayanan 2022, heuristics.md §2.1), not a model trained on our data.
 *
 * Correlated voters: C6–C9 all judge the spending transaction (the same wallet software tends to set version,
 * locktime, fee rate and shape together), so counting them as independent votes is badly overconfident. Of the
 * spender-side voters that are informative for a tx, only the one with the highest precision counts.
 * @module
 */
import { popcount } from './ChangeContext.js'

export const changeHeuristics = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9'] as const
export type ChangeHeuristic = (typeof changeHeuristics)[number]

/** Stable evidence codes. */
export const changeHeuristicCodes: Readonly<Record<ChangeHeuristic, string>> = {
  c1: 'change.c1-self',
  c2: 'change.c2-fresh',
  c3: 'change.c3-optimal',
  c4: 'change.c4-type',
  c5: 'change.c5-round',
  c6: 'change.c6-locktime',
  c7: 'change.c7-feerate',
  c8: 'change.c8-wallet',
  c9: 'change.c9-peel',
}

/**
 * Default voter precisions. c2–c8 from Möser & Narayanan (notebook 5a): fresh 95.98 %, optimal 92.08 %, type
 * 88.58 %, power of ten combined 97.08 %, locktime 98.78 %, relative fee 83.79 %, version 98.33 %. c1 ("near
 * certain") and c9 (peel chain, no published figure) are our assumptions: 0.99 and 0.95.
 */
export const defaultChangePrecision: Readonly<Record<ChangeHeuristic, number>> = {
  c1: 0.99,
  c2: 0.9598,
  c3: 0.9208,
  c4: 0.8858,
  c5: 0.9708,
  c6: 0.9878,
  c7: 0.8379,
  c8: 0.9833,
  c9: 0.95,
}

/** Voters from this index on (c6–c9) judge the spending transaction: treated as one correlated group. */
export const SPENDER_SIDE_FIRST = 5

/** Precision per voter index (c1..c9 → 0..8). */
export function precisionArray(overrides: Partial<Record<ChangeHeuristic, number>> = {}): Float64Array {
  return Float64Array.from(changeHeuristics, (h) => overrides[h] ?? defaultChangePrecision[h])
}

/**
 * Posterior change probability per output bit. `masks[h]` is voter h's candidate mask (0 = abstain); `spendable`
 * the mask of outputs that can be change; `n` the output count. Writes into `out[0..n)` (0 for unspendable).
 * Works in log space to avoid underflow.
 */
export function combineChangeVotes(
  masks: ArrayLike<number>,
  spendable: number,
  n: number,
  precision: ArrayLike<number>,
  out: Float64Array,
): void {
  const m = popcount(spendable)
  for (let k = 0; k < n; k++) out[k] = 0
  // the most precise informative spender-side voter (index ≥ SPENDER_SIDE_FIRST)
  let spender = -1
  for (let h = SPENDER_SIDE_FIRST; h < masks.length; h++) {
    const s = masks[h]! & spendable
    if (s === 0 || s === spendable) continue
    if (spender < 0 || precision[h]! > precision[spender]!) spender = h
  }
  for (let h = 0; h < masks.length; h++) {
    const s = masks[h]! & spendable
    if (s === 0 || s === spendable) continue
    if (h >= SPENDER_SIDE_FIRST && h !== spender) continue
    const c = popcount(s)
    const p = precision[h]!
    const inW = Math.log(p / c)
    const outW = Math.log((1 - p) / (m - c))
    for (let k = 0; k < n; k++) if (spendable & (1 << k)) out[k]! += s & (1 << k) ? inW : outW
  }
  let max = Number.NEGATIVE_INFINITY
  for (let k = 0; k < n; k++) if (spendable & (1 << k) && out[k]! > max) max = out[k]!
  let sum = 0
  for (let k = 0; k < n; k++) {
    if (spendable & (1 << k)) {
      out[k] = Math.exp(out[k]! - max)
      sum += out[k]!
    }
  }
  for (let k = 0; k < n; k++) out[k] = spendable & (1 << k) ? out[k]! / sum : 0
}

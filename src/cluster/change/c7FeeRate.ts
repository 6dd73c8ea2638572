/**
 * C7 fee fingerprint (heuristics.md §2, Möser's "relative fee"): outputs unspent, or whose spender pays the same
 * fee rate (sat/vB, rounded) as the transaction. Abstains when the fee is unknown. Code `change.c7-feerate`.
 * @module
 */
import { feeOf, type UtxoGraph } from '../../graph/UtxoGraph.js'
import { type ChangeContext, spenderFingerprintMask } from './ChangeContext.js'

function computeFeeRate(g: UtxoGraph, t: number): number {
  const f = feeOf(g, t)
  const v = g.txVsize[t]!
  return f === null || v === 0 ? -1 : Math.round(f / v)
}

/** Fee rate of tx t, through the context's memo when it has one (see precomputeGraphCaches). */
function feeRate(ctx: ChangeContext, t: number): number {
  const memo = ctx.feeRate
  if (memo === null) return computeFeeRate(ctx.g, t)
  let r = memo[t]!
  if (r === -2) {
    r = computeFeeRate(ctx.g, t)
    memo[t] = r
  }
  return r
}

const sameFeeRate = (ctx: ChangeContext, s: number) => {
  const r = feeRate(ctx, s)
  return r < 0 || r === ctx.ref
}

export function c7FeeRate(ctx: ChangeContext): number {
  ctx.ref = feeRate(ctx, ctx.t)
  if (ctx.ref < 0) return 0
  return spenderFingerprintMask(ctx, sameFeeRate)
}

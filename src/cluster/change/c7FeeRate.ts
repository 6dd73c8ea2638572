/**
 * C7 fee fingerprint (heuristics.md §2, Möser's "relative fee"): outputs unspent, or whose spender pays the same
 * fee rate (sat/vB, rounded) as the transaction. Abstains when the fee is unknown. Code `change.c7-feerate`.
 * @module
 */
import { feeOf, type UtxoGraph } from '../../graph/UtxoGraph.js'
import { type ChangeContext, spenderFingerprintMask } from './ChangeContext.js'

function feeRate(g: UtxoGraph, t: number): number {
  const f = feeOf(g, t)
  const v = g.txVsize[t]!
  return f === null || v === 0 ? -1 : Math.round(f / v)
}

const sameFeeRate = (ctx: ChangeContext, s: number) => {
  const r = feeRate(ctx.g, s)
  return r < 0 || r === ctx.ref
}

export function c7FeeRate(ctx: ChangeContext): number {
  ctx.ref = feeRate(ctx.g, ctx.t)
  if (ctx.ref < 0) return 0
  return spenderFingerprintMask(ctx, sameFeeRate)
}

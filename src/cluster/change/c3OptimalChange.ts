/**
 * C3 optimal change / unnecessary input (heuristics.md §2): outputs smaller than the smallest input (had such an
 * output been the payment, the smallest input would not have been needed). Abstains when an input value is
 * unknown or no output qualifies. Code `change.c3-optimal`.
 * @module
 */
import type { ChangeContext } from './ChangeContext.js'

export function c3OptimalChange(ctx: ChangeContext): number {
  const g = ctx.g
  let min = Number.POSITIVE_INFINITY
  for (let i = g.txInStart[ctx.t]!; i < g.txInStart[ctx.t + 1]!; i++) {
    const v = g.inValue[i]!
    if (Number.isNaN(v)) return 0
    if (v < min) min = v
  }
  let mask = 0
  for (let k = 0; k < ctx.n; k++) {
    if (ctx.spendable & (1 << k) && g.outValue[ctx.o0 + k]! < min) mask |= 1 << k
  }
  return mask
}

/**
 * C1 address reuse / self-change (heuristics.md §2): outputs paying one of the transaction's input addresses.
 * Abstains (0) when no output does. Code `change.c1-self`.
 * @module
 */
import type { ChangeContext } from './ChangeContext.js'

export function c1SelfChange(ctx: ChangeContext): number {
  const g = ctx.g
  const i0 = g.txInStart[ctx.t]!
  const i1 = g.txInStart[ctx.t + 1]!
  let mask = 0
  for (let k = 0; k < ctx.n; k++) {
    if (!(ctx.spendable & (1 << k))) continue
    const a = g.outAddr[ctx.o0 + k]!
    for (let i = i0; i < i1; i++) {
      if (g.inAddr[i] === a) {
        mask |= 1 << k
        break
      }
    }
  }
  return mask
}

/**
 * C2 one-time (fresh, "shadow") change (heuristics.md §2, Meiklejohn 2013 Heuristic 2): outputs that are the first
 * output ever paying their address. Abstains when the transaction has self-change (C1) or no fresh output.
 * The graph must hold the chain from genesis (or from the start of the clustered history) for "first ever" to
 * mean what it says. Code `change.c2-fresh`.
 * @module
 */
import type { ChangeContext } from './ChangeContext.js'

export function c2FreshAddress(ctx: ChangeContext, selfChangeMask: number): number {
  if (selfChangeMask !== 0) return 0
  const g = ctx.g
  let mask = 0
  const first = ctx.firstOut
  if (first !== null) {
    for (let k = 0; k < ctx.n; k++) {
      const o = ctx.o0 + k
      if (ctx.spendable & (1 << k) && first[o >>> 5]! & (1 << (o & 31))) mask |= 1 << k
    }
    return mask
  }
  for (let k = 0; k < ctx.n; k++) {
    if (!(ctx.spendable & (1 << k))) continue
    const o = ctx.o0 + k
    const a = g.outAddr[o]!
    if (g.addrOuts[g.addrOutStart[a]!] === o) mask |= 1 << k
  }
  return mask
}

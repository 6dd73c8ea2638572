/**
 * C9 peeling-chain continuation (heuristics.md §2, BlockSci `isPeelingChain`): if the transaction is 1-in/2-out and
 * its parent or a (visible) child is 1-in/2-out, the candidates are the outputs that are unspent or spent by a
 * 1-in/2-out transaction. Abstains otherwise. Code `change.c9-peel`.
 * @module
 */
import type { UtxoGraph } from '../../graph/UtxoGraph.js'
import { type ChangeContext, spenderFingerprintMask, visibleSpender } from './ChangeContext.js'

function oneInTwoOut(g: UtxoGraph, t: number): boolean {
  return g.txInStart[t + 1]! - g.txInStart[t]! === 1 && g.txOutStart[t + 1]! - g.txOutStart[t]! === 2
}

const spentByOneInTwoOut = (ctx: ChangeContext, s: number) => oneInTwoOut(ctx.g, s)

export function c9PeelChain(ctx: ChangeContext): number {
  const g = ctx.g
  if (!oneInTwoOut(g, ctx.t)) return 0
  const prev = g.inPrevOut[g.txInStart[ctx.t]!]!
  let linked = prev >= 0 && oneInTwoOut(g, g.outTx[prev]!)
  for (let k = 0; k < ctx.n && !linked; k++) {
    const s = visibleSpender(ctx, ctx.o0 + k)
    if (s >= 0 && oneInTwoOut(g, s)) linked = true
  }
  if (!linked) return 0
  return spenderFingerprintMask(ctx, spentByOneInTwoOut)
}

/**
 * C4 address (script) type match (heuristics.md §2): when all inputs share script type T, the outputs of type T.
 * Abstains when input types differ or are unknown (prevout outside the graph); when no output has type T
 * every output stays a candidate (no unique answer).
 * Code `change.c4-type`.
 * @module
 */
import type { ChangeContext } from './ChangeContext.js'

export function c4ScriptType(ctx: ChangeContext): number {
  const g = ctx.g
  let type = -1
  for (let i = g.txInStart[ctx.t]!; i < g.txInStart[ctx.t + 1]!; i++) {
    const o = g.inPrevOut[i]!
    if (o < 0) return 0
    const ty = g.outType[o]!
    if (type === -1) type = ty
    else if (ty !== type) return 0
  }
  let mask = 0
  for (let k = 0; k < ctx.n; k++) {
    if (ctx.spendable & (1 << k) && g.outType[ctx.o0 + k] === type) mask |= 1 << k
  }
  // no output of the inputs' type: nothing can be ruled out (BlockSci convention), no unique answer
  return mask === 0 ? ctx.spendable : mask
}

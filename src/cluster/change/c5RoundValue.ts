/**
 * C5 power-of-ten / round payment (heuristics.md §2): the roundest output is the payment. With d = the largest
 * number of trailing decimal zeros among the spendable outputs (d ≥ `minDigits`, default 4 = 0.0001 BTC), the
 * candidates are the outputs with value mod 10^d ≠ 0. Abstains when no output is that round or all are.
 * Code `change.c5-round`.
 * @module
 */
import type { ChangeContext } from './ChangeContext.js'

function trailingZeros(v: number): number {
  if (v <= 0) return 0
  let z = 0
  while (v % 10 === 0) {
    v /= 10
    z++
  }
  return z
}

export function c5RoundValue(ctx: ChangeContext, minDigits = 4): number {
  const g = ctx.g
  let zmax = 0
  for (let k = 0; k < ctx.n; k++) {
    if (ctx.spendable & (1 << k)) zmax = Math.max(zmax, trailingZeros(g.outValue[ctx.o0 + k]!))
  }
  if (zmax < minDigits) return 0
  let mask = 0
  for (let k = 0; k < ctx.n; k++) {
    if (ctx.spendable & (1 << k) && trailingZeros(g.outValue[ctx.o0 + k]!) < zmax) mask |= 1 << k
  }
  return mask
}

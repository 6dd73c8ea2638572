/**
 * C6 locktime fingerprint (heuristics.md §2): outputs that are unspent, or whose spender agrees with the
 * transaction on (locktime > 0). Bitcoin Core sets locktime to the tip (anti fee-sniping), so its change is spent by
 * a tx with locktime > 0 again. Code `change.c6-locktime`.
 * @module
 */
import { type ChangeContext, spenderFingerprintMask } from './ChangeContext.js'

const sameLocktimeClass = (ctx: ChangeContext, s: number) => (ctx.g.txLocktime[s]! > 0 ? 1 : 0) === ctx.ref

export function c6Locktime(ctx: ChangeContext): number {
  ctx.ref = ctx.g.txLocktime[ctx.t]! > 0 ? 1 : 0
  return spenderFingerprintMask(ctx, sameLocktimeClass)
}

/**
 * C8 wallet fingerprint family (heuristics.md §2): outputs unspent, or whose spender shares the transaction's
 * version, RBF signalling and SegWit use — the same wallet software builds the change's spending tx.
 * Code `change.c8-wallet`.
 * @module
 */
import { TX_RBF, TX_SEGWIT } from '../../graph/UtxoGraph.js'
import { type ChangeContext, spenderFingerprintMask } from './ChangeContext.js'

const BITS = TX_RBF | TX_SEGWIT

const sameWallet = (ctx: ChangeContext, s: number) =>
  ctx.g.txVersion[s] === ctx.g.txVersion[ctx.t] && (ctx.g.txFlags[s]! & BITS) === ctx.ref

export function c8WalletFingerprint(ctx: ChangeContext): number {
  ctx.ref = ctx.g.txFlags[ctx.t]! & BITS
  return spenderFingerprintMask(ctx, sameWallet)
}

/**
 * Per-transaction context shared by the change heuristics C1–C9 (heuristics.md §2). Candidate sets are bit masks
 * over the transaction's outputs (bit k = vout k), so a vote allocates nothing; transactions with more than
 * `MAX_CHANGE_OUTPUTS` outputs are not considered (batch payouts, where a single change guess is weak anyway).
 *
 * Spending-side heuristics (C6–C9) may only look at spenders mined at most `horizon` blocks after the
 * transaction: the engine decides change at height h + horizon, so a decision never depends on later blocks and
 * an incremental run equals a rebuild.
 * @module
 */

import { scriptTypeCode } from '../../core/model.js'
import { isCoinbase, type UtxoGraph } from '../../graph/UtxoGraph.js'

export const MAX_CHANGE_OUTPUTS = 30
const NULLDATA = scriptTypeCode('nulldata')

export type ChangeContext = {
  g: UtxoGraph
  t: number
  /** First output id of t. */
  o0: number
  /** Output count of t. */
  n: number
  /** Outputs that can be change: have an address, are not OP_RETURN. */
  spendable: number
  spendableCount: number
  /** Last height at which a spender is visible. */
  visibleTo: number
  /** Scratch value a spender predicate compares against (set by the voter before the scan). */
  ref: number
  /**
   * Bit o set when output o is the first output ever paying its address (C2), precomputed for the whole graph by
   * `precomputeGraphCaches`; null: C2 looks each output up in the address CSR instead (two cache misses each).
   */
  firstOut: Uint32Array | null
  /** Fee rate per tx (sat/vB rounded; -1 unknown; -2 not computed yet), memoised by C7; null: no memo. */
  feeRate: Float64Array | null
}

export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/**
 * Fill `ctx` for tx t. Returns false when change detection does not apply (coinbase, no inputs, too many outputs,
 * fewer than 2 spendable outputs).
 */
export function prepareChangeContext(ctx: ChangeContext, g: UtxoGraph, t: number, horizon: number): boolean {
  const o0 = g.txOutStart[t]!
  const n = g.txOutStart[t + 1]! - o0
  ctx.g = g
  ctx.t = t
  ctx.o0 = o0
  ctx.n = n
  ctx.visibleTo = g.txHeight[t]! + horizon
  ctx.spendable = 0
  ctx.spendableCount = 0
  if (n < 2 || n > MAX_CHANGE_OUTPUTS || isCoinbase(g, t) || g.txInStart[t + 1] === g.txInStart[t]) return false
  for (let k = 0; k < n; k++) {
    if (g.outAddr[o0 + k]! >= 0 && g.outType[o0 + k] !== NULLDATA) {
      ctx.spendable |= 1 << k
      ctx.spendableCount++
    }
  }
  return ctx.spendableCount >= 2
}

export function newChangeContext(g: UtxoGraph): ChangeContext {
  return { g, t: 0, o0: 0, n: 0, spendable: 0, spendableCount: 0, visibleTo: 0, ref: 0, firstOut: null, feeRate: null }
}

/**
 * Per-graph caches for callers that run the voters on every transaction: `ctx.firstOut` (C2), filled in one
 * sequential pass over the outputs (a bit per address seen so far, a bit per output; equivalent to
 * `addrOuts[addrOutStart[a]] === o`, since the address CSR lists outputs in chain order), and the C7 fee-rate memo
 * (each tx's fee rate is otherwise recomputed for the tx and again for each of its funding txs).
 * Transient: 1/8 byte per output and address, 8 bytes per tx (rates can exceed 2^31 sat/vB).
 */
export function precomputeGraphCaches(ctx: ChangeContext): void {
  ctx.feeRate = new Float64Array(ctx.g.txCount).fill(-2)
  const g = ctx.g
  const outAddr = g.outAddr
  const seen = new Uint32Array((g.addressCount >>> 5) + 1)
  const first = new Uint32Array((g.outputCount >>> 5) + 1)
  for (let o = 0, n = g.outputCount; o < n; o++) {
    const a = outAddr[o]!
    if (a < 0) continue
    const w = a >>> 5
    const bit = 1 << (a & 31)
    if ((seen[w]! & bit) === 0) {
      seen[w] = seen[w]! | bit
      first[o >>> 5] = first[o >>> 5]! | (1 << (o & 31))
    }
  }
  ctx.firstOut = first
}

/** Spending tx of output o if it is mined within the visibility horizon, else -1. */
export function visibleSpender(ctx: ChangeContext, o: number): number {
  const g = ctx.g
  const i = g.outSpentBy[o]!
  if (i < 0) return -1
  const s = g.inTx[i]!
  return g.txHeight[s]! <= ctx.visibleTo ? s : -1
}

/**
 * Mask of spendable outputs that are unspent (within the horizon) or whose spender satisfies `same(ctx, spender)`;
 * the shared shape of the spending-side fingerprints C6–C9. Predicates are module-level functions reading
 * `ctx.ref`, so the per-transaction scan allocates no closure.
 */
export function spenderFingerprintMask(
  ctx: ChangeContext,
  same: (ctx: ChangeContext, spender: number) => boolean,
): number {
  let mask = 0
  for (let k = 0; k < ctx.n; k++) {
    if (!(ctx.spendable & (1 << k))) continue
    const s = visibleSpender(ctx, ctx.o0 + k)
    if (s < 0 || same(ctx, s)) mask |= 1 << k
  }
  return mask
}

/**
 * Run the change voters C1–C9 on one transaction and combine them (heuristics.md §2). `changeMasks` is the
 * allocation-free form the clustering engine uses; `changeVotes` is the readable form for callers and tests.
 * CoinJoins (and Whirlpool tx0s) are not considered: their outputs are not one owner's payment + change.
 * @module
 */
import type { UtxoGraph } from '../../graph/UtxoGraph.js'
import { detectCoinJoin } from '../coinjoin/detectCoinJoin.js'
import { type ChangeContext, newChangeContext, prepareChangeContext } from './ChangeContext.js'
import { c1SelfChange } from './c1SelfChange.js'
import { c2FreshAddress } from './c2FreshAddress.js'
import { c3OptimalChange } from './c3OptimalChange.js'
import { c4ScriptType } from './c4ScriptType.js'
import { c5RoundValue } from './c5RoundValue.js'
import { c6Locktime } from './c6Locktime.js'
import { c7FeeRate } from './c7FeeRate.js'
import { c8WalletFingerprint } from './c8WalletFingerprint.js'
import { c9PeelChain } from './c9PeelChain.js'
import { type ChangeHeuristic, changeHeuristics, combineChangeVotes, precisionArray } from './combineChangeVotes.js'

export type ChangeOptions = {
  /** Blocks after the tx within which spenders are visible to C6–C9 (default 144). */
  horizon?: number
  /** Voters to run (default all). */
  enabled?: readonly ChangeHeuristic[]
  /** Precision overrides for the combiner. */
  precision?: Partial<Record<ChangeHeuristic, number>>
}

/** Fill masks[0..8] with the voters' candidate masks for the prepared context (disabled voters abstain). */
export function changeMasks(ctx: ChangeContext, enabled: number, masks: Int32Array): void {
  const c1 = c1SelfChange(ctx)
  masks[0] = enabled & 1 ? c1 : 0
  masks[1] = enabled & 2 ? c2FreshAddress(ctx, c1) : 0
  masks[2] = enabled & 4 ? c3OptimalChange(ctx) : 0
  masks[3] = enabled & 8 ? c4ScriptType(ctx) : 0
  masks[4] = enabled & 16 ? c5RoundValue(ctx) : 0
  masks[5] = enabled & 32 ? c6Locktime(ctx) : 0
  masks[6] = enabled & 64 ? c7FeeRate(ctx) : 0
  masks[7] = enabled & 128 ? c8WalletFingerprint(ctx) : 0
  masks[8] = enabled & 256 ? c9PeelChain(ctx) : 0
}

/** Bit set of enabled voters (bit h = changeHeuristics[h]). */
export function enabledBits(enabled?: readonly ChangeHeuristic[]): number {
  if (enabled === undefined) return 0x1ff
  let bits = 0
  for (const h of enabled) bits |= 1 << changeHeuristics.indexOf(h)
  return bits
}

export type ChangeVote = { heuristic: ChangeHeuristic; candidates: number[] }
export type ChangeVotesResult = {
  /** One entry per voter that did not abstain; candidates are vout indices. */
  votes: ChangeVote[]
  /** Change probability per vout (0 for outputs that cannot be change); empty when change detection does not apply. */
  probability: number[]
  /** The most probable change vout, or -1. */
  best: number
}

export function changeVotes(g: UtxoGraph, t: number, opts: ChangeOptions = {}): ChangeVotesResult {
  const ctx = newChangeContext(g)
  if (!prepareChangeContext(ctx, g, t, opts.horizon ?? 144) || detectCoinJoin(g, t) !== null) {
    return { votes: [], probability: [], best: -1 }
  }
  const masks = new Int32Array(9)
  changeMasks(ctx, enabledBits(opts.enabled), masks)
  const prob = new Float64Array(ctx.n)
  combineChangeVotes(masks, ctx.spendable, ctx.n, precisionArray(opts.precision), prob)
  const votes: ChangeVote[] = []
  changeHeuristics.forEach((h, k) => {
    const m = masks[k]!
    if (m === 0) return
    const candidates: number[] = []
    for (let b = 0; b < ctx.n; b++) if (m & (1 << b)) candidates.push(b)
    votes.push({ heuristic: h, candidates })
  })
  let best = -1
  for (let k = 0; k < ctx.n; k++) if (best < 0 || prob[k]! > prob[best]!) best = k
  return { votes, probability: Array.from(prob), best }
}

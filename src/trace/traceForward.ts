/**
 * The forward multi-hop engine: where did the tainted value go?
 *
 * Transactions are evaluated in chain order (tx index = chain order in UtxoGraph) from a min-heap, so a transaction
 * that receives taint from several parents is evaluated once, with all its tainted inputs. Taint lives on outputs
 * (sparse maps). All requested policies are evaluated in the same pass: a transaction is queued once when any policy
 * has a live tainted input into it, and each policy's kernel runs on that policy's state.
 *
 * An output that receives taint either continues (its spending transaction is queued) or becomes an endpoint, with
 * the first stop that applies: service, below-min, unspent, max-hops, time-window, coinjoin.
 *
 * Hop = the smallest number of transactions between a seed and the output (seed outputs are hop 0).
 * @module
 */
import { InvariantError } from '../core/errors.js'
import { spendingTx, type UtxoGraph } from '../graph/UtxoGraph.js'
import { type Chunks, CLEAN, hasLabel, pushChunk, taintedSum } from './chunks.js'
import type { TxTaintInput, TxTaintResult } from './kernel.js'
import { isSequential, type PolicyName } from './kernel.js'
import { MinHeap } from './MinHeap.js'
import { kernelFor, kernels } from './policies.js'
import type { CoinJoinInfo, EngineParams, PolicyRun, ResolvedSeed, StopReason } from './types.js'

export function newPolicyRun(policy: PolicyName): PolicyRun {
  return {
    policy,
    taint: new Map(),
    hop: new Map(),
    stop: new Map(),
    probabilistic: new Set(),
    via: new Map(),
    fees: new Map(),
    external: new Map(),
    txs: 0,
    seeded: 0,
  }
}

/** Tainted satoshi of an output under a policy (poison: the whole value). */
export function taintedOf(policy: PolicyName, c: Chunks | null | undefined, value: number): number {
  if (!c) return 0
  return policy === 'poison' ? value : taintedSum(c)
}

/** Run every policy forward from the seeds. One PolicyRun per policy, in the order asked. */
export function traceForward(g: UtxoGraph, seeds: readonly ResolvedSeed[], p: EngineParams): PolicyRun[] {
  const maxHops = p.maxHops ?? 10
  const minAmount = Math.max(1, p.minAmount ?? 1)
  const toTime = p.toTime ?? Number.POSITIVE_INFINITY
  const runs = p.policies.map(newPolicyRun)
  const kernelOf = p.policies.map((x) => kernelFor(x, p.feeConvention))
  const heap = new MinHeap()
  const queued = new Set<number>()
  const cjCache = new Map<number, CoinJoinInfo | null>()
  const coinjoinOf = (t: number): CoinJoinInfo | null => {
    if (!p.detectCoinJoin) return null
    let cj = cjCache.get(t)
    if (cj === undefined) {
      cj = p.detectCoinJoin(g, t)
      cjCache.set(t, cj)
    }
    return cj
  }

  /** Record taint on an output and decide whether it continues; queue its spender if so. */
  const place = (run: PolicyRun, o: number, c: Chunks, hop: number) => {
    run.taint.set(o, c)
    run.hop.set(o, hop)
    const value = g.outValue[o]!
    let reason: StopReason | null = null
    const a = g.outAddr[o]!
    const t = spendingTx(g, o)
    if (p.stopAtServices && a >= 0 && p.serviceOf?.(a)) reason = 'service'
    else if (taintedOf(run.policy, c, value) < minAmount) reason = 'below-min'
    else if (t < 0) reason = 'unspent'
    else if (hop >= maxHops) reason = 'max-hops'
    else if (g.txTime[t]! > toTime) reason = 'time-window'
    else if (p.coinjoin !== 'spread' && coinjoinOf(t)) reason = 'coinjoin'
    if (reason) {
      run.stop.set(o, reason)
      return
    }
    if (!queued.has(t)) {
      queued.add(t)
      heap.push(t)
    }
  }

  for (const run of runs) {
    for (const s of seeds) {
      const v = g.outValue[s.output]!
      if (v <= 0) continue
      const prev = run.taint.get(s.output)
      if (prev) {
        // Earlier claim wins, except under poison where every label taints the whole value.
        if (run.policy === 'poison' && !hasLabel(prev, s.label)) {
          prev.push(v, s.label)
        }
        continue
      }
      run.taint.set(s.output, [v, s.label])
    }
    for (const [o, c] of [...run.taint]) {
      run.seeded += run.policy === 'poison' ? g.outValue[o]! : taintedSum(c)
      place(run, o, c, 0)
    }
  }

  const inValues: number[] = []
  const outValues: number[] = []
  const maxTxs = p.maxTxs ?? Number.POSITIVE_INFINITY
  let evaluated = 0
  while (heap.size > 0) {
    if (evaluated >= maxTxs) {
      // Budget spent: every output still being followed into a transaction not evaluated ends here.
      const pending = new Set<number>()
      while (heap.size > 0) pending.add(heap.pop())
      for (const run of runs) {
        for (const o of run.taint.keys()) {
          if (!run.stop.has(o) && pending.has(spendingTx(g, o))) run.stop.set(o, 'budget')
        }
      }
      break
    }
    evaluated++
    const t = heap.pop()
    const i0 = g.txInStart[t]!
    const i1 = g.txInStart[t + 1]!
    const o0 = g.txOutStart[t]!
    const o1 = g.txOutStart[t + 1]!
    inValues.length = 0
    outValues.length = 0
    let inSum = 0
    let firstUnknown = -1
    for (let i = i0; i < i1; i++) {
      const v = g.inValue[i]!
      if (Number.isNaN(v)) {
        if (firstUnknown < 0) firstUnknown = i - i0
        inValues.push(0)
      } else {
        inValues.push(v)
        inSum += v
      }
    }
    let outSum = 0
    for (let o = o0; o < o1; o++) {
      outValues.push(g.outValue[o]!)
      outSum += g.outValue[o]!
    }
    let fee = inSum - outSum
    if (fee < 0) {
      // An input value outside the loaded graph: treat the missing value as clean, on the first unknown input
      // (or as one more clean input at the end), so that Σ in = Σ out + fee still holds.
      if (firstUnknown >= 0) inValues[firstUnknown] = -fee
      else inValues.push(-fee)
      fee = 0
    }
    const cj = p.coinjoin === 'spread' ? coinjoinOf(t) : null
    for (let k = 0; k < runs.length; k++) {
      const run = runs[k]!
      let inTaint: (Chunks | null)[] | null = null
      let hop = Number.POSITIVE_INFINITY
      let via = -1
      let prob = false
      for (let i = i0; i < i1; i++) {
        const o = g.inPrevOut[i]!
        if (o < 0) continue
        const c = run.taint.get(o)
        if (!c || run.stop.has(o)) continue
        if (!inTaint) inTaint = new Array(inValues.length).fill(null)
        inTaint[i - i0] = c
        const h = run.hop.get(o)!
        if (h < hop) {
          hop = h
          via = o
        }
        if (run.probabilistic.has(o)) prob = true
      }
      if (!inTaint) continue
      run.txs++
      run.via.set(t, via)
      const tx: TxTaintInput = { inValues, inTaint, outValues, fee }
      const r = cj ? spreadCoinJoin(run.policy, tx, cj, o0) : kernelOf[k]!(tx)
      if (r.fee) run.fees.set(t, r.fee)
      for (let j = 0; j < r.outs.length; j++) {
        const c = r.outs[j]
        if (!c) continue
        const o = o0 + j
        if (cj || prob) run.probabilistic.add(o)
        if (run.hop.get(o) === 0) {
          // A seed downstream of another seed: the earlier (upstream) taint keeps its claim, the seed's label
          // takes the rest of the value. The seed was placed (and queued) already.
          const seeded = run.taint.get(o)!
          const merged = mergeIntoSeed(run.policy, c, seeded, g.outValue[o]!)
          if (run.policy !== 'poison') run.seeded -= taintedSum(seeded) - (taintedSum(merged) - taintedSum(c))
          run.taint.set(o, merged)
          continue
        }
        place(run, o, c, hop + 1)
      }
    }
  }
  return runs
}

/**
 * Merge upstream taint `c` (computed by a kernel) into a seed output's own chunks: upstream chunks keep their claim,
 * the seed's label (the first of `seeded`) takes the clean rest. Poison: the union of labels.
 */
export function mergeIntoSeed(policy: PolicyName, c: Chunks, seeded: Chunks, value: number): Chunks {
  if (policy === 'poison') {
    const out = c.slice()
    for (let k = 1; k < seeded.length; k += 2) if (!hasLabel(out, seeded[k]!)) out.push(value, seeded[k]!)
    return out
  }
  const label = seeded[1]!
  if (isSequential(policy)) {
    const out: Chunks = []
    for (let k = 0; k < c.length; k += 2) pushChunk(out, c[k]!, c[k + 1] === CLEAN ? label : c[k + 1]!)
    return out
  }
  const out = c.slice()
  const rest = value - taintedSum(c)
  if (rest > 0) {
    let at = -1
    for (let k = 1; k < out.length; k += 2) if (out[k] === label) at = k
    if (at >= 0) out[at - 1]! += rest
    else out.push(rest, label)
  }
  return out
}

/**
 * CoinJoin `spread` (heuristics.md §5.8): per label, the tainted input value T is spread over the equal outputs,
 * ⌊T / n⌋ each with n = max(anonSet, number of equal outputs) (`firstOutput` = the tx's first output id, to map the
 * absolute ids) (capped by what is left of the output's value), and the remainder goes to the fee, so taint
 * is conserved. Poison taints every output, as always. Outputs are marked probabilistic by the caller.
 */
export function spreadCoinJoin(
  policy: PolicyName,
  tx: TxTaintInput,
  cj: CoinJoinInfo,
  firstOutput: number,
): TxTaintResult {
  if (policy === 'poison') return kernels.poison(tx)
  const perLabel = new Map<number, number>()
  for (const c of tx.inTaint) {
    if (!c) continue
    for (let k = 0; k < c.length; k += 2) {
      const l = c[k + 1]!
      if (l !== CLEAN) perLabel.set(l, (perLabel.get(l) ?? 0) + c[k]!)
    }
  }
  const outs: (Chunks | null)[] = tx.outValues.map(() => null)
  const room = tx.outValues.slice()
  // the equal outputs of this transaction (deduplicated); a detector may list more outputs than its anonSet
  const equal = [...new Set(cj.equalOutputs.map((abs) => abs - firstOutput))].filter((j) => j >= 0 && j < outs.length)
  const anon = Math.max(1, cj.anonSet, equal.length)
  const fee: Chunks = []
  for (const l of [...perLabel.keys()].sort((a, b) => a - b)) {
    const total = perLabel.get(l)!
    const share = Math.floor(total / anon)
    let left = total
    for (const j of equal) {
      const put = Math.min(share, room[j]!, left)
      if (put <= 0) continue
      const c = outs[j] ?? []
      c.push(put, l)
      outs[j] = c
      room[j]! -= put
      left -= put
    }
    if (left > 0) fee.push(left, l)
  }
  if (isSequential(policy)) {
    for (let j = 0; j < outs.length; j++) {
      const c = outs[j]
      if (c) pushChunk(c, room[j]!, CLEAN)
    }
  }
  const tin = [...perLabel.values()].reduce((a, b) => a + b, 0)
  const tout = outs.reduce((a, c) => a + taintedSum(c), 0) + taintedSum(fee)
  if (tin !== tout) throw new InvariantError(`coinjoin spread lost taint: ${tin} in, ${tout} out`)
  return { outs, fee: fee.length > 0 ? fee : null }
}

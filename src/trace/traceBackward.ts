/**
 * The backward engine: where did the value of the seed outputs come from (taint of origin)?
 *
 * Semantics, per policy (documented in docs/tracing.md):
 * - haircut: an output of a transaction is funded by every input in proportion to the input's value (the fee is
 *   one more sink paid in the same proportion), so attribution A on the outputs of t flows to input i as
 *   ⌊A·v_i / Σv⌋, the rounding remainder to the largest input (first on ties): attribution is conserved exactly;
 * - poison: every input of every transaction on the way is an origin, for its whole value;
 * - FIFO, LIFO, TIHO: chunk provenance. The backward cone (up to maxHops) is collected, each boundary output (and
 *   each input funded from outside the graph) becomes its own source label, and the cone is evaluated forward with
 *   the sequential kernel: the seed output's chunks then say exactly which satoshi came from which source.
 *
 * Stops (the boundary): service (funds withdrawn from a labelled service), coinbase (minted), unknown-origin (input
 * funded outside the loaded graph), max-hops, time-window (funding transaction before fromTime), coinjoin (the
 * funding transaction is a CoinJoin; `spread` is not applied backward), below-min (haircut/poison only; sequential
 * sources below minAmount are dropped after evaluation).
 * @module
 */
import { isCoinbase, type UtxoGraph } from '../graph/UtxoGraph.js'
import { type Chunks, hasLabel, pushChunk } from './chunks.js'
import { mulDivFloor } from './haircut.js'
import type { PolicyName } from './kernel.js'
import { isSequential } from './kernel.js'
import { MinHeap } from './MinHeap.js'
import { kernelFor } from './policies.js'
import { newPolicyRun, taintedOf } from './traceForward.js'
import type { EngineParams, PolicyRun, ResolvedSeed, StopReason } from './types.js'

const TOP = 0xffffffff

/** Run every policy backward from the seeds. One PolicyRun per policy, in the order asked. */
export function traceBackward(g: UtxoGraph, seeds: readonly ResolvedSeed[], p: EngineParams): PolicyRun[] {
  return p.policies.map((policy) =>
    isSequential(policy) ? backwardSequential(g, seeds, p, policy) : backwardProportional(g, seeds, p, policy),
  )
}

/** The stop that applies to an output reached backward at `hop`, or null when its funding tx is followed. */
function backwardStop(g: UtxoGraph, o: number, hop: number, p: EngineParams): StopReason | null {
  const a = g.outAddr[o]!
  const t = g.outTx[o]!
  if (hop > 0 && p.stopAtServices && a >= 0 && p.serviceOf?.(a)) return 'service'
  if (isCoinbase(g, t)) return 'coinbase'
  if (hop >= (p.maxHops ?? 10)) return 'max-hops'
  if (g.txTime[t]! < (p.fromTime ?? Number.NEGATIVE_INFINITY)) return 'time-window'
  if (p.detectCoinJoin?.(g, t)) return 'coinjoin'
  return null
}

function initialSeeds(g: UtxoGraph, seeds: readonly ResolvedSeed[], poison: boolean): Map<number, Chunks> {
  const m = new Map<number, Chunks>()
  for (const s of seeds) {
    const v = g.outValue[s.output]!
    if (v <= 0) continue
    const prev = m.get(s.output)
    if (!prev) m.set(s.output, [v, s.label])
    else if (poison && !hasLabel(prev, s.label)) prev.push(v, s.label)
  }
  return m
}

function backwardProportional(
  g: UtxoGraph,
  seeds: readonly ResolvedSeed[],
  p: EngineParams,
  policy: PolicyName,
): PolicyRun {
  const run = newPolicyRun(policy)
  const minAmount = Math.max(1, p.minAmount ?? 1)
  const heap = new MinHeap()
  const queued = new Set<number>()
  const place = (o: number, c: Chunks, hop: number) => {
    const prev = run.taint.get(o)
    if (prev) {
      // Reached again from another transaction of the cone (an output feeds one input only, so this happens only
      // for seeds): merge per label.
      for (let k = 0; k < c.length; k += 2) addLabel(prev, c[k + 1]!, c[k]!, policy === 'poison')
      return
    }
    run.taint.set(o, c)
    run.hop.set(o, hop)
    let reason = backwardStop(g, o, hop, p)
    if (!reason && taintedOf(policy, c, g.outValue[o]!) < minAmount) reason = 'below-min'
    if (reason) {
      run.stop.set(o, reason)
      return
    }
    const t = g.outTx[o]!
    if (!queued.has(t)) {
      queued.add(t)
      heap.push(TOP - t)
    }
  }
  for (const [o, c] of initialSeeds(g, seeds, policy === 'poison')) place(o, c, 0)

  const maxTxs = p.maxTxs ?? Number.POSITIVE_INFINITY
  while (heap.size > 0) {
    if (run.txs >= maxTxs) {
      // Budget spent: outputs whose funding transaction was not evaluated end here.
      const pending = new Set<number>()
      while (heap.size > 0) pending.add(TOP - heap.pop())
      for (const o of run.taint.keys()) if (!run.stop.has(o) && pending.has(g.outTx[o]!)) run.stop.set(o, 'budget')
      break
    }
    const t = TOP - heap.pop()
    run.txs++
    // Attribution per label on the live outputs of t, and the smallest hop among them.
    const attr: Chunks = []
    let hop = Number.POSITIVE_INFINITY
    let via = -1
    for (let o = g.txOutStart[t]!; o < g.txOutStart[t + 1]!; o++) {
      const c = run.taint.get(o)
      if (!c || run.stop.has(o)) continue
      for (let k = 0; k < c.length; k += 2) addLabel(attr, c[k + 1]!, c[k]!, policy === 'poison')
      const h = run.hop.get(o)!
      if (h < hop) {
        hop = h
        via = o
      }
    }
    run.via.set(t, via)
    const i0 = g.txInStart[t]!
    const i1 = g.txInStart[t + 1]!
    let total = 0
    let largest = i0
    for (let i = i0; i < i1; i++) {
      const v = g.inValue[i]!
      if (Number.isNaN(v)) continue
      total += v
      if (v > (g.inValue[largest]! || 0)) largest = i
    }
    const shares: Chunks[] = []
    for (let i = i0; i < i1; i++) shares.push([])
    for (let k = 0; k < attr.length; k += 2) {
      const a = attr[k]!
      const l = attr[k + 1]!
      let left = a
      for (let i = i0; i < i1; i++) {
        const v = g.inValue[i]!
        if (!(v > 0)) continue
        const s = policy === 'poison' ? v : mulDivFloor(a, v, total)
        if (s > 0) shares[i - i0]!.push(s, l)
        left -= s
      }
      if (policy !== 'poison' && left > 0) addLabel(shares[largest - i0]!, l, left, false)
    }
    for (let i = i0; i < i1; i++) {
      const c = shares[i - i0]!
      if (c.length === 0) continue
      const o = g.inPrevOut[i]!
      if (o < 0) run.external.set(i, c)
      else place(o, c, hop + 1)
    }
  }
  return run
}

/** Add `amount` of `label` to a per-label list (poison: set the label once, amounts are whole values). */
function addLabel(c: Chunks, label: number, amount: number, poison: boolean): void {
  for (let k = 1; k < c.length; k += 2) {
    if (c[k] === label) {
      if (poison) c[k - 1] = Math.max(c[k - 1]!, amount)
      else c[k - 1]! += amount
      return
    }
  }
  c.push(amount, label)
}

function backwardSequential(
  g: UtxoGraph,
  seeds: readonly ResolvedSeed[],
  p: EngineParams,
  policy: PolicyName,
): PolicyRun {
  const run = newPolicyRun(policy)
  const seedTaint = initialSeeds(g, seeds, false)
  // 1. The cone: transactions whose outputs are followed, with the smallest hop of a followed output.
  const coneHop = new Map<number, number>()
  const outHop = new Map<number, number>()
  const boundary = new Map<number, StopReason>()
  const heap = new MinHeap()
  const reach = (o: number, hop: number) => {
    const known = outHop.get(o)
    if (known !== undefined && known <= hop) return
    outHop.set(o, hop)
    const reason = backwardStop(g, o, hop, p)
    if (reason) {
      boundary.set(o, reason)
      return
    }
    const t = g.outTx[o]!
    const h = coneHop.get(t)
    if (h === undefined && coneHop.size >= (p.maxTxs ?? Number.POSITIVE_INFINITY)) {
      boundary.set(o, 'budget')
      return
    }
    if (h === undefined) heap.push(TOP - t)
    if (h === undefined || hop < h) {
      coneHop.set(t, hop)
      run.via.set(t, o)
    }
  }
  for (const o of seedTaint.keys()) reach(o, 0)
  const cone: number[] = []
  while (heap.size > 0) {
    const t = TOP - heap.pop()
    cone.push(t)
    const h = coneHop.get(t)!
    for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) {
      const o = g.inPrevOut[i]!
      if (o >= 0) reach(o, h + 1)
    }
  }
  // 2. Sources: every boundary output and every input funded from outside the graph gets its own label
  //    (`sources[label]` = output index, or -1 - input index for an external input).
  const sources: number[] = []
  const sourceOfOutput = new Map<number, number>()
  // 3. Forward evaluation of the cone in chain order.
  cone.reverse()
  const inCone = new Set(cone)
  const chunks = new Map<number, Chunks>()
  const kernel = kernelFor(policy, p.feeConvention)
  for (const t of cone) {
    run.txs++
    const inValues: number[] = []
    const inTaint: Chunks[] = []
    let inSum = 0
    for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) {
      const o = g.inPrevOut[i]!
      const v = Number.isNaN(g.inValue[i]!) ? 0 : g.inValue[i]!
      inValues.push(v)
      inSum += v
      let c: Chunks | undefined
      if (o >= 0 && inCone.has(g.outTx[o]!) && !boundary.has(o)) c = chunks.get(o)
      if (!c) {
        let label = o >= 0 ? (sourceOfOutput.get(o) ?? -1) : -1
        if (label < 0) {
          label = sources.length
          sources.push(o >= 0 ? o : -1 - i)
          if (o >= 0) {
            sourceOfOutput.set(o, label)
            if (!boundary.has(o)) boundary.set(o, 'max-hops')
          }
        }
        c = []
        pushChunk(c, v, label)
      }
      inTaint.push(c)
    }
    const outValues: number[] = []
    let outSum = 0
    for (let o = g.txOutStart[t]!; o < g.txOutStart[t + 1]!; o++) {
      outValues.push(g.outValue[o]!)
      outSum += g.outValue[o]!
    }
    if (inSum < outSum) {
      // unknown input values: the missing value is an anonymous external source at the end
      inValues.push(outSum - inSum)
      inTaint.push([outSum - inSum, sources.length])
      sources.push(-1 - g.txInStart[t]!)
    }
    const r = kernel({ inValues, inTaint, outValues, fee: Math.max(0, inSum - outSum) })
    r.outs.forEach((c, j) => {
      if (c) chunks.set(g.txOutStart[t]! + j, c)
    })
  }
  // 4. Read the seeds' chunks: per (source, seed label) amounts.
  const minAmount = Math.max(1, p.minAmount ?? 1)
  const bySource = new Map<number, Chunks>()
  const selfOrigin = new Map<number, Chunks>()
  for (const [o, seedC] of seedTaint) {
    const seedLabel = seedC[1]!
    run.taint.set(o, seedC)
    run.hop.set(o, 0)
    const c = boundary.has(o) ? null : chunks.get(o)
    if (!c) {
      // The seed itself is a boundary (coinbase, service…): it is its own origin.
      addLabel(bySourceOf(selfOrigin, o), seedLabel, g.outValue[o]!, false)
      continue
    }
    for (let k = 0; k < c.length; k += 2) addLabel(bySourceOf(bySource, c[k + 1]!), seedLabel, c[k]!, false)
  }
  for (const [o, c] of selfOrigin) {
    run.taint.set(o, c)
    run.stop.set(o, boundary.get(o) ?? 'max-hops')
  }
  for (const [src, c] of bySource) {
    let total = 0
    for (let k = 0; k < c.length; k += 2) total += c[k]!
    if (total < minAmount) continue
    const o = sources[src]!
    if (o >= 0) {
      run.taint.set(o, c)
      run.hop.set(o, outHop.get(o) ?? 0)
      run.stop.set(o, boundary.get(o) ?? 'max-hops')
    } else {
      const prev = run.external.get(-1 - o)
      if (prev) for (let k = 0; k < c.length; k += 2) addLabel(prev, c[k + 1]!, c[k]!, false)
      else run.external.set(-1 - o, c)
    }
  }
  return run
}

function bySourceOf(m: Map<number, Chunks>, src: number): Chunks {
  let c = m.get(src)
  if (!c) {
    c = []
    m.set(src, c)
  }
  return c
}

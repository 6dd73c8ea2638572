/**
 * Turn one policy's index-based run into the JSON users and the report read: tainted outputs, endpoints grouped
 * by address (and stop reason), taint paid as fees, statistics. Names are resolved only here.
 * @module
 */
import { spendingTx, type UtxoGraph, voutOf } from '../graph/UtxoGraph.js'
import { type Chunks, perLabel } from './chunks.js'
import type { PolicyName } from './kernel.js'
import { taintedOf } from './traceForward.js'
import type { Direction, PolicyRun, ServiceLabel, StopReason } from './types.js'

export type TracedOutput = {
  txid: string
  vout: number
  value: number
  tainted: number
  hop: number
  /** Per incident label (only when more than one label is traced). */
  byLabel?: Record<string, number>
  probabilistic?: true
}

export type Endpoint = {
  /** Address string, or null for an output without an address. */
  address: string | null
  cluster: string | null
  /** Entity name of the address's (or its cluster's) intelligence label, null when unlabelled. */
  label: string | null
  category: string | null
  /** Tainted satoshi that ended here (poison: the whole value). */
  amount: number
  byLabel: Record<string, number>
  /** Smallest hop among the endpoint's outputs. */
  hops: number
  reason: StopReason
  /** Block times (unix seconds) of the first and last transaction that paid (forward) or funded (backward) it. */
  firstTime: number
  lastTime: number
  /** Transactions from the seed to the endpoint (seed first), for the largest output of the endpoint. */
  path: string[]
  /** The outputs (`txid:vout`; `input:txid:vin` for value from outside the graph) making up the endpoint: the evidence. */
  outputs: string[]
  /** True when part of the amount went through a CoinJoin spread. */
  probabilistic: boolean
}

export type PolicyResult = {
  policy: PolicyName
  direction: Direction
  /** Σ seeded value (satoshi); forward, a seed downstream of another seed counts only the value it claimed. */
  taintedIn: number
  outputs: TracedOutput[]
  endpoints: Endpoint[]
  fees: { total: number; byLabel: Record<string, number> }
  stats: {
    txsEvaluated: number
    outputsTainted: number
    endpoints: number
    /** Σ endpoint amounts (poison: whole values). */
    endpointAmount: number
    ms: number
  }
}

export type ResultContext = {
  readonly labels: readonly string[]
  readonly direction: Direction
  readonly taintedIn: number
  readonly ms: number
  readonly clusterOf?: ((address: number) => string | null) | undefined
  readonly labelOf?: ((address: number) => ServiceLabel | null) | undefined
}

export function buildPolicyResult(g: UtxoGraph, run: PolicyRun, ctx: ResultContext): PolicyResult {
  // txids are packed in the graph: format each once
  const txids = new Map<number, string>()
  const txidOf = (t: number): string => {
    let s = txids.get(t)
    if (s === undefined) {
      s = g.names.txid(t)
      txids.set(t, s)
    }
    return s
  }
  const names = (m: Map<number, number>): Record<string, number> => {
    const r: Record<string, number> = {}
    for (const [l, v] of [...m].sort((a, b) => a[0] - b[0])) r[ctx.labels[l] ?? String(l)] = v
    return r
  }
  const multi = ctx.labels.length > 1
  const outputs: TracedOutput[] = []
  const sorted = [...run.taint.keys()].sort((a, b) => a - b)
  for (const o of sorted) {
    const c = run.taint.get(o)!
    const row: TracedOutput = {
      txid: txidOf(g.outTx[o]!),
      vout: voutOf(g, o),
      value: g.outValue[o]!,
      tainted: taintedOf(run.policy, c, g.outValue[o]!),
      hop: run.hop.get(o) ?? 0,
    }
    if (multi) row.byLabel = names(perLabel(c))
    if (run.probabilistic.has(o)) row.probabilistic = true
    outputs.push(row)
  }

  const pathOf = (o: number): string[] => {
    const path: number[] = []
    let cur = o
    for (let guard = 0; guard < 100_000; guard++) {
      const t = g.outTx[cur]!
      path.push(t)
      if ((run.hop.get(cur) ?? 0) === 0) break
      const next = ctx.direction === 'forward' ? run.via.get(t) : run.via.get(spendingTx(g, cur))
      if (next === undefined || next < 0) break
      cur = next
    }
    path.reverse()
    return path.map(txidOf)
  }

  type Acc = Endpoint & { best: number; bestKey: number; isInput: boolean }
  const groups = new Map<string, Acc>()
  const add = (
    key: string,
    a: number,
    reason: StopReason,
    c: Chunks,
    amount: number,
    hop: number,
    time: number,
    evidence: string,
    bestKey: number,
    isInput: boolean,
    prob: boolean,
  ) => {
    let e = groups.get(`${key}|${reason}`)
    if (!e) {
      const label = a >= 0 ? (ctx.labelOf?.(a) ?? null) : null
      e = {
        address: a >= 0 ? g.names.address(a) : null,
        cluster: a >= 0 ? (ctx.clusterOf?.(a) ?? null) : null,
        label: label?.entity ?? null,
        category: label?.category ?? null,
        amount: 0,
        byLabel: {},
        hops: hop,
        reason,
        firstTime: time,
        lastTime: time,
        path: [],
        outputs: [],
        probabilistic: false,
        best: -1,
        bestKey,
        isInput,
      }
      groups.set(`${key}|${reason}`, e)
    }
    e.amount += amount
    for (const [l, v] of perLabel(c)) {
      const n = ctx.labels[l] ?? String(l)
      e.byLabel[n] = (e.byLabel[n] ?? 0) + (run.policy === 'poison' ? amount : v)
    }
    if (hop < e.hops) e.hops = hop
    if (time < e.firstTime) e.firstTime = time
    if (time > e.lastTime) e.lastTime = time
    e.outputs.push(evidence)
    if (prob) e.probabilistic = true
    if (amount > e.best) {
      e.best = amount
      e.bestKey = bestKey
      e.isInput = isInput
    }
  }
  for (const [o, reason] of run.stop) {
    const c = run.taint.get(o)
    if (!c) continue
    const a = g.outAddr[o]!
    const amount = taintedOf(run.policy, c, g.outValue[o]!)
    if (amount <= 0) continue
    const key = a >= 0 ? `a${a}` : `o${o}`
    add(
      key,
      a,
      reason,
      c,
      amount,
      run.hop.get(o) ?? 0,
      g.txTime[g.outTx[o]!]!,
      `${txidOf(g.outTx[o]!)}:${voutOf(g, o)}`,
      o,
      false,
      run.probabilistic.has(o),
    )
  }
  for (const [i, c] of run.external) {
    const a = g.inAddr[i]!
    const t = g.inTx[i]!
    const amount = taintedOf(run.policy, c, Number.isNaN(g.inValue[i]!) ? 0 : g.inValue[i]!)
    if (amount <= 0) continue
    const key = a >= 0 ? `a${a}` : `i${i}`
    const via = run.via.get(t)
    const hop = via !== undefined && via >= 0 ? (run.hop.get(via) ?? 0) + 1 : 1
    add(
      key,
      a,
      'unknown-origin',
      c,
      amount,
      hop,
      g.txTime[t]!,
      `input:${txidOf(t)}:${i - g.txInStart[t]!}`,
      i,
      true,
      false,
    )
  }
  const endpoints: Endpoint[] = []
  for (const e of groups.values()) {
    if (e.isInput) {
      const t = g.inTx[e.bestKey]!
      const via = run.via.get(t)
      e.path = via !== undefined && via >= 0 ? [...pathOf(via).filter((x) => x !== txidOf(t)), txidOf(t)] : [txidOf(t)]
    } else e.path = pathOf(e.bestKey)
    const { best: _b, bestKey: _k, isInput: _i, ...rest } = e
    endpoints.push(rest)
  }
  endpoints.sort((x, y) => y.amount - x.amount || (x.address ?? '').localeCompare(y.address ?? ''))

  const feeLabels = new Map<number, number>()
  let feeTotal = 0
  for (const c of run.fees.values()) {
    perLabel(c, feeLabels)
  }
  for (const v of feeLabels.values()) feeTotal += v
  return {
    policy: run.policy,
    direction: ctx.direction,
    taintedIn: ctx.taintedIn,
    outputs,
    endpoints,
    fees: { total: run.policy === 'poison' ? sumPoisonFees(run) : feeTotal, byLabel: names(feeLabels) },
    stats: {
      txsEvaluated: run.txs,
      outputsTainted: run.taint.size,
      endpoints: endpoints.length,
      endpointAmount: endpoints.reduce((s, e) => s + e.amount, 0),
      ms: ctx.ms,
    },
  }
}

function sumPoisonFees(run: PolicyRun): number {
  let s = 0
  for (const c of run.fees.values()) s += c[0] ?? 0
  return s
}

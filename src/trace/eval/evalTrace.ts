/**
 * `evalTrace`: measure tracing against the simulator's ground truth. For every incident, seed the stolen outputs,
 * trace forward under each policy, and compare with the true exits of the thief's wallets (flows.jsonl):
 *
 * - cash-out points are the true flows of kind exchange_deposit, mixer, bridge or otc;
 * - recall (by count / by amount): a cash-out output is found when the trace put taint on it; the amount found is
 *   min(taint on the output, true amount), summed over cash-out outputs, over the true cash-out amount;
 * - precision (by count / by amount): of the trace's endpoint outputs, those that are true flows (any kind,
 *   including the thief's unspent coins and CoinJoin outputs); by amount, min(taint, true amount) over Σ endpoint taint.
 *
 * Aggregates are micro-averages (sums of amounts and counts) over all incidents and over the incidents without a
 * CoinJoin (where the deterministic trace is expected to work). `missed` lists what each policy did not reach.
 * @module
 */
import type { UtxoGraph } from '../../graph/UtxoGraph.js'
import type { PolicyResult } from '../buildPolicyResult.js'
import type { PolicyName } from '../kernel.js'
import { policyResults, runTrace, type TraceOptions } from '../runTrace.js'
import type { FlowKind, Truth, TruthFlow } from './readTruth.js'

export const cashOutKinds: ReadonlySet<FlowKind> = new Set<FlowKind>(['exchange_deposit', 'mixer', 'bridge', 'otc'])

export type Score = {
  cashOuts: number
  cashOutAmount: number
  found: number
  foundAmount: number
  recallCount: number
  recallAmount: number
  endpointOutputs: number
  endpointAmount: number
  correctEndpoints: number
  correctAmount: number
  precisionCount: number
  precisionAmount: number
}

export type Missed = { kind: FlowKind; outputs: number; amount: number; examples: string[] }

export type IncidentEval = {
  incident: string
  name: string
  coinjoin: boolean
  stolenAmount: number
  byPolicy: Record<string, Score & { missed: Missed[]; ms: number; txs: number }>
}

export type EvalResult = {
  params: { policies: PolicyName[]; maxHops: number; minAmount: number; stopAtServices: boolean; coinjoin: string }
  incidents: IncidentEval[]
  /** Per policy, micro-averaged over every incident and over the incidents without a CoinJoin. */
  summary: Record<string, { all: Score; noCoinJoin: Score }>
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b)

function emptyScore(): Score {
  return {
    cashOuts: 0,
    cashOutAmount: 0,
    found: 0,
    foundAmount: 0,
    recallCount: 1,
    recallAmount: 1,
    endpointOutputs: 0,
    endpointAmount: 0,
    correctEndpoints: 0,
    correctAmount: 0,
    precisionCount: 1,
    precisionAmount: 1,
  }
}

function finish(s: Score): Score {
  s.recallCount = ratio(s.found, s.cashOuts)
  s.recallAmount = ratio(s.foundAmount, s.cashOutAmount)
  s.precisionCount = ratio(s.correctEndpoints, s.endpointOutputs)
  s.precisionAmount = ratio(s.correctAmount, s.endpointAmount)
  return s
}

function add(into: Score, s: Score): void {
  into.cashOuts += s.cashOuts
  into.cashOutAmount += s.cashOutAmount
  into.found += s.found
  into.foundAmount += s.foundAmount
  into.endpointOutputs += s.endpointOutputs
  into.endpointAmount += s.endpointAmount
  into.correctEndpoints += s.correctEndpoints
  into.correctAmount += s.correctAmount
}

/** Score one policy's result against one incident's true flows. */
export function scorePolicy(r: PolicyResult, flows: readonly TruthFlow[]): Score & { missed: Missed[] } {
  const tainted = new Map<string, number>()
  for (const o of r.outputs) tainted.set(`${o.txid}:${o.vout}`, o.tainted)
  const truthAt = new Map<string, TruthFlow>()
  for (const f of flows) truthAt.set(`${f.txid}:${f.vout}`, f)
  const s = emptyScore()
  const missed = new Map<FlowKind, Missed>()
  for (const f of flows) {
    if (!cashOutKinds.has(f.kind)) continue
    s.cashOuts++
    s.cashOutAmount += f.amount
    const t = Math.min(tainted.get(`${f.txid}:${f.vout}`) ?? 0, f.amount)
    if (t > 0) s.found++
    s.foundAmount += t
    if (t < f.amount) {
      const m = missed.get(f.kind) ?? { kind: f.kind, outputs: 0, amount: 0, examples: [] }
      m.outputs++
      m.amount += f.amount - t
      if (m.examples.length < 3) m.examples.push(`${f.txid}:${f.vout}`)
      missed.set(f.kind, m)
    }
  }
  for (const e of r.endpoints) {
    for (const k of e.outputs) {
      const t = tainted.get(k) ?? 0
      if (t <= 0) continue
      s.endpointOutputs++
      s.endpointAmount += t
      const f = truthAt.get(k)
      if (f) {
        s.correctEndpoints++
        s.correctAmount += Math.min(t, f.amount)
      }
    }
  }
  return { ...finish(s), missed: [...missed.values()].sort((a, b) => b.amount - a.amount) }
}

export type EvalOptions = Omit<TraceOptions, 'seeds' | 'policy' | 'direction'> & { policies?: readonly PolicyName[] }

export function evalTrace(g: UtxoGraph, truth: Truth, o: EvalOptions = {}): EvalResult {
  const policies = [...(o.policies ?? (['haircut', 'fifo', 'lifo', 'tiho'] as PolicyName[]))]
  const maxHops = o.maxHops ?? 1000
  const minAmount = o.minAmount ?? 10_000
  const byIncident = new Map<string, TruthFlow[]>()
  for (const f of truth.flows) {
    const l = byIncident.get(f.incident) ?? []
    l.push(f)
    byIncident.set(f.incident, l)
  }
  const incidents: IncidentEval[] = []
  const summary: EvalResult['summary'] = {}
  for (const p of policies) summary[p] = { all: emptyScore(), noCoinJoin: emptyScore() }
  for (const inc of truth.incidents) {
    if (inc.stolenOutputs.length === 0) continue
    const flows = byIncident.get(inc.incident) ?? []
    const ev: IncidentEval = {
      incident: inc.incident,
      name: inc.name,
      coinjoin: inc.coinjoin,
      stolenAmount: inc.stolenAmount,
      byPolicy: {},
    }
    // one pass per policy so that each can be timed; runTrace evaluates one policy per call here
    for (const policy of policies) {
      const r = runTrace(g, {
        ...o,
        seeds: inc.stolenOutputs.map((s) => `${s}@${inc.incident}`),
        policy,
        direction: 'forward',
        maxHops,
        minAmount,
        stopAtServices: o.stopAtServices ?? true,
      })
      const pr = policyResults(r)[0]!
      const score = scorePolicy(pr, flows)
      ev.byPolicy[policy] = { ...score, ms: pr.stats.ms, txs: pr.stats.txsEvaluated }
      add(summary[policy]!.all, score)
      if (!inc.coinjoin) add(summary[policy]!.noCoinJoin, score)
    }
    incidents.push(ev)
  }
  for (const p of policies) {
    finish(summary[p]!.all)
    finish(summary[p]!.noCoinJoin)
  }
  return {
    params: { policies, maxHops, minAmount, stopAtServices: o.stopAtServices ?? true, coinjoin: o.coinjoin ?? 'stop' },
    incidents,
    summary,
  }
}

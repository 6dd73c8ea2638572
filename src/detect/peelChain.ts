/**
 * Peel-chain detector (heuristics.md §5.1; Meiklejohn et al. 2013, Kappos et al. 2022).
 *
 * Rule (our parameters, documented in docs/detectors.md):
 * - a *peel step* is a non-coinbase tx with 1–`maxInputs` inputs of known value and exactly 2 spendable outputs,
 *   the smaller one (the peel) ≤ ρ · input (ρ = `maxPeelRatio`, default 0.2); the larger is the continuation;
 * - step t links to step t′ when t′ spends t's continuation as its only or largest input, within
 *   `maxHopSeconds` (default 2 days: automated chains hop within minutes to hours);
 * - a maximal run of linked steps of length L ≥ `minLength` (3) is flagged;
 * - steps spending service-labelled inputs are not peel steps (an exchange or pool paying customers one at a time
 *   from chained change is its normal operation).
 *
 * Confidence: 0.5 at L = 3 rising linearly to 0.85 at L ≥ 10 (the §5.1 "high confidence" length), +0.1 when at
 * least half of the peels pay service-labelled addresses (exchange deposits: the Lazarus pattern of §5.1, CipherTrace's
 * 146-tx chain "peeled small amounts to exchange accounts"), capped at 0.95. So ≥ 0.9 means a long chain peeling to
 * services; ordinary wallets spending from change make long chains too, but pay people, not deposit accounts.
 * @module
 */
import { isCoinbase, type UtxoGraph } from '../graph/UtxoGraph.js'
import type { Alert, Labels } from './Alert.js'
import { endsSince, makeAlert, median, r4, spendableOutputs } from './graphUtil.js'

export type PeelChainParams = {
  maxPeelRatio: number
  minLength: number
  highLength: number
  maxInputs: number
  maxHopSeconds: number
}

export const defaultPeelChainParams: PeelChainParams = {
  maxPeelRatio: 0.2,
  minLength: 3,
  highLength: 10,
  maxInputs: 2,
  maxHopSeconds: 2 * 86_400,
}

type Step = { peel: number; cont: number; input: number }

/** The peel step of `t` (peel and continuation output ids, input total) or null. */
export function peelStep(
  g: UtxoGraph,
  t: number,
  p: PeelChainParams = defaultPeelChainParams,
  labels: Labels = new Map(),
): Step | null {
  if (isCoinbase(g, t)) return null
  const nIn = g.txInStart[t + 1]! - g.txInStart[t]!
  if (nIn < 1 || nIn > p.maxInputs) return null
  const outs = spendableOutputs(g, t)
  if (outs.length !== 2) return null
  let input = 0
  for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) {
    if (labels.has(g.inAddr[i]!)) return null // a service paying its customers one by one
    input += g.inValue[i]!
  }
  if (!(input > 0)) return null
  const [a, b] = outs as [number, number]
  const cont = g.outValue[a]! >= g.outValue[b]! ? a : b
  const peel = cont === a ? b : a
  if (g.outValue[peel]! > p.maxPeelRatio * input) return null
  return { peel, cont, input }
}

/** The largest input of `t` (input index). */
function largestInput(g: UtxoGraph, t: number): number {
  let best = g.txInStart[t]!
  for (let i = best + 1; i < g.txInStart[t + 1]!; i++) if (g.inValue[i]! > g.inValue[best]!) best = i
  return best
}

/** Flag peel chains ending at or after height `since`. */
export function detectPeelChains(
  g: UtxoGraph,
  labels: Labels = new Map(),
  params: Partial<PeelChainParams> = {},
  since?: number,
): Alert[] {
  const p = { ...defaultPeelChainParams, ...params }
  const steps = new Map<number, Step>()
  for (let t = 0; t < g.txCount; t++) {
    const s = peelStep(g, t, p, labels)
    if (s) steps.set(t, s)
  }
  const next = new Map<number, number>()
  const hasPred = new Set<number>()
  for (const [t, s] of steps) {
    const i = g.outSpentBy[s.cont]!
    if (i < 0) continue
    const u = g.inTx[i]!
    if (!steps.has(u) || largestInput(g, u) !== i) continue
    if (g.txTime[u]! - g.txTime[t]! > p.maxHopSeconds) continue
    next.set(t, u)
    hasPred.add(u)
  }
  const alerts: Alert[] = []
  for (const t0 of steps.keys()) {
    if (hasPred.has(t0) || !next.has(t0)) continue
    const chain: number[] = [t0]
    for (let t = next.get(t0); t !== undefined; t = next.get(t)) chain.push(t)
    if (chain.length < p.minLength || !endsSince(g, chain[chain.length - 1]!, since)) continue
    const ratios: number[] = []
    const peels: number[] = []
    const intervals: number[] = []
    const addrs: number[] = []
    const services = new Map<string, number>()
    let toServices = 0
    for (let k = 0; k < chain.length; k++) {
      const t = chain[k]!
      const s = steps.get(t)!
      const v = g.outValue[s.peel]!
      peels.push(v)
      ratios.push(v / s.input)
      if (k > 0) intervals.push(g.txTime[t]! - g.txTime[chain[k - 1]!]!)
      const pa = g.outAddr[s.peel]!
      addrs.push(pa)
      const lab = labels.get(pa)
      if (lab) {
        toServices++
        services.set(lab.entity, (services.get(lab.entity) ?? 0) + 1)
      }
    }
    const L = chain.length
    const first = steps.get(chain[0]!)!
    const last = steps.get(chain[L - 1]!)!
    let conf = 0.5 + (0.35 * Math.min(L - p.minLength, p.highLength - p.minLength)) / (p.highLength - p.minLength)
    if (toServices * 2 >= L) conf += 0.1
    alerts.push(
      makeAlert(g, 'peel_chain', 'peel.chain', chain, addrs, Math.min(0.95, conf), {
        rule: {
          maxPeelRatio: p.maxPeelRatio,
          minLength: p.minLength,
          highLength: p.highLength,
          maxHopSeconds: p.maxHopSeconds,
        },
        length: L,
        startValue: first.input,
        endValue: g.outValue[last.cont]!,
        totalPeeled: peels.reduce((a, b) => a + b, 0),
        peels,
        maxPeelRatio: r4(Math.max(...ratios)),
        medianPeelRatio: r4(median(ratios)),
        durationSeconds: g.txTime[chain[L - 1]!]! - g.txTime[chain[0]!]!,
        medianHopSeconds: median(intervals),
        peelsToServices: toServices,
        services: Object.fromEntries(services),
      }),
    )
  }
  return alerts
}

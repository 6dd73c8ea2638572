/**
 * Fan-out and fan-in burst detector (heuristics.md §5.12).
 *
 * Rule (our parameters, documented in docs/detectors.md). Transactions spending service-labelled inputs (exchange
 * batches and cold-storage sweeps) and CoinJoins are skipped: their shape is the service's normal operation.
 * - **fan-out** (split then re-merge, §5.12): ≥ `minOutputs` (3) spendable outputs, ≥ 80 % of them to addresses
 *   never seen before, no output back to an input address, and outputs later spent *together* by one transaction —
 *   ≥ `minRemerged` (3) of them, or ≥ half of them when that is fewer (at least 2): the "recipients" share one owner
 *   (common-input ownership), so the parts were never paid to different people. (Two outputs of a big batch spent
 *   together are more likely one recipient paid twice: 3 payroll decoys on the 300k-tx chain.) Confidence 0.6, +0.2 when ≥ 50 % of the outputs are re-merged in that one
 *   transaction, +0.1 when every output is spent within `burstSeconds` (the parts did not rest). Equal parts
 *   (coefficient of variation ≤ `maxCv`) are reported as evidence but are no longer enough on their own: an
 *   equal-amount payroll batch looks the same and its recipients never co-spend (the earlier rule, equal parts
 *   *or* a re-merge, flagged 48 payroll batches for 1 thief fan-out on a 300k-tx simulated chain).
 * - **fan-out, route split**: the same shape without a re-merge, whose parts go — each within 2 transactions
 *   (following the largest output) — into ≥ `minRouteKinds` (3) *different* laundering patterns given by
 *   `downstream` (runDetectors passes peel chains, structuring and rapid movement at confidence ≥ 0.9, mixer
 *   deposits and bridge/swap conversions): one tranche per laundering route. Confidence 0.9. Two kinds are not
 *   enough: payroll recipients mix and swap too (26 payroll decoys with two kinds on the 300k-tx chain, none with
 *   three). Evidence `routes: [{output, kind}]`.
 * - **fan-in**: ≥ `minInputs` (3) inputs from ≥ 3 distinct addresses into ≤ 2 spendable outputs, where ≥ 80 % of
 *   the inputs were created by one transaction that is not a CoinJoin (split-and-merge: a fan-out re-consolidated,
 *   not a wallet sweeping coins received over time, nor post-mix outputs). Confidence 0.7, +0.2 when the merge comes within `burstSeconds` of the
 *   newest input.
 * @module
 */
import { detectCoinJoin } from '../cluster/coinjoin/detectCoinJoin.js'
import { isCoinbase, spendingTx, type UtxoGraph } from '../graph/UtxoGraph.js'
import type { Alert, Labels } from './Alert.js'
import { coefficientOfVariation, endsSince, makeAlert, r4, spendableOutputs } from './graphUtil.js'

export type FanOutInParams = {
  minOutputs: number
  minRemerged: number
  minRouteKinds: number
  minFreshShare: number
  maxCv: number
  minInputs: number
  maxFanInOutputs: number
  burstSeconds: number
  minConfidence: number
}

export const defaultFanOutInParams: FanOutInParams = {
  minOutputs: 3,
  minRemerged: 3,
  minRouteKinds: 3,
  minFreshShare: 0.8,
  maxCv: 0.1,
  minInputs: 3,
  maxFanInOutputs: 2,
  burstSeconds: 6 * 3_600,
  minConfidence: 0.5,
}

/** Creation time of the prevout of input `i`, or -1 when the prevout is outside the graph. */
function fundedAt(g: UtxoGraph, i: number): number {
  const o = g.inPrevOut[i]!
  return o < 0 ? -1 : g.txTime[g.outTx[o]!]!
}

/** Laundering patterns downstream: tx index → kind of the pattern it belongs to (see runDetectors). */
export type DownstreamFlags = ReadonlyMap<number, string>

/** The spending tx of the largest spent output of tx `u` (the continuation), or -1. */
function continuation(g: UtxoGraph, u: number): number {
  let best = -1
  let next = -1
  for (let o = g.txOutStart[u]!; o < g.txOutStart[u + 1]!; o++) {
    const s = spendingTx(g, o)
    if (s >= 0 && (best < 0 || g.outValue[o]! > g.outValue[best]!)) {
      best = o
      next = s
    }
  }
  return next
}

export function detectFanOutIn(
  g: UtxoGraph,
  labels: Labels = new Map(),
  params: Partial<FanOutInParams> = {},
  since?: number,
  downstream: DownstreamFlags = new Map(),
): Alert[] {
  const p = { ...defaultFanOutInParams, ...params }
  const alerts: Alert[] = []
  for (let t = 0; t < g.txCount; t++) {
    if (isCoinbase(g, t) || !endsSince(g, t, since)) continue
    const i0 = g.txInStart[t]!
    const i1 = g.txInStart[t + 1]!
    const nOut = g.txOutStart[t + 1]! - g.txOutStart[t]!
    // cheap shape filter before any allocation (nulldata outputs may still be among nOut)
    if (nOut < p.minOutputs && (i1 - i0 < p.minInputs || nOut < 1)) continue
    let service = false
    const inAddrs = new Set<number>()
    let newest = -1
    let known = true
    for (let i = i0; i < i1; i++) {
      const a = g.inAddr[i]!
      if (labels.has(a)) service = true
      inAddrs.add(a)
      const ft = fundedAt(g, i)
      if (ft < 0) known = false
      else newest = Math.max(newest, ft)
    }
    if (service) continue
    const outs = spendableOutputs(g, t)
    const now = g.txTime[t]!
    if (outs.length >= p.minOutputs) {
      const fresh = outs.filter((o) => g.addrOuts[g.addrOutStart[g.outAddr[o]!]!] === o)
      const back = outs.some((o) => inAddrs.has(g.outAddr[o]!))
      if (!back && fresh.length >= p.minFreshShare * outs.length && detectCoinJoin(g, t) === null) {
        const vals = outs.map((o) => g.outValue[o]!)
        const cv = coefficientOfVariation(vals)
        const spenders = new Map<number, number>()
        let rested = false
        for (const o of outs) {
          const u = spendingTx(g, o)
          if (u >= 0) {
            spenders.set(u, (spenders.get(u) ?? 0) + 1)
            if (g.txTime[u]! - now > p.burstSeconds) rested = true
          } else rested = true
        }
        const together = Math.max(0, ...spenders.values())
        const needed = Math.max(2, Math.min(p.minRemerged, Math.ceil(outs.length / 2)))
        // route split: the parts go, each within 2 txs, into different laundering patterns
        const routes: { output: number; kind: string }[] = []
        if (downstream.size > 0 && together < needed) {
          for (const o of outs) {
            let u = spendingTx(g, o)
            for (let d = 0; d < 2 && u >= 0; d++) {
              const k = downstream.get(u)
              if (k !== undefined) {
                routes.push({ output: o - g.txOutStart[t]!, kind: k })
                break
              }
              u = continuation(g, u)
            }
          }
        }
        const routeKinds = new Set(routes.map((r) => r.kind)).size
        const conf =
          routeKinds >= p.minRouteKinds
            ? 0.9
            : together < needed
              ? 0
              : 0.6 + (together >= 0.5 * outs.length ? 0.2 : 0) + (rested ? 0 : 0.1)
        if (conf >= p.minConfidence) {
          alerts.push(
            makeAlert(g, 'fan_out', 'fan.out', [t], [...inAddrs, ...outs.map((o) => g.outAddr[o]!)], conf, {
              rule: {
                minOutputs: p.minOutputs,
                minRemerged: p.minRemerged,
                minFreshShare: p.minFreshShare,
                maxCv: p.maxCv,
                burstSeconds: p.burstSeconds,
              },
              outputs: outs.length,
              freshOutputs: fresh.length,
              cv: r4(cv),
              total: vals.reduce((x, y) => x + y, 0),
              remergedInOneTx: together,
              equalParts: cv <= p.maxCv,
              routes,
              allSpentWithinBurst: !rested,
            }),
          )
        }
      }
    }
    if (i1 - i0 >= p.minInputs && inAddrs.size >= p.minInputs && outs.length >= 1 && outs.length <= p.maxFanInOutputs) {
      const parents = new Map<number, number>()
      for (let i = i0; i < i1; i++) {
        const o = g.inPrevOut[i]!
        if (o >= 0) parents.set(g.outTx[o]!, (parents.get(g.outTx[o]!) ?? 0) + 1)
      }
      let top = -1
      for (const [pt, n] of parents) if (top < 0 || n > parents.get(top)!) top = pt
      const fromTop = top < 0 ? 0 : parents.get(top)!
      if (fromTop >= p.minFreshShare * (i1 - i0) && detectCoinJoin(g, top) === null) {
        const quick = known && now - newest <= p.burstSeconds
        let total = 0
        for (let i = i0; i < i1; i++) total += g.inValue[i]!
        alerts.push(
          makeAlert(g, 'fan_in', 'fan.in', [t], [...inAddrs, ...outs.map((o) => g.outAddr[o]!)], quick ? 0.9 : 0.7, {
            rule: { minInputs: p.minInputs, maxOutputs: p.maxFanInOutputs, burstSeconds: p.burstSeconds },
            inputs: i1 - i0,
            inputAddresses: inAddrs.size,
            outputs: outs.length,
            total,
            parentTxs: parents.size,
            splitTx: g.names.txid(top),
            inputsFromSplitTx: fromTop,
            waitSeconds: known ? now - newest : null,
          }),
        )
      }
    }
  }
  return alerts
}

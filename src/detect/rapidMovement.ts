/**
 * Rapid-movement detector: value that hops through many transactions in little time (automated laundering moves
 * stolen coins within minutes to hours of receiving them; heuristics.md §5.1, §5.13).
 *
 * Rule (our parameters, documented in docs/detectors.md): a *fast hop* is tx t spending an output o of tx p created
 * at most `maxHopSeconds` (1 h) earlier, where o carries ≥ `minValueShare` (80 %) of p's outputs (the bulk of the
 * value moves on, not a payment out of a wallet) and neither o nor any input of t is service-labelled (exchanges
 * move their own coins fast). A path of ≥ `minHops` (10) transactions linked by fast hops is flagged; one alert per path end that no
 * fast hop extends (the longest path into it; the alert key is that last txid). Confidence 0.5 at `minHops`, +0.05 per extra tx, capped at 0.9.
 * @module
 */
import { isCoinbase, outputSum, type UtxoGraph } from '../graph/UtxoGraph.js'
import type { Alert, Labels } from './Alert.js'
import { endsSince, makeAlert, median } from './graphUtil.js'

export type RapidMovementParams = { maxHopSeconds: number; minHops: number; minValueShare: number }

export const defaultRapidMovementParams: RapidMovementParams = { maxHopSeconds: 3_600, minHops: 10, minValueShare: 0.8 }

export function detectRapidMovement(
  g: UtxoGraph,
  labels: Labels = new Map(),
  params: Partial<RapidMovementParams> = {},
  since?: number,
): Alert[] {
  const p = { ...defaultRapidMovementParams, ...params }
  const len = new Uint32Array(g.txCount)
  const parent = new Int32Array(g.txCount).fill(-1)
  const extended = new Uint8Array(g.txCount)
  for (let t = 0; t < g.txCount; t++) {
    len[t] = 1
    if (isCoinbase(g, t)) continue
    let service = false
    for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]! && !service; i++) service = labels.has(g.inAddr[i]!)
    if (service) continue
    for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) {
      const o = g.inPrevOut[i]!
      if (o < 0 || labels.has(g.outAddr[o]!)) continue
      const pt = g.outTx[o]!
      if (isCoinbase(g, pt) || g.txTime[t]! - g.txTime[pt]! > p.maxHopSeconds) continue
      if (p.minValueShare > 0 && g.outValue[o]! < p.minValueShare * outputSum(g, pt)) continue
      if (len[pt]! + 1 > len[t]!) {
        len[t] = len[pt]! + 1
        parent[t] = pt
      }
    }
    if (parent[t]! >= 0) extended[parent[t]!] = 1
  }
  const alerts: Alert[] = []
  for (let t = 0; t < g.txCount; t++) {
    if (len[t]! < p.minHops || extended[t] || !endsSince(g, t, since)) continue
    const path: number[] = []
    for (let u = t; u >= 0; u = parent[u]!) path.push(u)
    path.reverse()
    const hops: number[] = []
    for (let k = 1; k < path.length; k++) hops.push(g.txTime[path[k]!]! - g.txTime[path[k - 1]!]!)
    const addrs: number[] = []
    for (const u of path) for (let i = g.txInStart[u]!; i < g.txInStart[u + 1]!; i++) addrs.push(g.inAddr[i]!)
    alerts.push(
      makeAlert(
        g,
        'rapid_movement',
        'rapid.movement',
        path,
        addrs,
        Math.min(0.9, 0.5 + 0.05 * (path.length - p.minHops)),
        {
          rule: { ...p },
          transactions: path.length,
          durationSeconds: g.txTime[t]! - g.txTime[path[0]!]!,
          medianHopSeconds: median(hops),
          maxHopSeconds: Math.max(...hops),
        },
        g.names.txid(t),
      ),
    )
  }
  return alerts
}

/**
 * CoinJoin participation: every transaction the clustering CoinJoin detectors recognise (heuristics.md §5.2–5.6:
 * Whirlpool mix and tx0, WabiSabi, Wasabi 1.x, JoinMarket, generic equal-output) becomes an alert naming its
 * kind, denomination and anonymity set; the participants are the input addresses. The detectors themselves live
 * in src/cluster/coinjoin/ (reused, not duplicated).
 *
 * Confidence by kind: coordinator-fingerprinted kinds (whirlpool, whirlpool_tx0, wabisabi, wasabi1) 0.95,
 * joinmarket 0.8, generic 0.7 (the generic rule also matches some batched payments).
 * @module
 */
import { detectCoinJoin } from '../cluster/coinjoin/detectCoinJoin.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import type { Alert } from './Alert.js'
import { endsSince, makeAlert } from './graphUtil.js'

const confidenceByKind: Record<string, number> = {
  whirlpool: 0.95,
  whirlpool_tx0: 0.95,
  wabisabi: 0.95,
  wasabi1: 0.95,
  joinmarket: 0.8,
  generic: 0.7,
}

export function detectCoinJoinParticipation(g: UtxoGraph, since?: number): Alert[] {
  const alerts: Alert[] = []
  for (let t = 0; t < g.txCount; t++) {
    if (!endsSince(g, t, since)) continue
    const m = detectCoinJoin(g, t)
    if (!m) continue
    const addrs: number[] = []
    for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) addrs.push(g.inAddr[i]!)
    alerts.push(
      makeAlert(g, 'coinjoin', m.code, [t], addrs, confidenceByKind[m.kind] ?? 0.7, {
        coinjoinKind: m.kind,
        denomination: m.denomination,
        anonSet: m.anonSet,
        inputs: g.txInStart[t + 1]! - g.txInStart[t]!,
        outputs: g.txOutStart[t + 1]! - g.txOutStart[t]!,
      }),
    )
  }
  return alerts
}

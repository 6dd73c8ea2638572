/**
 * Score detector alerts against simulator truth (readDetectorTruth): per kind, precision and recall over
 * transactions (an alert predicts the transactions it lists; mixer alerts predict `t:deposit`/`t:withdrawal`),
 * how many decoys were flagged, and kind-specific checks (CoinJoin kind agreement, chain-hop destination named).
 * Rapid movement is scored per alert (an alert is right when most of its transactions are the thief's) and its
 * recall is the share of thief transactions that a right alert covers.
 * @module
 */
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import { type Alert, type AlertKind, alertKinds } from './Alert.js'
import type { DetectorTruth } from './readDetectorTruth.js'

export type KindScore = {
  kind: AlertKind
  alerts: number
  predicted: number
  truth: number
  truePositives: number
  precision: number | null
  recall: number | null
  decoysFlagged: Record<string, number>
  notes: Record<string, number>
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000)

export function evaluateDetectors(g: UtxoGraph, alerts: readonly Alert[], truth: DetectorTruth): KindScore[] {
  const out: KindScore[] = []
  for (const kind of alertKinds) {
    const mine = alerts.filter((a) => a.kind === kind)
    const pos = truth.positives[kind]
    const predicted = new Set<string>()
    const decoysFlagged: Record<string, number> = {}
    const notes: Record<string, number> = {}
    const txs = new Set<number>()
    for (const a of mine) {
      for (const id of a.txids) {
        const t = g.names.txIndex(id)
        if (t < 0) continue
        txs.add(t)
        if (kind === 'mixer') predicted.add(`${t}:${String(a.evidence.direction)}`)
        else predicted.add(String(t))
      }
    }
    for (const t of txs) {
      const d = truth.decoys.get(t)
      if (d) decoysFlagged[d] = (decoysFlagged[d] ?? 0) + 1
    }
    let tp = 0
    if (kind === 'rapid_movement') {
      let right = 0
      const covered = new Set<number>()
      for (const a of mine) {
        const ts = a.txids.map((id) => g.names.txIndex(id))
        const hits = ts.filter((t) => truth.thiefTxs.has(t)).length
        if (hits * 2 > ts.length) {
          right++
          for (const t of ts) if (truth.thiefTxs.has(t)) covered.add(t)
        }
      }
      out.push({
        kind,
        alerts: mine.length,
        predicted: mine.length,
        truth: pos.size,
        truePositives: right,
        precision: ratio(right, mine.length),
        recall: ratio(covered.size, pos.size),
        decoysFlagged,
        notes: { thiefTxsCovered: covered.size },
      })
      continue
    }
    for (const k of predicted) if (pos.has(k)) tp++
    if (kind === 'coinjoin') {
      let same = 0
      for (const a of mine) {
        const t = g.names.txIndex(a.txids[0] ?? '')
        const k = truth.coinjoinKinds.get(t)
        if (k !== undefined && k === a.evidence.coinjoinKind) same++
      }
      notes.kindAgrees = same
    }
    if (kind === 'chain_hop') {
      let named = 0
      for (const a of mine) {
        const t = g.names.txIndex(a.txids[0] ?? '')
        const d = truth.hopDestinations.get(t)
        if (d !== undefined && d.toLowerCase() === String(a.evidence.destinationAddress ?? '').toLowerCase()) named++
      }
      notes.destinationNamed = named
      notes.realBridgeDeposits = mine.filter((a) => truth.bridgeDeposits.has(g.names.txIndex(a.txids[0] ?? ''))).length
      notes.allBridgeDeposits = truth.bridgeDeposits.size
    }
    out.push({
      kind,
      alerts: mine.length,
      predicted: predicted.size,
      truth: pos.size,
      truePositives: tp,
      precision: ratio(tp, predicted.size),
      recall: ratio(tp, pos.size),
      decoysFlagged,
      notes,
    })
  }
  return out
}

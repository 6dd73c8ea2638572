/**
 * Mixer deposits and withdrawals (heuristics.md §5.9): custodial mixers (Blender, Sinbad, YoMix) have no
 * structural signature, so they are found by attribution — addresses labelled `mixer`.
 *
 * - `mixer.deposit`: a tx paying mixer-labelled addresses whose inputs are not that mixer's;
 * - `mixer.withdrawal`: a tx spending that mixer's addresses and paying at least one address outside it.
 * Confidence 0.9 (it is as good as the label). Evidence: the mixer entity, the amount in/out of it.
 * @module
 */
import { isCoinbase, type UtxoGraph } from '../graph/UtxoGraph.js'
import type { Alert, Labels } from './Alert.js'
import { endsSince, makeAlert } from './graphUtil.js'

export function detectMixerFlows(g: UtxoGraph, labels: Labels, since?: number): Alert[] {
  const alerts: Alert[] = []
  if (labels.size === 0) return alerts
  const mixerOf = (a: number): string | null => {
    const l = labels.get(a)
    return l && l.category === 'mixer' ? l.entity : null
  }
  for (let t = 0; t < g.txCount; t++) {
    if (isCoinbase(g, t) || !endsSince(g, t, since)) continue
    const inMix = new Map<string, number>()
    const senders: number[] = []
    for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) {
      const m = mixerOf(g.inAddr[i]!)
      if (m) inMix.set(m, (inMix.get(m) ?? 0) + g.inValue[i]!)
      else senders.push(g.inAddr[i]!)
    }
    const outMix = new Map<string, { amount: number; addrs: number[] }>()
    const receivers: number[] = []
    let outside = 0
    for (let o = g.txOutStart[t]!; o < g.txOutStart[t + 1]!; o++) {
      const a = g.outAddr[o]!
      if (a < 0) continue
      const m = mixerOf(a)
      if (m) {
        let e = outMix.get(m)
        if (!e) outMix.set(m, (e = { amount: 0, addrs: [] }))
        e.amount += g.outValue[o]!
        e.addrs.push(a)
      } else {
        receivers.push(a)
        outside += g.outValue[o]!
      }
    }
    for (const [m, e] of outMix) {
      if (inMix.has(m)) continue
      alerts.push(
        makeAlert(
          g,
          'mixer',
          'mixer.deposit',
          [t],
          [...e.addrs, ...senders],
          0.9,
          { mixer: m, direction: 'deposit', amount: e.amount },
          `${g.names.txid(t)}:deposit:${m}`,
        ),
      )
    }
    for (const [m, amount] of inMix) {
      if (receivers.length === 0) continue
      alerts.push(
        makeAlert(
          g,
          'mixer',
          'mixer.withdrawal',
          [t],
          receivers,
          0.9,
          { mixer: m, direction: 'withdrawal', spent: amount, paidOut: outside },
          `${g.names.txid(t)}:withdrawal:${m}`,
        ),
      )
    }
  }
  return alerts
}

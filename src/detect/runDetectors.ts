/**
 * Run the laundering-pattern detectors over one graph and return their alerts, sorted by height then kind.
 * Each detector is a pure function of the graph (plus labels and memos where it needs them), so the same graph
 * gives the same alerts.
 * @module
 */
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import { type Alert, type AlertKind, alertKinds, type Labels } from './Alert.js'
import { detectChainHops, type MemoLookup } from './chainHop.js'
import { detectCoinJoinParticipation } from './coinjoinParticipation.js'
import { detectFanOutIn } from './fanOutIn.js'
import { detectMixerFlows } from './mixerFlows.js'
import { detectPeelChains } from './peelChain.js'
import { detectRapidMovement } from './rapidMovement.js'
import { detectStructuring } from './structuring.js'

export type RunDetectorsOptions = {
  /** Kinds to run (default all). */
  kinds?: readonly AlertKind[]
  labels?: Labels
  memos?: MemoLookup
  /** Only patterns whose last transaction is at or above this height. */
  since?: number
  /** Drop alerts below this confidence (default 0). */
  minConfidence?: number
}

/** Kinds whose high-confidence alerts mark laundering upstream of a chain hop (see detectChainHops). */
const upstreamKinds = new Set<AlertKind>(['peel_chain', 'structuring', 'fan_out', 'fan_in', 'rapid_movement'])

export function runDetectors(g: UtxoGraph, o: RunDetectorsOptions = {}): Alert[] {
  const kinds = new Set(o.kinds ?? alertKinds)
  const labels = o.labels ?? new Map()
  const since = o.since
  const out: Alert[] = []
  // chain hops weigh the laundering detectors' findings upstream, so those run (over the whole graph) when hops do
  const needed = new Set(kinds)
  if (kinds.has('chain_hop')) for (const k of upstreamKinds) needed.add(k)
  // fan-outs are weighed by what their parts flow into (also when they run only for chain hops)
  if (needed.has('fan_out')) for (const k of [...upstreamKinds, 'mixer' as const]) needed.add(k)
  const found: Alert[] = []
  const upstreamSince = kinds.has('chain_hop') || kinds.has('fan_out') ? undefined : since
  if (needed.has('peel_chain')) found.push(...detectPeelChains(g, labels, {}, upstreamSince))
  if (needed.has('structuring')) found.push(...detectStructuring(g, labels, {}, upstreamSince))
  if (needed.has('rapid_movement')) found.push(...detectRapidMovement(g, labels, {}, upstreamSince))
  if (needed.has('mixer')) found.push(...detectMixerFlows(g, labels, upstreamSince))
  if (needed.has('fan_out') || needed.has('fan_in')) {
    // a fan-out whose parts go into different laundering patterns (a route split) needs those patterns first
    // (only fan-outs read them: a fan-in-only run skips the chain-hop pass)
    const downstream = new Map<number, string>()
    if (needed.has('fan_out')) {
      flagTxs(
        g,
        found.filter((a) => (a.kind === 'mixer' ? a.code === 'mixer.deposit' : a.confidence >= 0.9)),
        downstream,
      )
      flagTxs(g, detectChainHops(g, labels, o.memos), downstream) // conversions, whatever their grade
    }
    found.push(...detectFanOutIn(g, labels, {}, upstreamSince, downstream))
  }
  if (kinds.has('coinjoin')) out.push(...detectCoinJoinParticipation(g, since))
  for (const a of found) if (kinds.has(a.kind) && (since === undefined || a.height >= since)) out.push(a)
  if (kinds.has('chain_hop')) {
    const upstream = flagTxs(
      g,
      found.filter((a) => upstreamKinds.has(a.kind) && a.confidence >= 0.9),
      new Map(),
    )
    out.push(...detectChainHops(g, labels, o.memos, since, upstream))
  }
  const min = o.minConfidence ?? 0
  return out
    .filter((a) => a.confidence >= min)
    .sort((a, b) => a.height - b.height || a.kind.localeCompare(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

/** Marks each transaction of `alerts` (graph tx index) with the kind of the first alert naming it; returns `into`. */
function flagTxs(g: UtxoGraph, alerts: readonly Alert[], into: Map<number, string>): Map<number, string> {
  for (const a of alerts)
    for (const id of a.txids) {
      const t = g.names.txIndex(id)
      if (t >= 0 && !into.has(t)) into.set(t, a.kind)
    }
  return into
}

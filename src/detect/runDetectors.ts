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

export function runDetectors(g: UtxoGraph, o: RunDetectorsOptions = {}): Alert[] {
  const kinds = new Set(o.kinds ?? alertKinds)
  const labels = o.labels ?? new Map()
  const since = o.since
  const out: Alert[] = []
  if (kinds.has('peel_chain')) out.push(...detectPeelChains(g, labels, {}, since))
  if (kinds.has('structuring')) out.push(...detectStructuring(g, labels, {}, since))
  if (kinds.has('fan_out') || kinds.has('fan_in')) {
    out.push(...detectFanOutIn(g, labels, {}, since).filter((a) => kinds.has(a.kind)))
  }
  if (kinds.has('rapid_movement')) out.push(...detectRapidMovement(g, labels, {}, since))
  if (kinds.has('coinjoin')) out.push(...detectCoinJoinParticipation(g, since))
  if (kinds.has('mixer')) out.push(...detectMixerFlows(g, labels, since))
  if (kinds.has('chain_hop')) out.push(...detectChainHops(g, labels, o.memos, since))
  const min = o.minConfidence ?? 0
  return out
    .filter((a) => a.confidence >= min)
    .sort((a, b) => a.height - b.height || a.kind.localeCompare(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

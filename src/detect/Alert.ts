/**
 * What every detector reports: an alert with its evidence (the rule's parameters and the measured values), a
 * confidence in 0..1 and a stable code, so alerts can be stored, compared between runs and explained.
 * @module
 */
import type { ServiceLabelValue } from '../intel/loadServiceLabels.js'

/** Alert kinds, one or two per detector file (fanOutIn reports both fan_out and fan_in). */
export const alertKinds = [
  'peel_chain',
  'structuring',
  'fan_out',
  'fan_in',
  'rapid_movement',
  'coinjoin',
  'mixer',
  'chain_hop',
] as const
export type AlertKind = (typeof alertKinds)[number]

export type Alert = {
  kind: AlertKind
  /** Stable rule code, e.g. `peel.chain`, `structuring.below_round`, `coinjoin.whirlpool`, `chainhop.memo`. */
  code: string
  /** Identity of the alert within its kind (idempotent storage): usually the first txid of the pattern. */
  key: string
  /** Transactions of the pattern, in chain order. */
  txids: string[]
  /** Addresses involved (sender/receiver side as the detector documents), deduplicated. */
  addresses: string[]
  /** 0..1. */
  confidence: number
  /** Rule parameters and measured values (JSON-serialisable; satoshi as integers). */
  evidence: Record<string, unknown>
  /** Height and block time (unix seconds) of the last transaction of the pattern. */
  height: number
  time: number
}

/** Labels as loaded by `loadServiceLabels`: address id → { category, entity }. */
export type Labels = ReadonlyMap<number, ServiceLabelValue>

/**
 * Ground truth for the detectors from a simulator run (DIR/truth/*.jsonl, written by src/sim): positives per alert
 * kind as sets of graph transaction indices, and the decoys (legitimate look-alikes) as negatives.
 *
 * - peel_chain, structuring, chain_hop, coinjoin: the txids of peel_chains/structuring/chain_hops/coinjoins.jsonl;
 * - mixer: derived from addresses.jsonl (entity type `mixer`): a deposit pays a mixer address from non-mixer
 *   inputs, a withdrawal spends mixer inputs and pays a non-mixer address (keys `t:deposit` / `t:withdrawal`);
 * - fan_out / fan_in / rapid_movement: the thief's own transactions (every input a `thief` address): fan-out =
 *   ≥ 3 spendable outputs all to thief addresses (the fan-out and the route split), fan-in = ≥ 2 inputs into ≤ 2
 *   outputs all to thief addresses (consolidations), CoinJoins excluded; rapid movement is scored against all
 *   thief transactions.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { NotFoundError } from '../core/errors.js'
import { isCoinbase, type UtxoGraph } from '../graph/UtxoGraph.js'
import { type AlertKind, alertKinds } from './Alert.js'
import { spendableOutputs } from './graphUtil.js'

export type DetectorTruth = {
  /** Positive keys per kind (tx index as string, or `t:deposit`/`t:withdrawal` for mixer). */
  positives: Record<AlertKind, Set<string>>
  /** Transactions of the thieves (rapid movement scoring). */
  thiefTxs: Set<number>
  /** Decoy tx index → decoy kind (legitimate look-alikes). */
  decoys: Map<number, string>
  /** Incident chain hops: tx index → destination address named by the memo. */
  hopDestinations: Map<number, string>
  /** CoinJoin kind per tx index. */
  coinjoinKinds: Map<number, string>
  /** Every deposit into a bridge (incident or not): pays a `bridge` address from non-bridge inputs. */
  bridgeDeposits: Set<number>
  /** Truth records whose txid is not in the graph (range cut). */
  missing: number
}

function readJsonl<T>(dir: string, name: string): T[] {
  const f = join(dir, 'truth', `${name}.jsonl`)
  if (!existsSync(f)) throw new NotFoundError(`truth file ${f} not found`, { details: { file: f } })
  return readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T)
}

export function readDetectorTruth(dir: string, g: UtxoGraph): DetectorTruth {
  let missing = 0
  const idx = (txid: string): number => {
    const t = g.names.txIndex(txid)
    if (t < 0) missing++
    return t
  }
  const positives = {} as Record<AlertKind, Set<string>>
  for (const k of alertKinds) positives[k] = new Set()
  const add = (k: AlertKind, t: number) => t >= 0 && positives[k].add(String(t))
  for (const r of readJsonl<{ txid: string }>(dir, 'peel_chains')) add('peel_chain', idx(r.txid))
  for (const r of readJsonl<{ txid: string }>(dir, 'structuring')) add('structuring', idx(r.txid))
  const hopDestinations = new Map<number, string>()
  for (const r of readJsonl<{ txid: string; destAddress: string }>(dir, 'chain_hops')) {
    const t = idx(r.txid)
    add('chain_hop', t)
    if (t >= 0) hopDestinations.set(t, r.destAddress)
  }
  const coinjoinKinds = new Map<number, string>()
  for (const r of readJsonl<{ txid: string; kind: string }>(dir, 'coinjoins')) {
    const t = idx(r.txid)
    add('coinjoin', t)
    if (t >= 0) coinjoinKinds.set(t, r.kind)
  }
  const decoys = new Map<number, string>()
  for (const r of readJsonl<{ txid: string; kind: string }>(dir, 'decoys')) {
    const t = g.names.txIndex(r.txid)
    if (t >= 0) decoys.set(t, r.kind)
  }
  const mixer = new Set<number>()
  const thief = new Set<number>()
  const bridge = new Set<number>()
  const bridgeDeposits = new Set<number>()
  for (const r of readJsonl<{ address: string; type: string }>(dir, 'addresses')) {
    if (r.type !== 'mixer' && r.type !== 'thief' && r.type !== 'bridge') continue
    const a = g.names.addressIndex(r.address)
    if (a >= 0) (r.type === 'mixer' ? mixer : r.type === 'thief' ? thief : bridge).add(a)
  }
  const thiefTxs = new Set<number>()
  for (let t = 0; t < g.txCount; t++) {
    if (isCoinbase(g, t)) continue
    let anyMix = false
    let allThief = true
    let anyBridge = false
    for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) {
      if (mixer.has(g.inAddr[i]!)) anyMix = true
      if (bridge.has(g.inAddr[i]!)) anyBridge = true
      if (!thief.has(g.inAddr[i]!)) allThief = false
    }
    const outs = spendableOutputs(g, t)
    const toMix = outs.some((o) => mixer.has(g.outAddr[o]!))
    const toOther = outs.some((o) => !mixer.has(g.outAddr[o]!))
    if (toMix && !anyMix) positives.mixer.add(`${t}:deposit`)
    if (anyMix && toOther) positives.mixer.add(`${t}:withdrawal`)
    if (!anyBridge && outs.some((o) => bridge.has(g.outAddr[o]!))) bridgeDeposits.add(t)
    if (!allThief) continue
    thiefTxs.add(t)
    const nIn = g.txInStart[t + 1]! - g.txInStart[t]!
    const allOutThief = outs.length > 0 && outs.every((o) => thief.has(g.outAddr[o]!))
    if (coinjoinKinds.has(t)) continue // a thief remixing its own coins is a CoinJoin, not a fan-out
    if (allOutThief && outs.length >= 3) add('fan_out', t)
    if (allOutThief && nIn >= 2 && outs.length <= 2) add('fan_in', t)
  }
  for (const t of thiefTxs) add('rapid_movement', t)
  return { positives, thiefTxs, decoys, hopDestinations, coinjoinKinds, bridgeDeposits, missing }
}

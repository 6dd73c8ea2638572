/**
 * Chain-hop detector (heuristics.md §5.11): deposits into bridges and swap services, each a *conversion edge*
 * `(BTC, amount, from) → (destination chain, asset, destination address)`, named from the swap memo when the
 * deposit carries one (THORChain `SWAP:ASSET:DEST:LIM` / `=:ASSET:DEST:…` in an OP_RETURN).
 *
 * Every conversion is reported (the destination is useful to an investigator either way); the confidence says how
 * suspicious it is, because most conversions are ordinary users' swaps (on a 300k-tx simulated chain, 8 of 1,752
 * bridge deposits were a thief's):
 * - base: `chainhop.memo` (pays a `bridge`/`swap`-labelled address and carries a parseable swap memo) 0.6;
 *   `chainhop.deposit` (labelled, no parseable memo: destination unknown) 0.5; `chainhop.memo_unlabelled` (a swap
 *   memo paying no labelled address: THORChain vaults rotate, the memo alone names the hop) 0.4;
 * - +0.2 `laundering_upstream`: within `upstreamHops` (4) transactions back from the deposit, a transaction that a
 *   laundering detector flagged at confidence ≥ 0.9 (peel chain, structuring, fan-out/in, rapid movement) — the
 *   coins were being layered just before they left the chain. (Mixer withdrawals are not counted: on the simulated
 *   economy, where ordinary users mix too, they added 291 false signals and no true one; a mixer is labelled, so
 *   screening already reports that exposure.)
 * - +0.2 `large_for_service`: the amount is at or above the 99th percentile of the deposits into that service in
 *   the loaded chain (needs ≥ `minDepositsForPercentile` (20) deposits), an unusually large conversion;
 * - capped at 0.95. A memo hop is 0.8 with one signal and reaches ≥ 0.9 only with both, independent, signals.
 * A chain hop is a conversion, not by itself laundering: its risk is the taint of what is converted.
 * @module
 */
import { isCoinbase, type UtxoGraph } from '../graph/UtxoGraph.js'
import type { Alert, Labels } from './Alert.js'
import { endsSince, makeAlert } from './graphUtil.js'
import { parseSwapMemo, type SwapMemo } from './parseSwapMemo.js'

/** OP_RETURN payloads of a transaction (UTF-8 decoded), by graph tx index. */
export type MemoLookup = (t: number) => readonly string[] | undefined

const hopCategories = new Set(['bridge', 'swap'])

export type ChainHopParams = {
  upstreamHops: number
  minDepositsForPercentile: number
  largePercentile: number
}

export const defaultChainHopParams: ChainHopParams = {
  upstreamHops: 4,
  minDepositsForPercentile: 20,
  largePercentile: 0.99,
}

/** Laundering evidence upstream: tx index → the kind of the high-confidence alert on it (see runDetectors). */
export type UpstreamFlags = ReadonlyMap<number, string>

/**
 * The labelled hop service paid by tx `t` (one entity), its amount and addresses; `'own'` when that service pays
 * out of its own inputs (moving its coins: not a hop, even with a memo); null when no hop service is paid.
 */
function paidService(g: UtxoGraph, labels: Labels, t: number) {
  let entity: string | null = null
  let category: string | null = null
  let amount = 0
  const addrs: number[] = []
  for (let o = g.txOutStart[t]!; o < g.txOutStart[t + 1]!; o++) {
    const l = labels.get(g.outAddr[o]!)
    if (!l || !hopCategories.has(l.category) || (entity !== null && l.entity !== entity)) continue
    entity = l.entity
    category = l.category
    amount += g.outValue[o]!
    addrs.push(g.outAddr[o]!)
  }
  if (entity === null) return null
  // the service moving its own coins is not a hop
  for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++)
    if (labels.get(g.inAddr[i]!)?.entity === entity) return 'own'
  return { entity, category, amount, addrs }
}

/** The nearest flagged transaction within `maxHops` back from tx `t` (breadth first), or null. */
function nearestUpstream(g: UtxoGraph, t: number, flags: UpstreamFlags, maxHops: number) {
  if (flags.size === 0) return null
  let frontier = [t]
  const seen = new Set<number>(frontier)
  for (let hop = 1; hop <= maxHops && frontier.length > 0; hop++) {
    const next: number[] = []
    for (const u of frontier) {
      for (let i = g.txInStart[u]!; i < g.txInStart[u + 1]!; i++) {
        const o = g.inPrevOut[i]!
        if (o < 0) continue
        const p = g.outTx[o]!
        if (seen.has(p)) continue
        seen.add(p)
        const kind = flags.get(p)
        if (kind !== undefined) return { tx: p, kind, hops: hop }
        next.push(p)
      }
    }
    frontier = next.length > 1000 ? next.slice(0, 1000) : next
  }
  return null
}

export function detectChainHops(
  g: UtxoGraph,
  labels: Labels,
  memos: MemoLookup = () => undefined,
  since?: number,
  upstream: UpstreamFlags = new Map(),
  params: Partial<ChainHopParams> = {},
): Alert[] {
  const p = { ...defaultChainHopParams, ...params }
  // deposits (kept for the alerts below) and their amounts per service over the whole loaded chain (the reference
  // for "large")
  const paid = new Map<number, Exclude<ReturnType<typeof paidService>, 'own' | null>>()
  const own = new Set<number>()
  const amounts = new Map<string, number[]>()
  for (let t = 0; t < g.txCount; t++) {
    if (isCoinbase(g, t)) continue
    const d = paidService(g, labels, t)
    if (d === 'own') own.add(t)
    if (d === null || d === 'own') continue
    paid.set(t, d)
    const list = amounts.get(d.entity)
    if (list) list.push(d.amount)
    else amounts.set(d.entity, [d.amount])
  }
  const largeFrom = new Map<string, number>()
  for (const [e, list] of amounts) {
    if (list.length < p.minDepositsForPercentile) continue
    list.sort((a, b) => a - b)
    largeFrom.set(e, list[Math.min(list.length - 1, Math.floor(p.largePercentile * list.length))]!)
  }
  const alerts: Alert[] = []
  for (let t = 0; t < g.txCount; t++) {
    if (isCoinbase(g, t) || !endsSince(g, t, since)) continue
    let memo: SwapMemo | null = null
    for (const s of memos(t) ?? []) {
      memo = parseSwapMemo(s)
      if (memo) break
    }
    const d = paid.get(t) ?? null
    if ((d === null && memo === null) || own.has(t)) continue
    const entity = d?.entity ?? null
    let amount = d?.amount ?? 0
    const addrs = d ? [...d.addrs] : []
    if (entity === null) {
      // memo only: the largest non-change-looking output is the vault
      let best = -1
      for (let o = g.txOutStart[t]!; o < g.txOutStart[t + 1]!; o++) {
        if (g.outAddr[o]! >= 0 && (best < 0 || g.outValue[o]! > g.outValue[best]!)) best = o
      }
      if (best >= 0) {
        addrs.push(g.outAddr[best]!)
        amount = g.outValue[best]!
      }
    }
    const code = entity === null ? 'chainhop.memo_unlabelled' : memo ? 'chainhop.memo' : 'chainhop.deposit'
    const signals: string[] = []
    const up = nearestUpstream(g, t, upstream, p.upstreamHops)
    if (up) signals.push('laundering_upstream')
    const large = entity === null ? undefined : largeFrom.get(entity)
    if (large !== undefined && amount >= large) signals.push('large_for_service')
    const conf = Math.min(0.95, (entity === null ? 0.4 : memo ? 0.6 : 0.5) + 0.2 * signals.length)
    const senders: number[] = []
    for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) senders.push(g.inAddr[i]!)
    alerts.push(
      makeAlert(g, 'chain_hop', code, [t], [...addrs, ...senders], conf, {
        service: entity,
        category: d?.category ?? null,
        amount,
        destinationChain: memo?.chain ?? null,
        destinationAsset: memo?.asset ?? null,
        destinationAddress: memo?.destination || null,
        memo: memo?.memo ?? null,
        signals,
        upstream: up ? { txid: g.names.txid(up.tx), kind: up.kind, hops: up.hops } : null,
        largeFrom: large ?? null,
        rule: p,
      }),
    )
  }
  return alerts
}

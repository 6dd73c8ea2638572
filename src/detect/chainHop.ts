/**
 * Chain-hop detector (heuristics.md §5.11): deposits into bridges and swap services, each a *conversion edge*
 * `(BTC, amount, from) → (destination chain, asset, destination address)`, named from the swap memo when the
 * deposit carries one (THORChain `SWAP:ASSET:DEST:LIM` / `=:ASSET:DEST:…` in an OP_RETURN).
 *
 * - `chainhop.memo`: pays a `bridge`/`swap`-labelled address and carries a parseable swap memo — confidence 0.95;
 * - `chainhop.deposit`: pays a `bridge`/`swap`-labelled address without a parseable memo — confidence 0.7
 *   (destination unknown);
 * - `chainhop.memo_unlabelled`: carries a swap memo but pays no labelled address (THORChain vaults rotate;
 *   the memo alone names the hop) — confidence 0.6.
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

export function detectChainHops(
  g: UtxoGraph,
  labels: Labels,
  memos: MemoLookup = () => undefined,
  since?: number,
): Alert[] {
  const alerts: Alert[] = []
  for (let t = 0; t < g.txCount; t++) {
    if (isCoinbase(g, t) || !endsSince(g, t, since)) continue
    let memo: SwapMemo | null = null
    for (const s of memos(t) ?? []) {
      memo = parseSwapMemo(s)
      if (memo) break
    }
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
    if (entity !== null) {
      // the service moving its own coins is not a hop
      let own = false
      for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]! && !own; i++)
        own = labels.get(g.inAddr[i]!)?.entity === entity
      if (own) continue
    }
    if (entity === null && memo === null) continue
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
    const conf = entity === null ? 0.6 : memo ? 0.95 : 0.7
    const senders: number[] = []
    for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) senders.push(g.inAddr[i]!)
    alerts.push(
      makeAlert(g, 'chain_hop', code, [t], [...addrs, ...senders], conf, {
        service: entity,
        category,
        amount,
        destinationChain: memo?.chain ?? null,
        destinationAsset: memo?.asset ?? null,
        destinationAddress: memo?.destination || null,
        memo: memo?.memo ?? null,
      }),
    )
  }
  return alerts
}

/**
 * Multiple airdrop participation (Victor 2020; heuristics.md §3.2). An airdrop is a source that sends the same
 * token amount to ≥ `minRecipients` (1000) recipients with a median block gap ≤ `maxMedianGap` (2) between
 * consecutive sends. An address that receives exactly that amount from ≥ `minAggregations` (2) distinct
 * recipients of the airdrop is clustered with them (edges recipient → aggregator).
 * @module
 */
import type { AccountEvidence, AccountTransfer } from './types.js'

export type AirdropParams = { minRecipients?: number; maxMedianGap?: number; minAggregations?: number }

export function airdropParticipation(
  transfers: readonly AccountTransfer[],
  o: AirdropParams & { isContract?: (a: string) => boolean } = {},
): AccountEvidence[] {
  const minR = o.minRecipients ?? 1000
  const maxGap = o.maxMedianGap ?? 2
  const minAgg = o.minAggregations ?? 2
  const bySig = new Map<string, AccountTransfer[]>()
  for (const t of transfers) {
    if (t.asset === 'ETH') continue
    const k = `${t.chain}|${t.asset}|${t.from}|${t.value}`
    const a = bySig.get(k)
    if (a) a.push(t)
    else bySig.set(k, [t])
  }
  const out: AccountEvidence[] = []
  for (const [sig, sends] of bySig) {
    const recipients = new Set(sends.map((s) => s.to))
    if (recipients.size < minR) continue
    const blocks = sends.map((s) => s.block).sort((a, b) => a - b)
    const gaps = blocks
      .slice(1)
      .map((b, i) => b - blocks[i]!)
      .sort((a, b) => a - b)
    const median = gaps.length ? gaps[Math.floor((gaps.length - 1) / 2)]! : 0
    if (median > maxGap) continue
    const [chain, asset, source, value] = sig.split('|') as [string, string, string, string]
    // aggregators: receive exactly the airdrop amount of the same token from ≥ minAgg distinct recipients
    const agg = new Map<string, AccountTransfer[]>()
    for (const t of transfers)
      if (
        t.chain === chain &&
        t.asset === asset &&
        t.value.toString() === value &&
        recipients.has(t.from) &&
        t.to !== source
      ) {
        if (o.isContract?.(t.to)) continue
        const a = agg.get(t.to)
        if (a) a.push(t)
        else agg.set(t.to, [t])
      }
    for (const [aggregator, ts] of agg) {
      const from = new Set(ts.map((t) => t.from))
      if (from.size < minAgg) continue
      for (const r of from)
        out.push({
          seq: out.length,
          heuristic: 'airdrop-multi-participation',
          addrA: r,
          addrB: aggregator,
          confidence: 0.7,
          status: 'applied',
          txids: ts.filter((t) => t.from === r).map((t) => t.txHash),
          params: {
            token: asset,
            amount: value,
            source,
            recipients: recipients.size,
            medianGap: median,
            minRecipients: minR,
            minAggregations: minAgg,
          },
          algorithmVersion: 1,
        })
    }
  }
  return out
}

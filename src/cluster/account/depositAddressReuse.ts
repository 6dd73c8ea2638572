/**
 * Exchange deposit-address reuse (Victor, FC 2020; heuristics.md §3.1). A triplet (u, d, x) is accepted when x
 * is a known exchange address, u is not a miner, d is not a known entity (exchange, contract, pool, miner),
 * u → d of v1 at block b1 and d → x of v2 at b2 (same asset) with 0 ≤ b2 − b1 ≤ t_max and 0 ≤ v1 − v2 ≤ a_max.
 * u and d are linked; clusters are the connected components with exchange nodes removed. Each link carries
 * Tutela's per-deposit confidence κ = 1 − [½·|a_f − a_r|/α + ½·(t_f − t_r)/τ] (α = a_max, τ = t_max).
 * @module
 */
import type { AccountEvidence, AccountTransfer } from './types.js'

export type DarParams = {
  /** Maximum value lost between deposit and forward, base units (default 0.01 ETH = 1e16 wei). */
  aMax?: bigint
  /** Maximum block gap (default 3200, Tutela citing Victor; etherclust's demo uses 10000). */
  tMax?: number
}

/** Tutela's κ for one deposit: received `ar` at block `tr`, forwarded `af` at block `tf`. */
export function darConfidence(ar: bigint, af: bigint, tr: number, tf: number, alpha: bigint, tau: number): number {
  const diff = ar > af ? ar - af : af - ar
  return 1 - (0.5 * Number(diff)) / Number(alpha) - (0.5 * (tf - tr)) / tau
}

export function depositAddressReuse(
  transfers: readonly AccountTransfer[],
  o: {
    isExchange: (a: string) => boolean
    /** Contracts, pools, miners and other known entities that cannot be deposit addresses. */
    isKnownEntity?: (a: string) => boolean
    isMiner?: (a: string) => boolean
  } & DarParams,
): AccountEvidence[] {
  const aMax = o.aMax ?? 10n ** 16n
  const tMax = o.tMax ?? 3200
  const inflows = new Map<string, AccountTransfer[]>()
  for (const t of transfers) {
    if (o.isExchange(t.to) || o.isExchange(t.from)) continue
    const k = `${t.chain}:${t.asset}:${t.to}`
    const a = inflows.get(k)
    if (a) a.push(t)
    else inflows.set(k, [t])
  }
  const out: AccountEvidence[] = []
  for (const f of transfers) {
    const d = f.from
    if (!o.isExchange(f.to) || o.isExchange(d) || o.isKnownEntity?.(d) || o.isMiner?.(d)) continue
    for (const r of inflows.get(`${f.chain}:${f.asset}:${d}`) ?? []) {
      const u = r.from
      if (u === d || o.isMiner?.(u) || o.isKnownEntity?.(u)) continue
      const db = f.block - r.block
      const dv = r.value - f.value
      if (db < 0 || db > tMax || dv < 0n || dv > aMax) continue
      out.push({
        seq: out.length,
        heuristic: 'deposit-address-reuse',
        addrA: u,
        addrB: d,
        confidence: darConfidence(r.value, f.value, r.block, f.block, aMax, tMax),
        status: 'applied',
        txids: [r.txHash, f.txHash],
        params: { aMax: aMax.toString(), tMax, exchange: f.to, asset: f.asset },
        algorithmVersion: 1,
      })
    }
  }
  return out
}

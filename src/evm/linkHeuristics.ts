/**
 * Heuristic links across pooling contracts, derived from decoded protocol events (heuristics.md §5.10–5.11).
 *
 * Mixer (Tornado-style) withdrawals are linked to deposits only by the published heuristics (Tutela
 * whitepaper §6; Wang et al., WWW 2023), each link marked with the rules that fired and a confidence:
 * - H1 address match: the depositor is the withdrawal's recipient (same pool, deposit first) — 0.95;
 * - H2 unique gas price: deposit and withdrawal transactions share a gas price no other pool transaction
 *   uses; relayer-submitted withdrawals are excluded — 0.9;
 * - H3 linked addresses: depositor and recipient exchanged ≥ 3 direct ETH transfers outside the pools —
 *   min(0.9, 0.5 + 0.1·n);
 * - H4 multi-denomination: an address's withdrawal portfolio (count per pool) equals another address's deposit
 *   portfolio, ≥ 3 transactions over ≥ 2 pools, deposits within 24 h and withdrawals within 24 h — 0.7.
 * The confidences are ours (ordinal, for ranking); the papers publish rules, not probabilities.
 *
 * Bridge deposits name their destination (THORChain memo, Polygon `LockedEther` receiver). When the
 * destination chain is in the store, the first transfer to the destination address on that chain within
 * `bridgeWindowSec` after the deposit is linked (address + time, as Yan et al. 2025 match Polygon bridges) —
 * 0.8; otherwise the hop is reported as an endpoint with its destination.
 * @module
 */

export type MixerDeposit = { row: number; pool: string; depositor: string; time: number; gasPrice: bigint; tx: string }
export type MixerWithdrawal = {
  row: number
  pool: string
  to: string
  relayer: string
  submitter: string
  time: number
  gasPrice: bigint
  tx: string
}

export type HeuristicLink = {
  from: number
  to: number
  kind: 'mixer' | 'bridge'
  confidence: number
  rules: string[]
  evidence: Record<string, unknown>
}

export type MixerLinkOptions = {
  /** Direct ETH transfers between two addresses outside the pools: key `a|b` (sorted) → count. */
  directTransfers?: ReadonlyMap<string, number>
  h3MinTransfers?: number
  h4WindowSec?: number
}

export const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`)

export function linkMixerWithdrawals(
  deposits: readonly MixerDeposit[],
  withdrawals: readonly MixerWithdrawal[],
  o: MixerLinkOptions = {},
): HeuristicLink[] {
  const best = new Map<number, HeuristicLink>()
  const add = (d: MixerDeposit, w: MixerWithdrawal, rule: string, confidence: number, ev: Record<string, unknown>) => {
    if (d.pool !== w.pool || d.time > w.time) return
    const cur = best.get(w.row)
    if (cur && cur.from === d.row) {
      if (!cur.rules.includes(rule)) cur.rules.push(rule)
      cur.confidence = Math.max(cur.confidence, confidence)
      Object.assign(cur.evidence, ev)
      return
    }
    if (cur && cur.confidence >= confidence) return
    best.set(w.row, {
      from: d.row,
      to: w.row,
      kind: 'mixer',
      confidence,
      rules: [rule],
      evidence: { pool: d.pool, depositTx: d.tx, withdrawalTx: w.tx, ...ev },
    })
  }
  // H1
  for (const w of withdrawals)
    for (const d of deposits) if (d.depositor === w.to) add(d, w, 'H1-address-match', 0.95, {})
  // H2
  const priceCount = new Map<bigint, number>()
  for (const x of [...deposits, ...withdrawals]) priceCount.set(x.gasPrice, (priceCount.get(x.gasPrice) ?? 0) + 1)
  for (const w of withdrawals) {
    if (w.submitter !== w.to) continue // relayer-submitted
    for (const d of deposits)
      if (d.gasPrice === w.gasPrice && priceCount.get(d.gasPrice) === 2)
        add(d, w, 'H2-unique-gas-price', 0.9, { gasPrice: d.gasPrice.toString() })
  }
  // H3
  const minN = o.h3MinTransfers ?? 3
  if (o.directTransfers)
    for (const w of withdrawals)
      for (const d of deposits) {
        if (d.depositor === w.to) continue
        const n = o.directTransfers.get(pairKey(d.depositor, w.to)) ?? 0
        if (n >= minN) add(d, w, 'H3-linked-addresses', Math.min(0.9, 0.5 + 0.1 * n), { directTransfers: n })
      }
  // H4
  const win = o.h4WindowSec ?? 86_400
  const byDepositor = groupBy(deposits, (d) => d.depositor)
  const byRecipient = groupBy(withdrawals, (w) => w.to)
  const portfolio = (xs: { pool: string }[]) => {
    const m = new Map<string, number>()
    for (const x of xs) m.set(x.pool, (m.get(x.pool) ?? 0) + 1)
    return [...m]
      .sort()
      .map(([p, c]) => `${p}:${c}`)
      .join(',')
  }
  const span = (xs: { time: number }[]) => Math.max(...xs.map((x) => x.time)) - Math.min(...xs.map((x) => x.time))
  for (const [dep, ds] of byDepositor) {
    if (ds.length < 3 || new Set(ds.map((d) => d.pool)).size < 2 || span(ds) > win) continue
    const pd = portfolio(ds)
    for (const [rcp, ws] of byRecipient) {
      if (rcp === dep || ws.length !== ds.length || span(ws) > win || portfolio(ws) !== pd) continue
      const left = [...ds].sort((a, b) => a.time - b.time)
      for (const w of [...ws].sort((a, b) => a.time - b.time)) {
        const i = left.findIndex((d) => d.pool === w.pool && d.time <= w.time)
        if (i < 0) continue
        add(left[i]!, w, 'H4-multi-denomination', 0.7, { portfolio: pd })
        left.splice(i, 1)
      }
    }
  }
  return [...best.values()]
}

function groupBy<T>(xs: readonly T[], k: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>()
  for (const x of xs) {
    const key = k(x)
    const a = m.get(key)
    if (a) a.push(x)
    else m.set(key, [x])
  }
  return m
}

export type BridgeDeposit = {
  row: number
  chain: string
  time: number
  destChain: string | null
  destAddress: string | null
  memo: string | null
  protocol: string
  tx: string
}
export type Candidate = { row: number; chain: string; to: string; time: number }

/** Link bridge deposits to the first transfer to their destination on the destination chain. */
export function linkBridgeDeposits(
  deposits: readonly BridgeDeposit[],
  rows: readonly Candidate[],
  windowSec = 3 * 86_400,
): HeuristicLink[] {
  const byDest = groupBy(rows, (r) => `${r.chain}:${r.to}`)
  const out: HeuristicLink[] = []
  const used = new Set<number>()
  for (const d of deposits) {
    if (!d.destChain || !d.destAddress || d.destChain === d.chain) continue
    const c = (byDest.get(`${d.destChain}:${d.destAddress}`) ?? [])
      .filter((r) => r.time >= d.time && r.time <= d.time + windowSec && !used.has(r.row))
      .sort((a, b) => a.time - b.time)[0]
    if (!c) continue
    used.add(c.row)
    out.push({
      from: d.row,
      to: c.row,
      kind: 'bridge',
      confidence: 0.8,
      rules: ['destination-address+time'],
      evidence: {
        protocol: d.protocol,
        memo: d.memo,
        depositTx: d.tx,
        destChain: d.destChain,
        destAddress: d.destAddress,
        windowSec,
      },
    })
  }
  return out
}

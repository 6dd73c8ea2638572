/**
 * Load the account-model transfer set from the store's evm_* tables: transfers, gas fees (one fee row per
 * transaction, placed by the fee convention), pools, links and the asset registry.
 * @module
 */
import { NotSyncedError } from '../../core/errors.js'
import {
  type BridgeDeposit,
  linkBridgeDeposits,
  linkMixerWithdrawals,
  type MixerDeposit,
  type MixerWithdrawal,
  pairKey,
} from '../../evm/linkHeuristics.js'
import { ensureEvmSchema } from '../../store/evmSchema.js'
import type { HoundStore } from '../../store/HoundStore.js'
import {
  type AccountTransferSet,
  type AssetInfo,
  type BridgeDestination,
  buildAccountTransferSet,
  type FeeConvention,
  type LinkKind,
  type LinkRow,
  type PoolRole,
  type TransferRow,
  transferKinds,
} from './AccountTransferSet.js'

export async function loadAccountTransferSet(
  store: HoundStore,
  opts: { fee?: FeeConvention; chains?: readonly string[] } = {},
): Promise<AccountTransferSet> {
  await ensureEvmSchema(store)
  const where = opts.chains?.length
    ? `WHERE chain IN (${opts.chains.map((c) => `'${c.replace(/'/g, '')}'`).join(',')})`
    : ''
  const t = await store.columns(
    `SELECT chain, tx_hash, block, time, tx_index, sub_index, kind, from_addr, to_addr, asset, value
     FROM evm_transfers ${where}`,
  )
  const n = (t.chain ?? []).length
  const rows: TransferRow[] = new Array(n)
  const key = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const r: TransferRow = {
      chain: t.chain![i] as string,
      txHash: t.tx_hash![i] as string,
      block: Number(t.block![i]),
      time: Number(t.time![i]),
      txIndex: Number(t.tx_index![i]),
      subIndex: Number(t.sub_index![i]),
      from: (t.from_addr![i] as string | null) ?? null,
      to: (t.to_addr![i] as string | null) ?? null,
      asset: t.asset![i] as string,
      value: BigInt(t.value![i] as string),
      kind: transferKinds[Number(t.kind![i])] ?? 'tx',
    }
    rows[i] = r
    key.set(`${r.chain}:${r.txHash}:${r.subIndex}`, i)
  }
  if (opts.fee !== 'ignore') {
    const f = await store.columns(
      `SELECT chain, hash, block, time, tx_index, from_addr, fee FROM evm_txs ${where ? `${where} AND` : 'WHERE'} fee <> '0'`,
    )
    for (let i = 0; i < (f.chain ?? []).length; i++) {
      rows.push({
        chain: f.chain![i] as string,
        txHash: f.hash![i] as string,
        block: Number(f.block![i]),
        time: Number(f.time![i]),
        txIndex: Number(f.tx_index![i]),
        subIndex: -1,
        from: f.from_addr![i] as string,
        to: null,
        asset: 'ETH',
        value: BigInt(f.fee![i] as string),
        kind: 'fee',
      })
    }
  }
  if (rows.length === 0)
    throw new NotSyncedError('no EVM transfers in the store: run `hound ingest evm` or `hound ingest transfers`')
  const links: LinkRow[] = []
  const bridgeDestinations = new Map<number, BridgeDestination>()
  for (const l of await store.all<{
    chain_from: string
    tx_from: string
    sub_from: bigint
    chain_to: string
    tx_to: string
    sub_to: bigint
    kind: string
    confidence: number
  }>('SELECT chain_from, tx_from, sub_from, chain_to, tx_to, sub_to, kind, confidence FROM evm_links')) {
    const from = key.get(`${l.chain_from}:${l.tx_from}:${l.sub_from}`)
    const to = key.get(`${l.chain_to}:${l.tx_to}:${l.sub_to}`)
    if (from !== undefined && to !== undefined)
      links.push({ from, to, kind: l.kind as LinkKind, confidence: l.confidence })
  }
  links.push(...(await heuristicLinks(store, rows, bridgeDestinations)))
  const pools = new Map<string, PoolRole>()
  for (const p of await store.all<{ address: string; role: string }>('SELECT address, role FROM evm_pools'))
    pools.set(p.address, p.role as PoolRole)
  const assetInfo = new Map<string, AssetInfo>()
  for (const a of await store.all<{
    chain: string
    asset: string
    symbol: string | null
    decimals: number | null
    verified: boolean
  }>('SELECT chain, asset, symbol, decimals, verified FROM evm_assets'))
    assetInfo.set(`${a.chain}:${a.asset}`, {
      chain: a.chain,
      asset: a.asset,
      symbol: a.symbol ?? undefined,
      decimals: a.decimals ?? undefined,
      unverified: !a.verified,
    })
  return buildAccountTransferSet(rows, { fee: opts.fee ?? 'last', links, pools, assetInfo, bridgeDestinations })
}

/**
 * Mixer and bridge links derived from the stored protocol events (src/evm/linkHeuristics.ts), recomputed at
 * load so they always match the store's current content.
 */
async function heuristicLinks(
  store: HoundStore,
  rows: readonly TransferRow[],
  bridgeDestinations: Map<number, BridgeDestination>,
): Promise<LinkRow[]> {
  const ev = await store.all<{ chain: string; tx_hash: string; kind: string; contract: string; data: string }>(
    "SELECT chain, tx_hash, kind, contract, data FROM evm_events WHERE kind IN ('mixer-deposit', 'mixer-withdrawal', 'bridge-deposit') ORDER BY chain, block, log_index",
  )
  if (ev.length === 0) return []
  const byTx = new Map<string, number[]>()
  rows.forEach((r, i) => {
    if (r.kind === 'fee') return
    const k = `${r.chain}:${r.txHash}`
    const a = byTx.get(k)
    if (a) a.push(i)
    else byTx.set(k, [i])
  })
  const txInfo = new Map<string, { from: string; gasPrice: bigint }>()
  for (const t of await store.all<{ chain: string; hash: string; from_addr: string; gas_price: string }>(
    `SELECT chain, hash, from_addr, gas_price FROM evm_txs WHERE hash IN (SELECT tx_hash FROM evm_events WHERE kind IN ('mixer-deposit', 'mixer-withdrawal'))`,
  ))
    txInfo.set(`${t.chain}:${t.hash}`, { from: t.from_addr, gasPrice: BigInt(t.gas_price) })
  const deposits: MixerDeposit[] = []
  const withdrawals: MixerWithdrawal[] = []
  const bridges: BridgeDeposit[] = []
  const poolAddrs = new Set<string>()
  for (const e of ev) {
    const d = JSON.parse(e.data) as Record<string, string | null>
    const k = `${e.chain}:${e.tx_hash}`
    const idx = byTx.get(k) ?? []
    const info = txInfo.get(k)
    poolAddrs.add(e.contract)
    if (e.kind === 'mixer-deposit') {
      const row = idx.filter((i) => rows[i]!.to === e.contract && rows[i]!.asset === 'ETH').pop()
      if (row !== undefined && info)
        deposits.push({
          row,
          pool: e.contract,
          depositor: info.from,
          time: rows[row]!.time,
          gasPrice: info.gasPrice,
          tx: e.tx_hash,
        })
    } else if (e.kind === 'mixer-withdrawal') {
      const to = String(d.to)
      const row = idx.find((i) => rows[i]!.from === e.contract && rows[i]!.to === to)
      if (row !== undefined && info)
        withdrawals.push({
          row,
          pool: e.contract,
          to,
          relayer: String(d.relayer),
          submitter: info.from,
          time: rows[row]!.time,
          gasPrice: info.gasPrice,
          tx: e.tx_hash,
        })
    } else {
      const cands = idx.filter((i) => rows[i]!.to === e.contract)
      const row = cands.sort((a, b) => (rows[b]!.value > rows[a]!.value ? 1 : -1))[0]
      if (row === undefined) continue
      bridgeDestinations.set(row, {
        protocol: String(d.protocol),
        chain: d.destChain ?? null,
        address: d.destAddress ?? null,
        memo: d.memo ?? null,
      })
      bridges.push({
        row,
        chain: e.chain,
        time: rows[row]!.time,
        destChain: d.destChain ?? null,
        destAddress: d.destAddress ?? null,
        memo: d.memo ?? null,
        protocol: String(d.protocol),
        tx: e.tx_hash,
      })
    }
  }
  // H3 input: direct ETH transfers between candidate (depositor, recipient) pairs, outside the pools
  const wanted = new Set<string>()
  for (const d of deposits)
    for (const w of withdrawals) if (d.depositor !== w.to) wanted.add(pairKey(d.depositor, w.to))
  const direct = new Map<string, number>()
  if (wanted.size > 0)
    for (const r of rows) {
      if (r.asset !== 'ETH' || !r.from || !r.to || poolAddrs.has(r.from) || poolAddrs.has(r.to)) continue
      const k = pairKey(r.from, r.to)
      if (wanted.has(k)) direct.set(k, (direct.get(k) ?? 0) + 1)
    }
  const out: LinkRow[] = []
  for (const l of [
    ...linkMixerWithdrawals(deposits, withdrawals, { directTransfers: direct }),
    ...linkBridgeDeposits(
      bridges,
      rows.map((r, i) => ({ row: i, chain: r.chain, to: r.to ?? '', time: r.time })).filter((c) => c.to !== ''),
    ),
  ])
    out.push({ from: l.from, to: l.to, kind: l.kind, confidence: l.confidence, rules: l.rules, evidence: l.evidence })
  return out
}

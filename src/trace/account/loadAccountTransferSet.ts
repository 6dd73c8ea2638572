/**
 * Load the account-model transfer set from the store's evm_* tables: transfers, gas fees (one fee row per
 * transaction, placed by the fee convention), pools, links and the asset registry.
 * @module
 */
import { NotSyncedError } from '../../core/errors.js'
import { ensureEvmSchema } from '../../store/evmSchema.js'
import type { HoundStore } from '../../store/HoundStore.js'
import {
  type AccountTransferSet,
  type AssetInfo,
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
  return buildAccountTransferSet(rows, { fee: opts.fee ?? 'last', links, pools, assetInfo })
}

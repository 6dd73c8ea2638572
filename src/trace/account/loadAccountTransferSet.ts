/**
 * Load the account-model transfer set from the store's evm_* tables: transfers, gas fees (one fee row per
 * transaction, placed by the fee convention), pools, links and the asset registry.
 * @module
 */
import type { DuckDBDataChunk } from '@duckdb/node-api'
import { InvalidInputError, NotSyncedError } from '../../core/errors.js'
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
  type AccountTransferColumns,
  type AccountTransferSet,
  type AssetInfo,
  type FeeConvention,
  KIND_FEE,
  type LinkKind,
  type LinkRow,
  linkKinds,
  type PoolRole,
  withLedgers,
} from './AccountTransferSet.js'
import { txHashAccess } from './txHashColumns.js'

type Items = { readonly length: number; readonly [i: number]: number }
type Vec = { items?: ArrayLike<number> | BigUint64Array; getItem(i: number): unknown }
const vec = (c: DuckDBDataChunk, j: number) => c.getColumnVector(j) as unknown as Vec
const nums = (c: DuckDBDataChunk, j: number): Items => vec(c, j).items as unknown as Items
const words = (c: DuckDBDataChunk, j: number): BigUint64Array => vec(c, j).items as BigUint64Array

const MASK64 = '18446744073709551615'

/**
 * The transfer set from the store, columnar: DuckDB sorts the rows canonically and numbers addresses, assets and
 * transactions densely in order of first appearance (exactly the ids `buildAccountTransferSet` gives), so this
 * process copies typed vectors and reads a string only where it first appears. Values come as two 64-bit halves
 * (no decimal parsing) unless they exceed 38 digits. Transaction hashes are kept as 4 × 64-bit words and
 * rendered as hex only when asked for (`txHashes[i]`).
 */
export async function loadAccountTransferSet(
  store: HoundStore,
  opts: { fee?: FeeConvention; chains?: readonly string[] } = {},
): Promise<AccountTransferSet> {
  // a read-only store (screen, serve) cannot run DDL, even CREATE … IF NOT EXISTS: it has the tables or fails below
  const mode = await store.one<{ m: string }>("SELECT current_setting('access_mode') AS m")
  if (mode?.m !== 'read_only') await ensureEvmSchema(store)
  const fee = opts.fee ?? 'last'
  const inChains = opts.chains?.length
    ? `chain IN (${opts.chains.map((c) => `'${c.replace(/'/g, '')}'`).join(',')})`
    : 'TRUE'
  const feeSub = fee === 'first' ? '-1' : '9223372036854775807'
  const feeRows =
    fee === 'ignore'
      ? ''
      : `UNION ALL SELECT chain, lower(hash), block, time, tx_index, ${feeSub}, 3, NULLIF(lower(from_addr), ''), NULL,
           'ETH', fee, 1, rowid FROM evm_txs WHERE ${inChains} AND fee <> '0'`
  const base = `
    WITH t AS (
      SELECT chain, lower(tx_hash) AS h, block, time, tx_index, sub_index AS sub, kind,
        NULLIF(lower(from_addr), '') AS fa, NULLIF(lower(to_addr), '') AS ta,
        CASE WHEN asset = 'ETH' THEN 'ETH' ELSE lower(asset) END AS asset, value, 0 AS src, rowid AS rid
      FROM evm_transfers WHERE ${inChains}
      ${feeRows}
    ),
    o AS MATERIALIZED (SELECT *, regexp_full_match(h, '0x[0-9a-f]{64}') AS hx,
      CASE WHEN length(value) <= 38 THEN CAST(value AS HUGEINT) END AS hv, row_number() OVER (ORDER BY time, chain, block, tx_index, sub, src, rid) - 1
      AS pos FROM t)`
  const sql = `${base},
    ad AS MATERIALIZED (SELECT addr, row_number() OVER (ORDER BY k) - 1 AS id, k FROM (
      SELECT addr, min(k) AS k FROM (SELECT fa AS addr, 2 * pos AS k FROM o UNION ALL SELECT ta, 2 * pos + 1 FROM o)
      WHERE addr IS NOT NULL GROUP BY addr)),
    tx AS MATERIALIZED (SELECT chain, h, row_number() OVER (ORDER BY k) - 1 AS id, k FROM (
      SELECT chain, h, min(pos) AS k FROM o GROUP BY chain, h)),
    ax AS (SELECT chain, asset, row_number() OVER (ORDER BY k) - 1 AS id, k FROM (
      SELECT chain, asset, min(pos) AS k FROM o GROUP BY chain, asset))
    SELECT
      CAST(coalesce(f.id, -1) AS INTEGER) AS fid, CAST(coalesce(r.id, -1) AS INTEGER) AS tid,
      CAST(ax.id AS INTEGER) AS aid, CAST(tx.id AS INTEGER) AS xid, CAST(o.kind AS UTINYINT) AS kind,
      CAST(o.time AS DOUBLE) AS time, CAST(o.block AS DOUBLE) AS block,
      CAST(coalesce(o.hv & ${MASK64}, 0) AS UBIGINT) AS vlo,
      CAST(coalesce(o.hv >> 64, 0) AS UBIGINT) AS vhi,
      CASE WHEN o.hv IS NULL THEN o.value END AS vbig,
      CASE WHEN f.k = 2 * o.pos THEN o.fa END AS fnew,
      CASE WHEN r.k = 2 * o.pos + 1 THEN o.ta END AS tnew,
      CASE WHEN tx.k = o.pos AND NOT o.hx THEN o.h END AS hstr,
      CASE WHEN tx.k = o.pos AND o.hx THEN 1 ELSE 0 END AS hnew,
      CASE WHEN tx.k = o.pos AND o.hx THEN CAST('0x' || substr(o.h, 3, 16) AS UBIGINT) ELSE CAST(0 AS UBIGINT) END AS w0,
      CASE WHEN tx.k = o.pos AND o.hx THEN CAST('0x' || substr(o.h, 19, 16) AS UBIGINT) ELSE CAST(0 AS UBIGINT) END AS w1,
      CASE WHEN tx.k = o.pos AND o.hx THEN CAST('0x' || substr(o.h, 35, 16) AS UBIGINT) ELSE CAST(0 AS UBIGINT) END AS w2,
      CASE WHEN tx.k = o.pos AND o.hx THEN CAST('0x' || substr(o.h, 51, 16) AS UBIGINT) ELSE CAST(0 AS UBIGINT) END AS w3,
      CASE WHEN ax.k = o.pos THEN o.chain END AS achain, CASE WHEN ax.k = o.pos THEN o.asset END AS aname
    FROM o
    LEFT JOIN ad f ON f.addr = o.fa
    LEFT JOIN ad r ON r.addr = o.ta
    JOIN tx ON tx.chain = o.chain AND tx.h = o.h
    JOIN ax ON ax.chain = o.chain AND ax.asset = o.asset
    ORDER BY o.pos`
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

  // growable columns (the row count is known only at the end of the stream)
  let cap = 1 << 16
  let from = new Int32Array(cap)
  let to = new Int32Array(cap)
  let asset = new Int32Array(cap)
  let tx = new Int32Array(cap)
  let kind = new Uint8Array(cap)
  let time = new Float64Array(cap)
  let block = new Float64Array(cap)
  let hw = new BigUint64Array(4 * cap)
  const value: bigint[] = []
  const addresses: string[] = []
  const assets: AssetInfo[] = []
  const hstr = new Map<number, string>()
  let n = 0
  let nTx = 0
  const grow = () => {
    cap *= 2
    const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T, C: new (k: number) => T): T => {
      const b = new C(cap)
      b.set(a)
      return b
    }
    from = g(from, Int32Array)
    to = g(to, Int32Array)
    asset = g(asset, Int32Array)
    tx = g(tx, Int32Array)
    kind = g(kind, Uint8Array)
    time = g(time, Float64Array)
    block = g(block, Float64Array)
    const h2 = new BigUint64Array(4 * cap)
    h2.set(hw)
    hw = h2
  }
  for await (const c of store.rawChunks(sql)) {
    const m = c.rowCount
    while (n + m > cap) grow()
    from.set((nums(c, 0) as unknown as Int32Array).subarray(0, m), n)
    to.set((nums(c, 1) as unknown as Int32Array).subarray(0, m), n)
    asset.set((nums(c, 2) as unknown as Int32Array).subarray(0, m), n)
    tx.set((nums(c, 3) as unknown as Int32Array).subarray(0, m), n)
    kind.set((nums(c, 4) as unknown as Uint8Array).subarray(0, m), n)
    time.set((nums(c, 5) as unknown as Float64Array).subarray(0, m), n)
    block.set((nums(c, 6) as unknown as Float64Array).subarray(0, m), n)
    const lo = words(c, 7)
    const hi = words(c, 8)
    const big = vec(c, 9)
    const fnew = vec(c, 10)
    const tnew = vec(c, 11)
    const hs = vec(c, 12)
    const hnew = nums(c, 13)
    const w = [words(c, 14), words(c, 15), words(c, 16), words(c, 17)]
    const achain = vec(c, 18)
    const aname = vec(c, 19)
    for (let k = 0; k < m; k++) {
      const h = hi[k]!
      value.push(h === 0n ? lo[k]! : (h << 64n) | lo[k]!)
      const p = n + k
      if (from[p] === addresses.length) addresses.push(fnew.getItem(k) as string)
      if (to[p] === addresses.length) addresses.push(tnew.getItem(k) as string)
      if (tx[p] === nTx) {
        if (hnew[k] === 1) for (let q = 0; q < 4; q++) hw[4 * nTx + q] = w[q]![k]!
        else hstr.set(nTx, hs.getItem(k) as string)
        nTx++
      }
      if (asset[p] === assets.length) {
        const ch = achain.getItem(k) as string
        const nm = aname.getItem(k) as string
        assets.push(assetInfo.get(`${ch}:${nm}`) ?? { chain: ch, asset: nm })
      }
    }
    for (let k = 0; k < m; k++) {
      if (hi[k] === 0n && lo[k] === 0n) {
        const b = big.getItem(k)
        if (b !== null) value[n + k] = BigInt(b as string)
      }
    }
    n += m
  }
  if (n === 0)
    throw new NotSyncedError('no EVM transfers in the store: run `hound ingest evm` or `hound ingest transfers`')
  for (let p = 0; p < n; p++)
    if (value[p]! < 0n) throw new InvalidInputError(`negative transfer value in row ${p}`, { details: { row: p } })
  const { txHashes, txIdsOf } = txHashAccess({ n: nTx, words: hw.subarray(0, 4 * nTx), strings: hstr })
  const addressIndex = new Map<string, number>()
  for (let i = 0; i < addresses.length; i++) addressIndex.set(addresses[i]!, i)
  const pools = new Map<number, PoolRole>()
  for (const p of await store.all<{ address: string; role: string }>('SELECT address, role FROM evm_pools')) {
    const a = p.address.toLowerCase()
    let id = addressIndex.get(a)
    if (id === undefined) {
      id = addresses.length
      addresses.push(a)
      addressIndex.set(a, id)
    }
    pools.set(id, p.role as PoolRole)
  }
  const sl = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => a.slice(0, n) as T
  const cols: AccountTransferColumns = {
    n,
    from: sl(from),
    to: sl(to),
    asset: sl(asset),
    value,
    kind: sl(kind),
    tx: sl(tx),
    time: sl(time),
    block: sl(block),
    linkFrom: new Int32Array(n).fill(-1),
    linkKind: new Uint8Array(n),
    linkConfidence: new Float64Array(n),
    addresses,
    addressIndex,
    pools,
    assets,
    txHashes,
    txIdsOf,
    linkInfo: new Map(),
    bridgeDestinations: new Map(),
  }
  // links: stored (swap, by transaction hash and sub-index) and heuristic (mixer, bridge; recomputed at load)
  const links: LinkRow[] = []
  const nLinks = await store.one<{ n: bigint }>('SELECT count(*) AS n FROM evm_links')
  if (nLinks && nLinks.n > 0n) {
    // positions of the linked rows under the same canonical order as the rows above
    for (const l of await store.all<{ f: bigint; t: bigint; kind: string; confidence: number }>(
      `${base}
       SELECT fo.pos AS f, tr.pos AS t, l.kind, l.confidence FROM evm_links l
       JOIN o fo ON fo.src = 0 AND fo.chain = l.chain_from AND fo.h = lower(l.tx_from) AND fo.sub = l.sub_from
       JOIN o tr ON tr.src = 0 AND tr.chain = l.chain_to AND tr.h = lower(l.tx_to) AND tr.sub = l.sub_to`,
    ))
      links.push({ from: Number(l.f), to: Number(l.t), kind: l.kind as LinkKind, confidence: l.confidence })
  }
  links.push(...(await heuristicLinks(store, cols)))
  for (const l of links) {
    cols.linkFrom[l.to] = l.from
    cols.linkKind[l.to] = linkKinds.indexOf(l.kind)
    cols.linkConfidence[l.to] = l.confidence
    if (l.rules || l.evidence) cols.linkInfo.set(l.to, { rules: l.rules ?? [], evidence: l.evidence ?? {} })
  }
  return withLedgers(cols)
}

/**
 * Mixer and bridge links derived from the stored protocol events (src/evm/linkHeuristics.ts), recomputed at
 * load so they always match the store's current content. Works on the columns (row index = position).
 */
async function heuristicLinks(store: HoundStore, set: AccountTransferColumns): Promise<LinkRow[]> {
  const ev = await store.all<{ chain: string; tx_hash: string; kind: string; contract: string; data: string }>(
    "SELECT chain, tx_hash, kind, contract, data FROM evm_events WHERE kind IN ('mixer-deposit', 'mixer-withdrawal', 'bridge-deposit') ORDER BY chain, block, log_index",
  )
  if (ev.length === 0) return []
  const chainOf = (p: number) => set.assets[set.asset[p]!]!.chain
  const addr = (id: number) => (id >= 0 ? set.addresses[id]! : '')
  const idsOfTx = new Map<string, number[]>()
  const wantTx = new Set<number>()
  for (const e of ev) {
    const h = e.tx_hash.toLowerCase()
    if (!idsOfTx.has(h)) idsOfTx.set(h, set.txIdsOf(h))
    for (const t of idsOfTx.get(h)!) wantTx.add(t)
  }
  const byTxId = new Map<number, number[]>()
  for (let p = 0; p < set.n; p++) {
    const t = set.tx[p]!
    if (set.kind[p] === KIND_FEE || !wantTx.has(t)) continue
    const a = byTxId.get(t)
    if (a) a.push(p)
    else byTxId.set(t, [p])
  }
  const rowsOf = (chain: string, h: string) =>
    (idsOfTx.get(h.toLowerCase()) ?? []).flatMap((t) => byTxId.get(t) ?? []).filter((p) => chainOf(p) === chain)
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
    const idx = rowsOf(e.chain, e.tx_hash)
    const info = txInfo.get(`${e.chain}:${e.tx_hash}`)
    poolAddrs.add(e.contract)
    const isEth = (p: number) => set.assets[set.asset[p]!]!.asset === 'ETH'
    if (e.kind === 'mixer-deposit') {
      const row = idx.filter((i) => addr(set.to[i]!) === e.contract && isEth(i)).pop()
      if (row !== undefined && info)
        deposits.push({
          row,
          pool: e.contract,
          depositor: info.from,
          time: set.time[row]!,
          gasPrice: info.gasPrice,
          tx: e.tx_hash,
        })
    } else if (e.kind === 'mixer-withdrawal') {
      const to = String(d.to)
      const row = idx.find((i) => addr(set.from[i]!) === e.contract && addr(set.to[i]!) === to)
      if (row !== undefined && info)
        withdrawals.push({
          row,
          pool: e.contract,
          to,
          relayer: String(d.relayer),
          submitter: info.from,
          time: set.time[row]!,
          gasPrice: info.gasPrice,
          tx: e.tx_hash,
        })
    } else {
      const cands = idx.filter((i) => addr(set.to[i]!) === e.contract)
      const row = cands.sort((a, b) => (set.value[b]! > set.value[a]! ? 1 : -1))[0]
      if (row === undefined) continue
      set.bridgeDestinations.set(row, {
        protocol: String(d.protocol),
        chain: d.destChain ?? null,
        address: d.destAddress ?? null,
        memo: d.memo ?? null,
      })
      bridges.push({
        row,
        chain: e.chain,
        time: set.time[row]!,
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
  const people = new Set<number>()
  for (const d of deposits)
    for (const w of withdrawals)
      if (d.depositor !== w.to) {
        wanted.add(pairKey(d.depositor, w.to))
        for (const a of [d.depositor, w.to]) {
          const id = set.addressIndex.get(a)
          if (id !== undefined) people.add(id)
        }
      }
  const direct = new Map<string, number>()
  if (wanted.size > 0)
    for (let p = 0; p < set.n; p++) {
      const f = set.from[p]!
      const t = set.to[p]!
      if (!people.has(f) || !people.has(t) || set.assets[set.asset[p]!]!.asset !== 'ETH') continue
      if (poolAddrs.has(addr(f)) || poolAddrs.has(addr(t))) continue
      const k = pairKey(addr(f), addr(t))
      if (wanted.has(k)) direct.set(k, (direct.get(k) ?? 0) + 1)
    }
  // bridge destinations: only transfers to a named destination can be the other side
  const dests = new Set<number>()
  for (const b of bridges) {
    const id = b.destAddress ? set.addressIndex.get(b.destAddress) : undefined
    if (id !== undefined) dests.add(id)
  }
  const candidates: { row: number; chain: string; to: string; time: number }[] = []
  if (dests.size > 0)
    for (let p = 0; p < set.n; p++)
      if (dests.has(set.to[p]!))
        candidates.push({ row: p, chain: chainOf(p), to: addr(set.to[p]!), time: set.time[p]! })
  const out: LinkRow[] = []
  for (const l of [
    ...linkMixerWithdrawals(deposits, withdrawals, { directTransfers: direct }),
    ...linkBridgeDeposits(bridges, candidates),
  ])
    out.push({ from: l.from, to: l.to, kind: l.kind, confidence: l.confidence, rules: l.rules, evidence: l.evidence })
  return out
}

/**
 * `hound ingest transfers <csv>`: transfers as investigators export them from explorers, for chains or ranges
 * not synced locally.
 *
 * Documented header: `chain,tx_hash,block,time,from,to,asset,amount` — time ISO 8601 UTC, asset `ETH` (the
 * chain's native asset) or a token contract address, amount in whole units (`10000.5`). The hop-annotated
 * export of phvaz/blockchain-fund-tracing-investigation (`hop,from,tx_hash,timestamp_utc,to,amount,
 * asset_symbol,…,kind,token_contract,asset_status,block,…`) is accepted too (chain = Ethereum mainnet).
 *
 * Token decimals come from the asset registry (evm_assets) when known; otherwise `defaultDecimals` (18) is
 * assumed and recorded as such (`decimals_source = 'assumed'`), and the token is recorded unverified.
 * Rows keep the file order inside a block (exports carry no transaction index). Re-importing the same file
 * replaces its rows (source = `csv:<sha256 prefix>`), in one store transaction.
 * @module
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { InvalidInputError } from '../core/errors.js'
import { ChunkAppender } from '../store/ChunkAppender.js'
import { ensureEvmSchema, evmChainId, evmTransferColumns, kindsOf } from '../store/evmSchema.js'
import type { HoundStore } from '../store/HoundStore.js'
import { KIND_ERC20, KIND_TX } from '../trace/account/AccountTransferSet.js'
import { parseCsv } from './parseCsv.js'
import { parseUnits } from './parseUnits.js'

export type ImportTransfersResult = {
  file: string
  format: 'documented' | 'phvaz'
  rows: number
  txs: number
  chains: string[]
  /** Tokens whose decimals were assumed (not in the registry). */
  assumedDecimals: string[]
  source: string
}

const ADDR = /^0x[0-9a-f]{40}$/
const TXH = /^0x[0-9a-f]{64}$/

/** Parse `2025-02-21T14:29:47Z`, `2025-02-21 14:29:47` (UTC assumed) or unix seconds → unix seconds. */
export function parseUtcTime(s: string, where: string): number {
  const t = s.trim()
  if (/^\d+$/.test(t)) return Number(t)
  let iso = t.replace(' ', 'T')
  if (!/(Z|[+-]\d\d:?\d\d)$/.test(iso)) iso += 'Z'
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new InvalidInputError(`${where}: bad time ${JSON.stringify(s)}`)
  return Math.floor(ms / 1000)
}

export async function importTransfersCsv(
  store: HoundStore,
  file: string,
  opts: { defaultDecimals?: number; chain?: string } = {},
): Promise<ImportTransfersResult> {
  const text = readFileSync(file, 'utf8')
  const source = `csv:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`
  const table = parseCsv(text)
  const header = (table[0] ?? []).map((h) => h.trim().toLowerCase())
  const col = (name: string) => header.indexOf(name)
  const documented = ['chain', 'tx_hash', 'block', 'time', 'from', 'to', 'asset', 'amount'].every((h) => col(h) >= 0)
  const phvaz = ['hop', 'from', 'tx_hash', 'timestamp_utc', 'to', 'amount', 'kind', 'token_contract', 'block'].every(
    (h) => col(h) >= 0,
  )
  if (!documented && !phvaz)
    throw new InvalidInputError(
      `${file}: header must be chain,tx_hash,block,time,from,to,asset,amount (got ${header.join(',')})`,
      { details: { file, line: 1 } },
    )
  await ensureEvmSchema(store)
  const defaultDecimals = opts.defaultDecimals ?? 18
  const registry = new Map<string, number>()
  for (const r of await store.all<{ chain: string; asset: string; decimals: number | null }>(
    'SELECT chain, asset, decimals FROM evm_assets',
  ))
    if (r.decimals !== null) registry.set(`${r.chain}:${r.asset}`, r.decimals)

  type Row = {
    chain: string
    tx: string
    block: number
    time: number
    from: string
    to: string
    asset: string
    value: bigint
    line: number
  }
  const rows: Row[] = []
  const newAssets = new Map<string, { chain: string; asset: string; symbol: string | null; status: string | null }>()
  const assumed = new Set<string>()
  for (let i = 1; i < table.length; i++) {
    const r = table[i]!
    if (r.length === 1 && r[0]!.trim() === '') continue
    const where = `${file}:${i + 1}`
    const get = (name: string) => (r[col(name)] ?? '').trim()
    const chain = documented ? evmChainId(get('chain')) : (opts.chain ?? 'evm-1')
    if (!chain) throw new InvalidInputError(`${where}: unknown chain ${JSON.stringify(get('chain'))}`)
    const tx = get('tx_hash').toLowerCase()
    const from = get('from').toLowerCase()
    const to = get('to').toLowerCase()
    if (!TXH.test(tx)) throw new InvalidInputError(`${where}: bad tx_hash`, { details: { file, line: i + 1 } })
    if (!ADDR.test(from) || !ADDR.test(to))
      throw new InvalidInputError(`${where}: bad from/to address`, { details: { file, line: i + 1 } })
    let asset: string
    let symbol: string | null = null
    let status: string | null = null
    if (documented) {
      const a = get('asset')
      asset = a.toUpperCase() === 'ETH' || a.toUpperCase() === 'NATIVE' ? 'ETH' : a.toLowerCase()
    } else {
      asset = get('kind') === 'native' ? 'ETH' : get('token_contract').toLowerCase()
      symbol = col('asset_symbol') >= 0 ? get('asset_symbol') : null
      status = col('asset_status') >= 0 ? get('asset_status') : null
    }
    if (asset !== 'ETH' && !ADDR.test(asset))
      throw new InvalidInputError(`${where}: asset must be ETH or a token address`, { details: { file, line: i + 1 } })
    let decimals = 18
    if (asset !== 'ETH') {
      const k = `${chain}:${asset}`
      const d = registry.get(k)
      if (d === undefined) {
        decimals = defaultDecimals
        assumed.add(asset)
        if (!newAssets.has(k)) newAssets.set(k, { chain, asset, symbol, status })
      } else decimals = d
    }
    const block = Number(get('block'))
    if (!Number.isSafeInteger(block) || block < 0) throw new InvalidInputError(`${where}: bad block`)
    const time = parseUtcTime(get(documented ? 'time' : 'timestamp_utc'), where)
    rows.push({ chain, tx, block, time, from, to, asset, value: parseUnits(get('amount'), decimals, where), line: i })
  }

  await store.transaction(async () => {
    await store.run('DELETE FROM evm_transfers WHERE source = $1', [source])
    for (const a of newAssets.values()) {
      await store.run(
        `INSERT INTO evm_assets (chain, asset, symbol, name, decimals, standard, verified, decimals_source)
         VALUES ($1, $2, $3, $4, $5, 'erc20', false, 'assumed') ON CONFLICT DO NOTHING`,
        [a.chain, a.asset, a.symbol, a.status, defaultDecimals],
      )
    }
    const w = new ChunkAppender(await store.appender('evm_transfers'), kindsOf(evmTransferColumns), 'evm_transfers')
    for (const r of rows) {
      w.str(0, r.chain)
      w.i64(1, r.block)
      w.i64(2, r.time)
      w.i32(3, 0)
      w.i64(4, r.line)
      w.str(5, r.tx)
      w.u8(6, r.asset === 'ETH' ? KIND_TX : KIND_ERC20)
      w.str(7, r.from)
      w.str(8, r.to)
      w.str(9, r.asset)
      w.str(10, r.value.toString())
      w.null(11)
      w.str(12, source)
      w.endRow()
    }
    w.close()
  })
  return {
    file,
    format: documented ? 'documented' : 'phvaz',
    rows: rows.length,
    txs: new Set(rows.map((r) => r.tx)).size,
    chains: [...new Set(rows.map((r) => r.chain))],
    assumedDecimals: [...assumed],
    source,
  }
}

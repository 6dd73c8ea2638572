/**
 * A fingerprint of everything `loadAccountTransferSet` reads, so a snapshot of the loaded set is used only while the
 * store still holds exactly what it was built from. Computed by DuckDB in one query: per table, the row count, the
 * XOR and the sum of `hash(rowid, every column the loader reads)`. Row ids are included because the loader breaks
 * ties in the canonical order by row id. Any writer — ingest, CSV import, reorg rollback, token metadata, pool and
 * bridge detection — changes it without knowing the snapshot exists. The loader's own code (its module files) is
 * hashed in too, so a changed loader never trusts a snapshot an older one wrote.
 * @module
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { HoundStore } from '../../store/HoundStore.js'

/** Tables and columns the loader reads (keep in step with loadAccountTransferSet.ts and its heuristic links). */
export const fingerprintedColumns: Readonly<Record<string, readonly string[]>> = {
  evm_transfers: [
    'chain',
    'tx_hash',
    'block',
    'time',
    'tx_index',
    'sub_index',
    'kind',
    'from_addr',
    'to_addr',
    'asset',
    'value',
  ],
  evm_txs: ['chain', 'hash', 'block', 'time', 'tx_index', 'from_addr', 'fee', 'gas_price'],
  evm_assets: ['chain', 'asset', 'symbol', 'decimals', 'verified'],
  evm_pools: ['chain', 'address', 'role'],
  evm_links: ['chain_from', 'tx_from', 'sub_from', 'chain_to', 'tx_to', 'sub_to', 'kind', 'confidence'],
  evm_events: ['chain', 'block', 'log_index', 'tx_hash', 'kind', 'contract', 'data'],
}

/**
 * Modules whose code decides the loaded set (relative to this file, without extension). A test checks that every
 * module the loader and the snapshot reader import at run time is listed (or known not to shape the set).
 */
export const loaderModules = [
  './loadAccountTransferSet',
  './AccountTransferSet',
  './txHashColumns',
  './accountSetSnapshot',
  './accountStoreFingerprint',
  '../../evm/linkHeuristics',
]

let codeHash: string | null | undefined

/** Hash of the loader's module files (compiled `.js`, or `.ts` when run from source); null if one cannot be read. */
export function loaderCodeHash(): string | null {
  if (codeHash !== undefined) return codeHash
  const h = createHash('sha256')
  for (const m of loaderModules) {
    let text: Buffer | null = null
    for (const ext of ['.js', '.ts'])
      try {
        text = readFileSync(new URL(`${m}${ext}`, import.meta.url))
        break
      } catch {
        // try the next extension
      }
    if (text === null) return (codeHash = null)
    h.update(text)
  }
  codeHash = h.digest('hex').slice(0, 16)
  return codeHash
}

/**
 * The fingerprint string (`code:…;duckdb:…;evm_transfers:count:xor:sum;…`), or null when the loader's code cannot be
 * identified (then no snapshot can be trusted).
 */
export async function accountStoreFingerprint(store: HoundStore): Promise<string | null> {
  const code = loaderCodeHash()
  if (code === null) return null
  const parts = Object.entries(fingerprintedColumns).map(
    ([t, cols]) =>
      `(SELECT count(h)::VARCHAR || ':' || coalesce(bit_xor(h), 0)::VARCHAR || ':' || coalesce(sum(h), 0)::VARCHAR
        FROM (SELECT hash(rowid, ${cols.join(', ')}) AS h FROM ${t})) AS ${t}`,
  )
  // DuckDB's version too: its hash function and its sorting are part of what the loader produced
  const row = await store.one<Record<string, string>>(`SELECT version() AS duckdb, ${parts.join(', ')}`)
  if (!row) return null
  return [
    `code:${code}`,
    `duckdb:${row.duckdb}`,
    ...Object.keys(fingerprintedColumns).map((t) => `${t}:${row[t]}`),
  ].join(';')
}

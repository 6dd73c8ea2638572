/**
 * The account-model (EVM) tables of the store. Several EVM chains share them, keyed by `chain` (`evm-1`,
 * `evm-31337`…). Amounts are uint256, wider than any DuckDB integer (HUGEINT/UHUGEINT are 128-bit), so they
 * are stored as decimal VARCHAR strings of base units and parsed to `bigint` in code: lossless.
 *
 * - evm_blocks: one row per canonical block (hash + parent hash: reorg detection walks these).
 * - evm_txs: one row per transaction, with the gas fee (gasUsed × effectiveGasPrice) and status.
 * - evm_transfers: every movement of value (top-level value, internal calls, ERC-20/721/1155 Transfer logs,
 *   fees are derived from evm_txs, withdrawals). `sub_index` orders rows inside a transaction: internal
 *   calls use 1 + their depth-first position, logs 1,000,000 + log index, withdrawals their index.
 * - evm_assets: the token registry (symbol and decimals as the contract reports them; `verified` false unless
 *   a trusted list says otherwise, `impersonates` names the real asset a look-alike symbol imitates: fake
 *   tokens that mimic real ones were used in the Bybit laundering).
 * - evm_events: decoded protocol events (DEX swaps, bridge deposits, mixer deposits/withdrawals, approvals).
 * - evm_links: derived edges between transfers (swap, bridge, mixer) with confidence and evidence.
 * - evm_pools: contracts that pool funds (DEX pairs, bridges, mixer pools) and their role.
 * - evm_checkpoint: the last ingested block per chain.
 * @module
 */
import { type ColKind, sqlType } from './ChunkAppender.js'
import type { HoundStore } from './HoundStore.js'

export type ColumnSpec = readonly (readonly [name: string, kind: ColKind])[]

export const evmBlockColumns = [
  ['chain', 'str'],
  ['number', 'i64'],
  ['hash', 'str'],
  ['parent_hash', 'str'],
  ['time', 'i64'],
  ['miner', 'str'],
  ['base_fee', 'str'],
  ['gas_used', 'i64'],
  ['tx_count', 'i32'],
] as const satisfies ColumnSpec

export const evmTxColumns = [
  ['chain', 'str'],
  ['block', 'i64'],
  ['tx_index', 'i32'],
  ['hash', 'str'],
  ['time', 'i64'],
  ['from_addr', 'str'],
  ['to_addr', 'str'],
  ['value', 'str'],
  ['gas_used', 'i64'],
  ['gas_price', 'str'],
  ['effective_gas_price', 'str'],
  ['fee', 'str'],
  ['status', 'u8'],
  ['type', 'u8'],
  ['nonce', 'i64'],
  ['selector', 'str'],
  ['contract_created', 'str'],
] as const satisfies ColumnSpec

export const evmTransferColumns = [
  ['chain', 'str'],
  ['block', 'i64'],
  ['time', 'i64'],
  ['tx_index', 'i32'],
  ['sub_index', 'i64'],
  ['tx_hash', 'str'],
  ['kind', 'u8'],
  ['from_addr', 'str'],
  ['to_addr', 'str'],
  ['asset', 'str'],
  ['value', 'str'],
  ['token_id', 'str'],
  ['source', 'str'],
] as const satisfies ColumnSpec

export const evmEventColumns = [
  ['chain', 'str'],
  ['block', 'i64'],
  ['tx_index', 'i32'],
  ['log_index', 'i32'],
  ['tx_hash', 'str'],
  ['kind', 'str'],
  ['contract', 'str'],
  ['data', 'str'],
] as const satisfies ColumnSpec

const createTable = (name: string, cols: ColumnSpec, extra = ''): string =>
  `CREATE TABLE IF NOT EXISTS ${name} (${cols.map(([n, k]) => `${n} ${sqlType[k]}`).join(', ')}${extra});`

export const kindsOf = (cols: ColumnSpec): ColKind[] => cols.map((c) => c[1])

/** Create the EVM tables if missing (idempotent; safe beside the UTXO tables). */
export async function ensureEvmSchema(store: HoundStore): Promise<void> {
  await store.run(`
    CREATE TABLE IF NOT EXISTS chains (chain VARCHAR PRIMARY KEY, model VARCHAR NOT NULL, network VARCHAR,
      caip2 VARCHAR, genesis_hash VARCHAR);
    ${createTable('evm_blocks', evmBlockColumns)}
    ${createTable('evm_txs', evmTxColumns)}
    ${createTable('evm_transfers', evmTransferColumns)}
    ${createTable('evm_events', evmEventColumns)}
    CREATE TABLE IF NOT EXISTS evm_assets (chain VARCHAR, asset VARCHAR, symbol VARCHAR, name VARCHAR,
      decimals INTEGER, standard VARCHAR, verified BOOLEAN, decimals_source VARCHAR, PRIMARY KEY (chain, asset));
    ALTER TABLE evm_assets ADD COLUMN IF NOT EXISTS impersonates VARCHAR;
    CREATE TABLE IF NOT EXISTS evm_links (chain_from VARCHAR, tx_from VARCHAR, sub_from BIGINT, chain_to VARCHAR,
      tx_to VARCHAR, sub_to BIGINT, kind VARCHAR, confidence DOUBLE, evidence VARCHAR);
    CREATE TABLE IF NOT EXISTS evm_pools (chain VARCHAR, address VARCHAR, role VARCHAR, protocol VARCHAR,
      PRIMARY KEY (chain, address));
    CREATE TABLE IF NOT EXISTS evm_checkpoint (chain VARCHAR PRIMARY KEY, number BIGINT, hash VARCHAR,
      updated_at TIMESTAMP);
  `)
}

/** Record an EVM chain in the chain-neutral `chains` table (idempotent). */
export async function recordEvmChain(store: HoundStore, chainId: bigint | number): Promise<string> {
  const chain = `evm-${chainId}`
  await store.run(
    `INSERT INTO chains (chain, model, network, caip2) VALUES ($1, 'account', $2, $3) ON CONFLICT DO NOTHING`,
    [chain, String(chainId), `eip155:${chainId}`],
  )
  return chain
}

/** Chain short ids for names investigators write in exports. */
const chainNames: Record<string, number> = {
  eth: 1,
  ethereum: 1,
  mainnet: 1,
  optimism: 10,
  op: 10,
  bsc: 56,
  bnb: 56,
  polygon: 137,
  matic: 137,
  base: 8453,
  arbitrum: 42161,
  arb: 42161,
  avalanche: 43114,
  avax: 43114,
}

/** `ETH`/`ethereum`/`1`/`evm-1`/`eip155:1` → `evm-1`; null when unknown. */
export function evmChainId(name: string): string | null {
  const s = name.trim().toLowerCase()
  if (/^evm-\d+$/.test(s)) return s
  if (/^\d+$/.test(s)) return `evm-${s}`
  if (/^eip155:\d+$/.test(s)) return `evm-${s.slice(7)}`
  const id = chainNames[s]
  return id === undefined ? null : `evm-${id}`
}

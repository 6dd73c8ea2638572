/**
 * The UTXO-chain tables of the store (schema in docs/store.md) and the column layouts the ingest appends.
 *
 * One store holds at most one UTXO chain (recorded in `chains`); account-model (EVM) chains add their own
 * `evm_*` tables and `chains` rows beside it. Ids are dense integers assigned at ingest in chain order:
 * `tx_id` 0.., `input_id`/`output_id` 0.. in transaction order (a transaction's inputs and outputs are
 * contiguous ranges, so loaders build CSR arrays without sorting), `address_id` 0.. in first-seen order.
 *
 * "Spent by" is not a column updated in place (per-row UPDATEs of a columnar table are slow): it is derived
 * from `inputs.prev_output_id` by the view `outputs_spent`.
 * @module
 */
import type { ColKind } from './ChunkAppender.js'
import { sqlType } from './ChunkAppender.js'
import type { HoundStore } from './HoundStore.js'

export type ColumnSpec = readonly (readonly [name: string, kind: ColKind])[]

export const blockColumns = [
  ['height', 'i32'],
  ['hash', 'str'],
  ['prev_hash', 'str'],
  ['merkle_root', 'str'],
  ['time', 'u32'],
  ['version', 'i32'],
  ['bits', 'u32'],
  ['nonce', 'u32'],
  ['size', 'i32'],
  ['tx_count', 'i32'],
  ['first_tx_id', 'i64'],
] as const satisfies ColumnSpec

export const txColumns = [
  ['tx_id', 'i64'],
  ['txid', 'str'],
  ['height', 'i32'],
  ['block_pos', 'i32'],
  ['version', 'i32'],
  ['locktime', 'u32'],
  ['size', 'i32'],
  ['vsize', 'i32'],
  ['weight', 'i32'],
  ['coinbase', 'bool'],
  ['segwit', 'bool'],
  ['rbf', 'bool'],
  ['first_input_id', 'i64'],
  ['input_count', 'i32'],
  ['first_output_id', 'i64'],
  ['output_count', 'i32'],
  /** Satoshi; NULL when an input's prevout is not in the store; 0 for coinbase. */
  ['fee', 'i64'],
] as const satisfies ColumnSpec

export const outputColumns = [
  ['output_id', 'i64'],
  ['tx_id', 'i64'],
  ['n', 'i32'],
  ['value', 'i64'],
  ['script_type', 'u8'],
  ['address_id', 'i64'],
] as const satisfies ColumnSpec

export const inputColumns = [
  ['input_id', 'i64'],
  ['tx_id', 'i64'],
  ['vin', 'i32'],
  /** Stored only when prev_output_id is NULL at ingest (coinbase, prevout not in the store); else derive it. */
  ['prev_txid', 'str'],
  ['prev_vout', 'u32'],
  ['sequence', 'u32'],
  ['prev_output_id', 'i64'],
  ['value', 'i64'],
  ['address_id', 'i64'],
] as const satisfies ColumnSpec

export const addressColumns = [
  ['address_id', 'i64'],
  ['address', 'str'],
  ['first_height', 'i32'],
] as const satisfies ColumnSpec

export const kindsOf = (cols: ColumnSpec): ColKind[] => cols.map((c) => c[1])

const createTable = (name: string, cols: ColumnSpec): string =>
  `CREATE TABLE IF NOT EXISTS ${name} (${cols.map(([n, k]) => `${n} ${sqlType[k]}`).join(', ')});`

/** Create the chain-neutral bookkeeping tables and the UTXO tables if missing (idempotent). */
export async function ensureBtcSchema(store: HoundStore): Promise<void> {
  await store.run(`
    CREATE TABLE IF NOT EXISTS chains (chain VARCHAR PRIMARY KEY, model VARCHAR NOT NULL, network VARCHAR,
      caip2 VARCHAR, genesis_hash VARCHAR);
    CREATE TABLE IF NOT EXISTS ingest_checkpoint (chain VARCHAR PRIMARY KEY, height INTEGER, hash VARCHAR,
      blocks BIGINT, next_tx_id BIGINT, next_input_id BIGINT, next_output_id BIGINT, next_address_id BIGINT,
      updated_at TIMESTAMP);
    ${createTable('blocks', blockColumns)}
    ${createTable('txs', txColumns)}
    ${createTable('outputs', outputColumns)}
    ${createTable('inputs', inputColumns)}
    ${createTable('addresses', addressColumns)}
    CREATE VIEW IF NOT EXISTS inputs_outpoint AS
      SELECT i.input_id, coalesce(i.prev_txid, t.txid) AS prev_txid, i.prev_vout
      FROM inputs i LEFT JOIN outputs o ON o.output_id = i.prev_output_id LEFT JOIN txs t ON t.tx_id = o.tx_id;
    CREATE VIEW IF NOT EXISTS outputs_spent AS
      SELECT i.prev_output_id AS output_id, i.input_id AS spent_by_input_id, i.tx_id AS spent_by_tx_id,
             i.vin AS spent_by_vin
      FROM inputs i WHERE i.prev_output_id IS NOT NULL;
  `)
}

/** True when the UTXO tables exist (a store that was never ingested into has none). */
export async function hasBtcSchema(store: HoundStore): Promise<boolean> {
  return (await store.tables()).includes('txs')
}

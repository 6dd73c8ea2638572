/**
 * Counts and tip of the UTXO chain in the store, from the ingest checkpoint (O(1), no table scans).
 * @module
 */
import { hasBtcSchema } from './btcSchema.js'
import type { HoundStore } from './HoundStore.js'

export type BtcStats = {
  chain: string | null
  blocks: number
  txs: number
  inputs: number
  outputs: number
  addresses: number
  tipHeight: number | null
  tipHash: string | null
}

export const emptyStats: BtcStats = {
  chain: null,
  blocks: 0,
  txs: 0,
  inputs: 0,
  outputs: 0,
  addresses: 0,
  tipHeight: null,
  tipHash: null,
}

export async function btcStats(store: HoundStore): Promise<BtcStats> {
  if (!(await hasBtcSchema(store))) return { ...emptyStats }
  const r = await store.one<Record<string, string | bigint | number | null>>(
    `SELECT k.chain, k.blocks, k.next_tx_id, k.next_input_id, k.next_output_id, k.next_address_id, k.height, k.hash
     FROM ingest_checkpoint k JOIN chains c ON c.chain = k.chain WHERE c.model = 'utxo' LIMIT 1`,
  )
  if (!r) return { ...emptyStats }
  return {
    chain: String(r.chain),
    blocks: Number(r.blocks),
    txs: Number(r.next_tx_id),
    inputs: Number(r.next_input_id),
    outputs: Number(r.next_output_id),
    addresses: Number(r.next_address_id),
    tipHeight: Number(r.height),
    tipHash: String(r.hash),
  }
}

/** The store's UTXO network name ('mainnet', 'testnet'…), or null when nothing was ingested. */
export async function btcNetworkOf(store: HoundStore): Promise<string | null> {
  if (!(await hasBtcSchema(store))) return null
  const r = await store.one<{ network: string }>("SELECT network FROM chains WHERE model = 'utxo' LIMIT 1")
  return r?.network ?? null
}

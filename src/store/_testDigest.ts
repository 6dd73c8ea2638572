/**
 * Test-only: a content digest of every UTXO table (order-independent), to compare two stores row for row.
 * @internal
 */
import type { HoundStore } from './HoundStore.js'

export async function storeDigest(store: HoundStore): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const t of ['blocks', 'txs', 'inputs', 'outputs', 'addresses', 'chains']) {
    const r = await store.one<{ n: bigint; h: bigint | null }>(
      `SELECT count(*) AS n, sum(hash(x)::HUGEINT) AS h FROM ${t} x`,
    )
    out[t] = `${r?.n}:${r?.h}`
  }
  const cp = await store.one<Record<string, unknown>>(
    'SELECT chain, height, hash, blocks, next_tx_id, next_input_id, next_output_id, next_address_id FROM ingest_checkpoint',
  )
  out.checkpoint = JSON.stringify(cp, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
  return out
}

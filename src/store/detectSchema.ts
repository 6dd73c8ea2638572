/**
 * The detector tables (docs/detectors.md):
 * - `detect_alerts`: one row per (kind, key) — re-running a detector replaces the row (an extended peel chain
 *   updates its alert), so runs are idempotent; txids, addresses and evidence are JSON text;
 * - `detect_memos`: OP_RETURN payloads (hex) by txid/vout, read from the block source by `hound detect memos`
 *   (the UTXO tables keep no script bytes), used by the chain-hop detector.
 * @module
 */
import type { HoundStore } from './HoundStore.js'

export async function ensureDetectSchema(store: HoundStore): Promise<void> {
  await store.run(`
    CREATE TABLE IF NOT EXISTS detect_alerts (kind VARCHAR NOT NULL, key VARCHAR NOT NULL, code VARCHAR NOT NULL,
      confidence DOUBLE NOT NULL, height INTEGER NOT NULL, time BIGINT NOT NULL, txids VARCHAR NOT NULL,
      addresses VARCHAR NOT NULL, evidence VARCHAR NOT NULL, first_seen TIMESTAMP NOT NULL,
      updated TIMESTAMP NOT NULL, PRIMARY KEY (kind, key));
    CREATE TABLE IF NOT EXISTS detect_memos (txid VARCHAR NOT NULL, vout INTEGER NOT NULL, height INTEGER NOT NULL,
      data VARCHAR NOT NULL, PRIMARY KEY (txid, vout));
  `)
}

/** True when the detector tables exist (read-only commands must not create them). */
export async function hasDetectSchema(store: HoundStore): Promise<boolean> {
  return (await store.tables()).includes('detect_alerts')
}

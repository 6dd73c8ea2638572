/**
 * The intelligence tables: labels (with full provenance), OFAC issues and de-listings, incidents, API keys and
 * screening results. Owned by src/intel, src/risk and src/server; documented in docs/intel.md.
 *
 * Labels are keyed by (chain, canonical address string), not by the store's `address_id`: intelligence arrives
 * before (or without) the chain data, and spans chains the store does not ingest. `loadServiceLabels` joins
 * them to `addresses` when needed.
 *
 * Provenance is never lost: every (source, subject, category, entity, reference) is its own row. A label that
 * stops being true (an OFAC de-listing) gets `valid_to`; it is never deleted.
 * @module
 */
import type { HoundStore } from './HoundStore.js'

/**
 * Create the intelligence tables when missing. Only writers call it (imports, incidents, keys, recorded
 * screenings): readers check `hasIntelTable` instead, so they work on a store opened read-only.
 */
export async function ensureIntelSchema(store: HoundStore): Promise<void> {
  await store.run(`
    CREATE TABLE IF NOT EXISTS intel_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
    CREATE TABLE IF NOT EXISTS intel_labels (
      label_id BIGINT, natural_key VARCHAR, scope VARCHAR, chain VARCHAR, address VARCHAR, canonical VARCHAR,
      category VARCHAR, entity VARCHAR, actor VARCHAR, source VARCHAR, confidence VARCHAR, tlp VARCHAR,
      valid_from VARCHAR, valid_to VARCHAR, asset VARCHAR, reference VARCHAR, note VARCHAR,
      import_id BIGINT, incident_id BIGINT, amount VARCHAR, policy VARCHAR, created_at VARCHAR);
    CREATE TABLE IF NOT EXISTS intel_imports (
      import_id BIGINT, kind VARCHAR, source VARCHAR, file VARCHAR, file_sha256 VARCHAR, content_sha256 VARCHAR,
      issue_date VARCHAR, rows_read BIGINT, labels_added BIGINT, labels_closed BIGINT, imported_at TIMESTAMP);
    CREATE TABLE IF NOT EXISTS ofac_entries (
      import_id BIGINT, ticker VARCHAR, chain VARCHAR, address VARCHAR, canonical VARCHAR, profile_id BIGINT,
      feature_id BIGINT, party_type VARCHAR, name VARCHAR, programs VARCHAR, entry_date VARCHAR,
      reliability VARCHAR, aliases VARCHAR);
    CREATE TABLE IF NOT EXISTS ofac_delistings (
      ticker VARCHAR, address VARCHAR, canonical VARCHAR, profile_id BIGINT, name VARCHAR,
      last_listed_issue VARCHAR, delisted_issue VARCHAR, import_id BIGINT);
    CREATE TABLE IF NOT EXISTS intel_incidents (
      incident_id BIGINT, name VARCHAR, chain VARCHAR, occurred_at VARCHAR, actor VARCHAR, description VARCHAR,
      tlp VARCHAR, policy VARCHAR, max_hops INTEGER, traced_at TIMESTAMP, created_at TIMESTAMP);
    CREATE TABLE IF NOT EXISTS intel_incident_seeds (incident_id BIGINT, seed VARCHAR, amount BIGINT);
    CREATE TABLE IF NOT EXISTS intel_api_keys (
      key_id VARCHAR, name VARCHAR, key_hash VARCHAR, rate_per_sec DOUBLE, burst INTEGER, can_read BOOLEAN,
      can_write BOOLEAN, max_tlp VARCHAR, created_at TIMESTAMP, revoked_at TIMESTAMP);
    CREATE TABLE IF NOT EXISTS intel_screenings (
      address VARCHAR, canonical VARCHAR, result_hash VARCHAR, risk VARCHAR, result_json VARCHAR,
      data_version VARCHAR, key_id VARCHAR, screened_at VARCHAR);
  `)
}

/** Whether the store has the intelligence table `name` (false before the first import: nothing to read). */
export async function hasIntelTable(store: HoundStore, name = 'intel_labels'): Promise<boolean> {
  const r = await store.one<{ n: bigint | number }>(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?",
    [name],
  )
  return Number(r?.n ?? 0) > 0
}

/**
 * The intelligence version: a counter bumped by every change to labels (imports, incidents). Screening results
 * carry it so `hound rescreen` and clients know which intelligence produced them.
 */
export async function intelVersion(store: HoundStore): Promise<number> {
  if (!(await hasIntelTable(store, 'intel_meta'))) return 0
  const r = await store.one<{ value: string }>("SELECT value FROM intel_meta WHERE key = 'version'")
  return r ? Number(r.value) : 0
}

export async function bumpIntelVersion(store: HoundStore): Promise<number> {
  const v = (await intelVersion(store)) + 1
  await store.run("DELETE FROM intel_meta WHERE key = 'version'")
  await store.run("INSERT INTO intel_meta VALUES ('version', ?)", [String(v)])
  return v
}

/** Next id of an id column (max + 1; intelligence writes are rare and serialised by the single connection). */
export async function nextId(store: HoundStore, table: string, column: string): Promise<number> {
  const r = await store.one<{ n: bigint | number | null }>(`SELECT max(${column}) AS n FROM ${table}`)
  return r?.n === null || r?.n === undefined ? 1 : Number(r.n) + 1
}

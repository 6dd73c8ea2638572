/**
 * The sharing tables (owned by src/share, documented in docs/sharing.md):
 * - `share_received`: provenance of every received STIX indicator (which institution, which object and version,
 *   when, through which file or peer, and the sender's own source/reference), joined to `intel_labels` by
 *   (source, reference) = (`share:<institution>`, object id);
 * - `share_taxii_objects`: objects held in TAXII collections (posted by peers or published locally);
 * - `share_taxii_status`: TAXII status resources (kept ≥ 24 h);
 * - `share_pull_state`: where a `hound share pull` stopped, per peer and collection (resume point).
 *
 * The TAXII collections a server hosts (`ensureTaxiiSchema`) live in their own DuckDB file held by `hound serve`
 * (`<store>.taxii`, see TaxiiCollections): `share_taxii_entries` (one row per collection × object version, with its
 * date_added in µs, TLP rank, first/last-version flags and JSON), `share_taxii_stage` (scratch for merges) and
 * `share_taxii_status` (status resources of POSTs, kept across restarts).
 * @module
 */
import type { HoundStore } from './HoundStore.js'

export async function ensureShareSchema(store: HoundStore): Promise<void> {
  await store.run(`
    CREATE TABLE IF NOT EXISTS share_received (
      import_id BIGINT, institution VARCHAR, object_id VARCHAR, object_modified VARCHAR, orig_source VARCHAR,
      orig_reference VARCHAR, via VARCHAR, received_at VARCHAR);
    CREATE TABLE IF NOT EXISTS share_taxii_objects (
      collection_id VARCHAR, id VARCHAR, type VARCHAR, version VARCHAR, spec_version VARCHAR, date_added VARCHAR,
      tlp VARCHAR, json VARCHAR);
    CREATE TABLE IF NOT EXISTS share_taxii_status (id VARCHAR, json VARCHAR, created_at VARCHAR);
    CREATE TABLE IF NOT EXISTS share_pull_state (
      peer VARCHAR, collection_id VARCHAR, added_after VARCHAR, next VARCHAR, updated_at VARCHAR);
  `)
}

/** The TAXII collection tables (see module doc). */
export async function ensureTaxiiSchema(store: HoundStore): Promise<void> {
  await store.run(`
    CREATE TABLE IF NOT EXISTS share_taxii_entries (
      collection_id VARCHAR, id VARCHAR, type VARCHAR, version VARCHAR, version_us BIGINT, spec_version VARCHAR,
      date_added_us BIGINT, tlp_rank UTINYINT, is_first BOOLEAN, is_last BOOLEAN, json VARCHAR);
    CREATE TABLE IF NOT EXISTS share_taxii_stage (
      seq BIGINT, id VARCHAR, type VARCHAR, version VARCHAR, version_us BIGINT, spec_version VARCHAR,
      tlp_rank UTINYINT, json VARCHAR);
    CREATE TABLE IF NOT EXISTS share_taxii_status (id VARCHAR, json VARCHAR, created_at VARCHAR);
  `)
}

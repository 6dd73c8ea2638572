/**
 * The clustering tables (docs/clustering.md): runs, the append-only evidence log and the cluster membership of
 * every address in a non-singleton cluster. Created idempotently.
 *
 * - `cluster_runs`: one row per parameter set; re-running with the same parameters extends that run in place.
 * - `cluster_evidence`: every merge (applied) and every held-back/blocked merge, in decision order (`seq`).
 *   A prefix up to a decision height is the clustering as of that height.
 * - `cluster_members`: addresses of non-singleton clusters with the cluster's earliest address (`rep_id`); an address
 *   that is absent is a singleton. The cluster id `cl_` + sha256(address)[0..16] is computed from the rep's address
 *   (`CLUSTER_ID_SQL`), not stored: integer columns only, so saving millions of rows costs no per-string calls.
 * @module
 */
import type { ColumnSpec } from './btcSchema.js'
import { sqlType } from './ChunkAppender.js'
import type { HoundStore } from './HoundStore.js'

export const clusterEvidenceColumns = [
  ['run_id', 'i32'],
  ['seq', 'i64'],
  ['height', 'i32'],
  ['decision_height', 'i32'],
  /** Store tx id of the transaction (txid via `txs`). */
  ['tx_id', 'i64'],
  /** 0 multi-input, 1 change (`heuristicNames`). */
  ['heuristic', 'u8'],
  /** Confidence in millionths (the appender writes integers only). */
  ['confidence_ppm', 'i32'],
  ['addr_a', 'i32'],
  ['addr_b', 'i32'],
  ['applied', 'bool'],
  /** 0 applied, 1 size_guard, 2 cannot_link (`statusNames`). */
  ['status', 'u8'],
] as const satisfies ColumnSpec

export const clusterMemberColumns = [
  ['run_id', 'i32'],
  ['address_id', 'i32'],
  /** The cluster's earliest address (its id is `cl_` + sha256(address of rep_id)[0..16]). */
  ['rep_id', 'i32'],
  ['size', 'i32'],
] as const satisfies ColumnSpec

/** SQL expression of a cluster id from an address string column `col`. */
export const clusterIdSql = (col: string): string => `'cl_' || substr(sha256(${col}), 1, 16)`

const create = (name: string, cols: ColumnSpec): string =>
  `CREATE TABLE IF NOT EXISTS ${name} (${cols.map(([n, k]) => `${n} ${sqlType[k]}`).join(', ')});`

/**
 * Create the cluster tables if missing. Cluster tables are derived data: tables of an older layout (before
 * integer-only columns: no `cluster_members.rep_id`) are dropped and recreated — rerun `hound cluster`.
 */
export async function ensureClusterSchema(store: HoundStore): Promise<void> {
  if ((await store.tables()).includes('cluster_members') && !(await hasCurrentLayout(store))) {
    await store.run(
      'DROP TABLE IF EXISTS cluster_members; DROP TABLE IF EXISTS cluster_evidence; DROP TABLE IF EXISTS cluster_runs;',
    )
  }
  await store.run(`
    CREATE TABLE IF NOT EXISTS cluster_runs (run_id INTEGER PRIMARY KEY, params_key VARCHAR NOT NULL,
      params VARCHAR NOT NULL, to_height INTEGER NOT NULL, created TIMESTAMP NOT NULL, updated TIMESTAMP NOT NULL,
      addresses BIGINT, clusters BIGINT, largest BIGINT, evidence BIGINT, held_back BIGINT, blocked BIGINT);
    ${create('cluster_evidence', clusterEvidenceColumns)}
    ${create('cluster_members', clusterMemberColumns)}
  `)
}

async function hasCurrentLayout(store: HoundStore): Promise<boolean> {
  const r = await store.one<{ n: bigint }>(
    `SELECT count(*) AS n FROM information_schema.columns
     WHERE table_schema = 'main' AND table_name = 'cluster_members' AND column_name = 'rep_id'`,
  )
  return Number(r?.n ?? 0) > 0
}

/** True when the cluster tables exist in the current layout (read-only commands must not try to create them). */
export async function hasClusterSchema(store: HoundStore): Promise<boolean> {
  const tables = await store.tables()
  return tables.includes('cluster_runs') && tables.includes('cluster_members') && (await hasCurrentLayout(store))
}

/**
 * Read a stored clustering back: the union-find state (by replaying applied evidence, optionally only up to a
 * decision height — "the cluster as it was at height H"), the address → cluster id assignment, evidence rows.
 * @module
 */
import { heuristicNames, statusNames } from '../cluster/EvidenceLog.js'
import { UnionFind } from '../cluster/UnionFind.js'
import { getClusterRun } from './clusterRuns.js'
import { clusterIdSql } from './clusterSchema.js'
import type { HoundStore } from './HoundStore.js'

/**
 * Replay a run's applied merges (in decision order) into a union-find over `size` addresses. With
 * `atHeight`, only merges decided at or below that height: the clustering as of that height.
 */
export async function loadClusterUnionFind(
  store: HoundStore,
  runId: number,
  size: number,
  atHeight?: number,
): Promise<UnionFind> {
  const cols = await store.columns(
    `SELECT addr_a, addr_b FROM cluster_evidence WHERE run_id = $1 AND applied
       ${atHeight === undefined ? '' : 'AND decision_height <= $2'} ORDER BY seq`,
    atHeight === undefined ? [runId] : [runId, atHeight],
  )
  const a = (cols.addr_a ?? []) as number[]
  const b = (cols.addr_b ?? []) as number[]
  let max = size
  for (let k = 0; k < a.length; k++) max = Math.max(max, a[k]! + 1, b[k]! + 1)
  const uf = new UnionFind(max)
  for (let k = 0; k < a.length; k++) uf.union(a[k]!, b[k]!)
  return uf
}

/**
 * Address id → cluster id for every address in a non-singleton cluster of the run (default: the latest run).
 * Addresses that are absent are singletons: their id is `clusterIdOfAddress(address)`.
 */
export async function loadClusterAssignment(store: HoundStore, runId?: number): Promise<Map<number, string>> {
  const run = await getClusterRun(store, runId)
  const cols = await store.columns(
    `WITH r AS (SELECT DISTINCT rep_id FROM cluster_members WHERE run_id = $1),
          ids AS (SELECT r.rep_id, ${clusterIdSql('a.address')} AS cluster_id
                  FROM r JOIN addresses a ON a.address_id = r.rep_id)
     SELECT m.address_id, ids.cluster_id FROM cluster_members m JOIN ids USING (rep_id) WHERE m.run_id = $1`,
    [run.runId],
  )
  const ids = (cols.address_id ?? []) as number[]
  const cl = (cols.cluster_id ?? []) as string[]
  const m = new Map<number, string>()
  for (let k = 0; k < ids.length; k++) m.set(ids[k]!, cl[k]!)
  return m
}

export type StoredEvidence = {
  seq: number
  height: number
  decisionHeight: number
  /** Store tx id and txid (null when the store has no `txs` row for it). */
  txId: number
  txid: string | null
  heuristic: string
  confidence: number
  addrA: number
  addrB: number
  applied: boolean
  reason: string
}

export type EvidenceRow = {
  seq: bigint
  height: number
  decision_height: number
  tx_id: bigint | number
  txid: string | null
  heuristic: number
  confidence_ppm: number
  addr_a: number
  addr_b: number
  applied: boolean
  status: number
}

/** SELECT over the evidence with the txid joined in when the store has a `txs` table. */
export async function evidenceSelectSql(store: HoundStore): Promise<string> {
  return (await store.tables()).includes('txs')
    ? 'SELECT e.*, t.txid FROM cluster_evidence e LEFT JOIN txs t USING (tx_id)'
    : 'SELECT e.*, NULL::VARCHAR AS txid FROM cluster_evidence e'
}

export function toStoredEvidence(r: EvidenceRow): StoredEvidence {
  return {
    seq: Number(r.seq),
    height: r.height,
    decisionHeight: r.decision_height,
    txId: Number(r.tx_id),
    txid: r.txid,
    heuristic: heuristicNames[r.heuristic] ?? String(r.heuristic),
    confidence: r.confidence_ppm / 1e6,
    addrA: r.addr_a,
    addrB: r.addr_b,
    applied: r.applied,
    reason: statusNames[r.status] ?? String(r.status),
  }
}

/** Evidence rows of a run touching any of `addressIds` (or all with `addressIds` undefined), in seq order. */
export async function loadClusterEvidence(
  store: HoundStore,
  runId: number,
  opts: { addressIds?: readonly number[]; appliedOnly?: boolean; atHeight?: number; limit?: number } = {},
): Promise<StoredEvidence[]> {
  const where = ['run_id = $1']
  const params: number[] = [runId]
  if (opts.appliedOnly) where.push('applied')
  if (opts.atHeight !== undefined) {
    params.push(opts.atHeight)
    where.push(`decision_height <= $${params.length}`)
  }
  if (opts.addressIds !== undefined) {
    const list = opts.addressIds.map((x) => Math.trunc(x)).join(',') || '-1'
    where.push(`(addr_a IN (${list}) OR addr_b IN (${list}))`)
  }
  const rows = await store.all<EvidenceRow>(
    `SELECT * FROM (${await evidenceSelectSql(store)}) WHERE ${where.join(' AND ')} ORDER BY seq ${opts.limit ? `LIMIT ${Math.trunc(opts.limit)}` : ''}`,
    params,
  )
  return rows.map(toStoredEvidence)
}

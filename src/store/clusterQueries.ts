/**
 * Questions about a stored clustering run, answered in SQL over the cluster tables and the chain tables
 * (`addresses`, `outputs`, `outputs_spent`; docs/store.md): resolve addresses, a cluster's members and totals, the
 * merge chain between two addresses, the cluster as of a height, and the diff between two runs.
 * @module
 */
import { clusterIdOfAddress } from '../cluster/clusterIds.js'
import { findMergePath } from '../cluster/findMergePath.js'
import { NotFoundError } from '../core/errors.js'
import {
  type EvidenceRow,
  evidenceSelectSql,
  loadClusterEvidence,
  loadClusterUnionFind,
  type StoredEvidence,
  toStoredEvidence,
} from './clusterLoad.js'
import { clusterIdSql } from './clusterSchema.js'
import type { HoundStore } from './HoundStore.js'

/** Address string → store address id (NotFoundError when unknown). */
export async function addressIdOf(store: HoundStore, address: string): Promise<number> {
  const r = await store.one<{ id: bigint | number }>('SELECT address_id AS id FROM addresses WHERE address = $1', [
    address,
  ])
  if (!r) throw new NotFoundError(`address ${address} is not in the store`, { details: { address } })
  return Number(r.id)
}

export async function addressStrings(store: HoundStore, ids: readonly number[]): Promise<Map<number, string>> {
  const m = new Map<number, string>()
  if (ids.length === 0) return m
  const rows = await store.all<{ id: bigint | number; address: string }>(
    `SELECT address_id AS id, address FROM addresses WHERE address_id IN (${ids.map((x) => Math.trunc(x)).join(',')})`,
  )
  for (const r of rows) m.set(Number(r.id), r.address)
  return m
}

/** A cluster of a run: its id, size and earliest address (`repId`; the address itself for a singleton). */
export type ClusterRef = { clusterId: string; size: number; singleton: boolean; repId: number }

/** The cluster of an address id in a run (a singleton when absent from cluster_members). */
export async function clusterOfAddressId(store: HoundStore, runId: number, addressId: number): Promise<ClusterRef> {
  const r = await store.one<{ rep_id: number; size: number }>(
    'SELECT rep_id, size FROM cluster_members WHERE run_id = $1 AND address_id = $2',
    [runId, addressId],
  )
  const repId = r ? r.rep_id : addressId
  const s = (await addressStrings(store, [repId])).get(repId)
  if (s === undefined) throw new NotFoundError(`address id ${repId} is not in the store`)
  return { clusterId: clusterIdOfAddress(s), size: r ? r.size : 1, singleton: !r, repId }
}

/** Resolve `<address|clusterId>`. */
export async function resolveCluster(store: HoundStore, runId: number, ref: string): Promise<ClusterRef> {
  if (/^cl_[0-9a-f]{16}$/.test(ref)) {
    const r = await store.one<{ rep_id: number; size: number }>(
      `WITH r AS (SELECT rep_id, any_value(size) AS size FROM cluster_members WHERE run_id = $1 GROUP BY rep_id)
       SELECT r.rep_id, r.size FROM r JOIN addresses a ON a.address_id = r.rep_id
       WHERE ${clusterIdSql('a.address')} = $2`,
      [runId, ref],
    )
    if (r) return { clusterId: ref, size: r.size, singleton: false, repId: r.rep_id }
    throw new NotFoundError(
      `no multi-address cluster ${ref} in run ${runId} (a single address is shown by its address)`,
      {
        details: { cluster: ref },
      },
    )
  }
  return clusterOfAddressId(store, runId, await addressIdOf(store, ref))
}

export type ClusterSummary = {
  clusterId: string
  size: number
  addresses: { addressId: number; address: string }[]
  offset: number
  limit: number
  /** Satoshi totals over the members' outputs. */
  totals: { outputs: number; received: number; spent: number; balance: number }
}

function membersSql(c: ClusterRef): { sql: string; params: number[] } {
  return c.singleton
    ? { sql: 'SELECT $2::INTEGER AS address_id', params: [c.repId] }
    : { sql: 'SELECT address_id FROM cluster_members WHERE run_id = $1 AND rep_id = $2', params: [c.repId] }
}

export async function clusterSummary(
  store: HoundStore,
  runId: number,
  c: ClusterRef,
  page: { offset: number; limit: number },
): Promise<ClusterSummary> {
  const m = membersSql(c)
  const rows = await store.all<{ id: bigint | number; address: string }>(
    `SELECT a.address_id AS id, a.address FROM (${m.sql}) m JOIN addresses a USING (address_id)
     ORDER BY a.address_id LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)}`,
    [runId, ...m.params],
  )
  const t = await store.one<{ n: bigint; received: bigint | null; unspent: bigint | null }>(
    `SELECT count(*) AS n, sum(o.value) AS received,
            sum(CASE WHEN s.output_id IS NULL THEN o.value ELSE 0 END) AS unspent
     FROM (${m.sql}) m JOIN outputs o USING (address_id) LEFT JOIN outputs_spent s USING (output_id)`,
    [runId, ...m.params],
  )
  const received = Number(t?.received ?? 0)
  const balance = Number(t?.unspent ?? 0)
  return {
    clusterId: c.clusterId,
    size: c.size,
    addresses: rows.map((r) => ({ addressId: Number(r.id), address: r.address })),
    offset: page.offset,
    limit: page.limit,
    totals: { outputs: Number(t?.n ?? 0), received, spent: received - balance, balance },
  }
}

/**
 * The merges linking two address ids in a run, in path order; null when they are not in one cluster.
 */
export async function whyLinkedStored(
  store: HoundStore,
  runId: number,
  a: number,
  b: number,
): Promise<StoredEvidence[] | null> {
  const ca = await clusterOfAddressId(store, runId, a)
  const cb = await clusterOfAddressId(store, runId, b)
  if (ca.clusterId !== cb.clusterId) return null
  if (a === b) return []
  const rows = await store.all<EvidenceRow>(
    `SELECT * FROM (${await evidenceSelectSql(store)}) WHERE run_id = $1 AND applied
       AND addr_a IN (SELECT address_id FROM cluster_members WHERE run_id = $1 AND rep_id = $2) ORDER BY seq`,
    [runId, ca.repId],
  )
  const ev = rows.map(toStoredEvidence)
  const path = findMergePath(
    ev.map((e) => e.addrA),
    ev.map((e) => e.addrB),
    a,
    b,
  )
  return path === null ? null : path.map((k) => ev[k]!)
}

export type ClusterAt = { clusterId: string; size: number; height: number; memberIds: number[] }

/**
 * The cluster of an address as it was at height H: replay the run's merges decided at or below H. Its id is that
 * of its earliest member (addresses get ids in first-seen order in the store, so the smallest id).
 */
export async function clusterAtHeightStored(
  store: HoundStore,
  runId: number,
  addressId: number,
  height: number,
): Promise<ClusterAt> {
  const uf = await loadClusterUnionFind(store, runId, addressId + 1, height)
  const root = uf.find(addressId)
  const memberIds: number[] = []
  for (let x = 0; x < uf.size; x++) if (uf.find(x) === root) memberIds.push(x)
  const earliest = memberIds[0]!
  const s = (await addressStrings(store, [earliest])).get(earliest)
  if (s === undefined) throw new NotFoundError(`address id ${earliest} is not in the store`)
  return { clusterId: clusterIdOfAddress(s), size: memberIds.length, height, memberIds }
}

export type ClusterDiff = {
  runA: number
  runB: number
  /** Clusters of B made of several clusters of A. */
  merges: { cluster: string; size: number; from: string[] }[]
  /** Clusters of A split into several clusters of B. */
  splits: { cluster: string; size: number; into: string[] }[]
  mergeCount: number
  splitCount: number
}

/**
 * Splits and merges between two runs over the addresses of either run's non-singleton clusters (an address absent
 * from a run is a singleton there, named `addr:<id>` in the lists).
 */
export async function diffClusterRuns(
  store: HoundStore,
  runA: number,
  runB: number,
  limit = 100,
): Promise<ClusterDiff> {
  // a cluster is named by its earliest address (rep); an address missing from a run is a singleton there
  const joined = `
    WITH a AS (SELECT address_id, rep_id FROM cluster_members WHERE run_id = $1),
         b AS (SELECT address_id, rep_id FROM cluster_members WHERE run_id = $2),
         j AS (SELECT coalesce(a.address_id, b.address_id) AS address_id,
                      coalesce(a.rep_id, b.address_id) AS ra, a.rep_id IS NULL AS sa,
                      coalesce(b.rep_id, a.address_id) AS rb, b.rep_id IS NULL AS sb
               FROM a FULL OUTER JOIN b USING (address_id)),
         named AS (SELECT j.*, CASE WHEN sa THEN 'addr:' || ra ELSE ${clusterIdSql('xa.address')} END AS ca,
                          CASE WHEN sb THEN 'addr:' || rb ELSE ${clusterIdSql('xb.address')} END AS cb
                   FROM j LEFT JOIN addresses xa ON xa.address_id = j.ra LEFT JOIN addresses xb ON xb.address_id = j.rb)`
  const merges = await store.all<{ cluster: string; size: bigint; parts: string[]; n: bigint }>(
    `${joined} SELECT cb AS cluster, count(*) AS size, count(DISTINCT ca) AS n,
       list(DISTINCT ca ORDER BY ca)[1:20] AS parts
     FROM named GROUP BY cb HAVING count(DISTINCT ca) > 1 ORDER BY size DESC, cluster`,
    [runA, runB],
  )
  const splits = await store.all<{ cluster: string; size: bigint; parts: string[]; n: bigint }>(
    `${joined} SELECT ca AS cluster, count(*) AS size, count(DISTINCT cb) AS n,
       list(DISTINCT cb ORDER BY cb)[1:20] AS parts
     FROM named GROUP BY ca HAVING count(DISTINCT cb) > 1 ORDER BY size DESC, cluster`,
    [runA, runB],
  )
  return {
    runA,
    runB,
    merges: merges.slice(0, limit).map((r) => ({ cluster: r.cluster, size: Number(r.size), from: r.parts })),
    splits: splits.slice(0, limit).map((r) => ({ cluster: r.cluster, size: Number(r.size), into: r.parts })),
    mergeCount: merges.length,
    splitCount: splits.length,
  }
}

export { loadClusterEvidence }

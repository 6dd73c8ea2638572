/**
 * Persist a clustering run: append its new evidence records (the log is append-only), rewrite the membership of
 * non-singleton clusters, and upsert the run row — all in one store transaction.
 * @module
 */

import type { Clustering } from '../cluster/Clustering.js'
import type { ResolvedClusterParameters } from '../cluster/clusterGraph.js'
import { STATUS_APPLIED, STATUS_CANNOT_LINK, STATUS_SIZE_GUARD } from '../cluster/EvidenceLog.js'
import { kindsOf } from './btcSchema.js'
import { ChunkAppender } from './ChunkAppender.js'
import { clusterParamsKey } from './clusterRuns.js'
import { clusterEvidenceColumns, clusterMemberColumns, ensureClusterSchema } from './clusterSchema.js'
import type { HoundStore } from './HoundStore.js'

export type SaveClusterRunOptions = {
  params: ResolvedClusterParameters
  /** Extend this run (incremental update); its evidence up to `seqOffset` is already stored. */
  runId?: number
  /** Number of evidence records already stored for the run (the seq of the first new record). */
  seqOffset?: number
  /** Store tx_id of graph tx 0 (graphs loaded from the first stored block: the first block's first_tx_id, 0). */
  txIdOffset?: number
}

export async function saveClusterRun(store: HoundStore, c: Clustering, opts: SaveClusterRunOptions): Promise<number> {
  await ensureClusterSchema(store)
  return store.transaction(async () => {
    let runId = opts.runId
    const seqOffset = opts.seqOffset ?? 0
    if (runId === undefined) {
      const r = await store.one<{ id: number | null }>('SELECT max(run_id) AS id FROM cluster_runs')
      runId = (r?.id ?? 0) + 1
      await store.run(
        `INSERT INTO cluster_runs (run_id, params_key, params, to_height, created, updated)
         VALUES ($1, $2, $3, $4, current_timestamp, current_timestamp)`,
        [runId, clusterParamsKey(opts.params), JSON.stringify(opts.params), c.throughHeight],
      )
    }
    const log = c.log
    const ev = new ChunkAppender(
      await store.appender('cluster_evidence'),
      kindsOf(clusterEvidenceColumns),
      'cluster_evidence',
    )
    const txOff = opts.txIdOffset ?? 0
    for (let k = 0; k < log.length; k++) {
      ev.i32(0, runId)
      ev.i64(1, seqOffset + k)
      ev.i32(2, log.height(k))
      ev.i32(3, log.decisionHeight(k))
      ev.i64(4, txOff + log.tx[k]!)
      ev.u8(5, log.heuristic[k]!)
      ev.i32(6, Math.round(log.confidence[k]! * 1e6))
      ev.i32(7, log.addrA[k]!)
      ev.i32(8, log.addrB[k]!)
      ev.bool(9, log.status[k] === STATUS_APPLIED)
      ev.u8(10, log.status[k]!)
      ev.endRow()
    }
    ev.close()
    await store.run('DELETE FROM cluster_members WHERE run_id = $1', [runId])
    const mem = new ChunkAppender(
      await store.appender('cluster_members'),
      kindsOf(clusterMemberColumns),
      'cluster_members',
    )
    const uf = c.uf
    for (let a = 0; a < uf.size; a++) {
      const size = uf.sizeOf(a)
      if (size < 2) continue
      mem.i32(0, runId)
      mem.i32(1, a)
      mem.i32(2, c.representative(a))
      mem.i32(3, size)
      mem.endRow()
    }
    mem.close()
    await store.run(
      `UPDATE cluster_runs SET to_height = $2, updated = current_timestamp, addresses = $3, clusters = $4,
         largest = $5,
         evidence = (SELECT count(*) FROM cluster_evidence WHERE run_id = $1),
         held_back = (SELECT count(*) FROM cluster_evidence WHERE run_id = $1 AND status = ${STATUS_SIZE_GUARD}),
         blocked = (SELECT count(*) FROM cluster_evidence WHERE run_id = $1 AND status = ${STATUS_CANNOT_LINK})
       WHERE run_id = $1`,
      [runId, c.throughHeight, uf.size, uf.setCount, c.largestClusterSize()],
    )
    return runId
  })
}

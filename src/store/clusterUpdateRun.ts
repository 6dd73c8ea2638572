/**
 * Build or extend a stored clustering run. A run is identified by its parameters: with the same parameters as an
 * existing run that is complete through H1 < H2, only decisions in (H1, H2] are made (the union-find state is
 * rebuilt by replaying the run's applied evidence) and the new evidence is appended — equal to a rebuild by
 * construction (see clusterGraph.ts). `rebuild` discards the run's evidence and starts over.
 * @module
 */
import {
  type AddressLabel,
  type ClusterParameters,
  clusterGraph,
  resolveClusterParameters,
} from '../cluster/clusterGraph.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import { loadClusterUnionFind } from './clusterLoad.js'
import { type ClusterRunInfo, clusterParamsKey, findClusterRunByParams, getClusterRun } from './clusterRuns.js'
import { saveClusterRun } from './clusterSave.js'
import type { HoundStore } from './HoundStore.js'

export type UpdateClusterRunOptions = {
  params: ClusterParameters
  /** Decide links through this height (default: the graph's last height). */
  toHeight?: number
  labels?: ReadonlyMap<number, AddressLabel>
  rebuild?: boolean
  /** Store tx_id of graph tx 0 (default 0: the graph was loaded from the first stored block). */
  txIdOffset?: number
  onProgress?: (txsDone: number, txsTotal: number) => void
}

export type UpdateClusterRunResult = {
  run: ClusterRunInfo
  /** 'created' | 'extended' | 'rebuilt' | 'up_to_date'. */
  action: 'created' | 'extended' | 'rebuilt' | 'up_to_date'
  fromHeight: number
  newEvidence: number
  stats: ReturnType<typeof clusterGraph>['stats'] | null
}

export async function updateClusterRun(
  store: HoundStore,
  g: UtxoGraph,
  opts: UpdateClusterRunOptions,
): Promise<UpdateClusterRunResult> {
  const params = resolveClusterParameters(opts.params)
  let last = -1
  for (let t = 0; t < g.txCount; t++) last = Math.max(last, g.txHeight[t]!)
  const toHeight = opts.toHeight ?? last
  const existing = await findClusterRunByParams(store, clusterParamsKey(params))
  const base = { ...params, toHeight, onProgress: opts.onProgress, ...(opts.labels ? { labels: opts.labels } : {}) }
  if (existing && !opts.rebuild) {
    if (existing.toHeight >= toHeight) {
      return { run: existing, action: 'up_to_date', fromHeight: existing.toHeight, newEvidence: 0, stats: null }
    }
    const uf = await loadClusterUnionFind(store, existing.runId, g.addressCount)
    const c = clusterGraph(g, {
      ...base,
      resume: { uf, throughHeight: existing.toHeight },
    })
    const runId = await saveClusterRun(store, c, {
      params,
      runId: existing.runId,
      seqOffset: existing.evidence,
      txIdOffset: opts.txIdOffset ?? 0,
    })
    return {
      run: await getClusterRun(store, runId),
      action: 'extended',
      fromHeight: existing.toHeight,
      newEvidence: c.log.length,
      stats: c.stats,
    }
  }
  const c = clusterGraph(g, base)
  let runId: number
  if (existing) {
    runId = await store.transaction(async () => {
      await store.run('DELETE FROM cluster_evidence WHERE run_id = $1', [existing.runId])
      return saveClusterRun(store, c, { params, runId: existing.runId, seqOffset: 0, txIdOffset: opts.txIdOffset ?? 0 })
    })
  } else {
    runId = await saveClusterRun(store, c, { params, txIdOffset: opts.txIdOffset ?? 0 })
  }
  return {
    run: await getClusterRun(store, runId),
    action: existing ? 'rebuilt' : 'created',
    fromHeight: -1,
    newEvidence: c.log.length,
    stats: c.stats,
  }
}

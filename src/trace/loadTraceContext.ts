/**
 * Wire the tracing engine to a store: the in-memory graph (`loadUtxoGraph` of src/graph), intelligence labels
 * (`loadServiceLabels` of src/intel), the latest clustering (`loadClusterAssignment`) and the CoinJoin detector.
 *
 * Loaders written by other parts of the project are imported lazily and are optional: when one is missing (not
 * built yet) the trace runs without it and `missing` says so (the CLI prints it, the result's dataVersion records it).
 * @module
 */
import { detectCoinJoin } from '../cluster/coinjoin/detectCoinJoin.js'
import { NotSyncedError } from '../core/errors.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import { btcStats } from '../store/btcStats.js'
import type { HoundStore } from '../store/HoundStore.js'
import type { GraphCoverage } from './resolveSeeds.js'
import type { CoinJoinDetector, ServiceLabel } from './types.js'

export type TraceContext = {
  readonly graph: UtxoGraph
  readonly labels: ReadonlyMap<number, ServiceLabel>
  readonly clusterOf?: (address: number) => string | null
  readonly clusterMembers?: (cluster: string) => readonly number[] | null
  readonly detectCoinJoin: CoinJoinDetector
  readonly coverage: GraphCoverage
  readonly dataVersion: Record<string, string | number | null>
  /** Collaborators that were not available (e.g. `labels`, `clusters`). */
  readonly missing: string[]
  readonly loadMs: number
}

type GraphLoader = (store: HoundStore, o?: { fromHeight?: number; toHeight?: number }) => Promise<UtxoGraph>
type LabelLoader = (store: HoundStore) => Promise<Map<number, ServiceLabel>>
type ClusterLoader = (store: HoundStore) => Promise<Map<number, string>>

/** Import a module by a path relative to this file; null when it does not exist (not built yet). */
async function optional<T>(rel: string): Promise<T | null> {
  try {
    return (await import(rel)) as T
  } catch (e) {
    const code = (e as { code?: string }).code
    if (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url/i.test(String(e))) return null
    throw e
  }
}

export async function loadTraceContext(
  store: HoundStore,
  o: { fromHeight?: number; toHeight?: number; clusters?: boolean; labels?: boolean } = {},
): Promise<TraceContext> {
  const missing: string[] = []
  const stats = await btcStats(store)
  if (stats.tipHeight === null) {
    throw new NotSyncedError(`store ${store.path} holds no blocks yet: run 'hound ingest btc' first`, {
      details: { file: store.path },
    })
  }
  if (o.fromHeight !== undefined && o.fromHeight > stats.tipHeight) {
    throw new NotSyncedError(`--from-height ${o.fromHeight} is above the synced tip ${stats.tipHeight}`, {
      details: { tipHeight: stats.tipHeight },
    })
  }
  const gm = await optional<{ loadUtxoGraph: GraphLoader }>('../graph/loadUtxoGraph.js')
  if (!gm) throw new NotSyncedError('this build has no graph loader (src/graph/loadUtxoGraph.ts)')
  const started = performance.now()
  const range: { fromHeight?: number; toHeight?: number } = {}
  if (o.fromHeight !== undefined) range.fromHeight = o.fromHeight
  if (o.toHeight !== undefined) range.toHeight = o.toHeight
  const graph = await gm.loadUtxoGraph(store, range)
  const loadMs = performance.now() - started

  let labels: ReadonlyMap<number, ServiceLabel> = new Map()
  if (o.labels !== false) {
    const lm = await optional<{ loadServiceLabels: LabelLoader }>('../intel/loadServiceLabels.js')
    if (lm) labels = await lm.loadServiceLabels(store)
    else missing.push('labels')
  }
  let clusterOf: ((a: number) => string | null) | undefined
  let clusterMembers: ((c: string) => readonly number[] | null) | undefined
  if (o.clusters !== false) {
    const cm = await optional<{ loadClusterAssignment: ClusterLoader }>('../store/clusterLoad.js')
    let assignment: Map<number, string> | null = null
    try {
      assignment = cm ? await cm.loadClusterAssignment(store) : null
    } catch {
      assignment = null // no clustering run in this store yet
    }
    if (assignment && assignment.size > 0) {
      const byCluster = new Map<string, number[]>()
      for (const [a, c] of assignment) {
        let m = byCluster.get(c)
        if (!m) byCluster.set(c, (m = []))
        m.push(a)
      }
      clusterOf = (a) => assignment.get(a) ?? null
      clusterMembers = (c) => byCluster.get(c) ?? null
    } else missing.push('clusters')
  }
  const coverage: GraphCoverage = {
    fromHeight: graph.txCount > 0 ? graph.txHeight[0]! : (o.fromHeight ?? 0),
    toHeight: graph.txCount > 0 ? graph.txHeight[graph.txCount - 1]! : (o.toHeight ?? 0),
    tipHeight: stats.tipHeight,
  }
  const ctx: TraceContext = {
    graph,
    labels,
    detectCoinJoin: (g, t) => detectCoinJoin(g, t),
    coverage,
    dataVersion: {
      store: store.path,
      chain: stats.chain,
      tipHeight: stats.tipHeight,
      tipHash: stats.tipHash,
      labels: labels.size,
      clustered: clusterOf ? 'yes' : 'no',
      missing: missing.length > 0 ? missing.join(',') : null,
    },
    missing,
    loadMs,
    ...(clusterOf ? { clusterOf } : {}),
    ...(clusterMembers ? { clusterMembers } : {}),
  }
  return ctx
}

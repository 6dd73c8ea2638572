/**
 * Wire the tracing engine to a store: the in-memory graph (`loadUtxoGraph` of src/graph), intelligence labels
 * (`loadServiceLabels` of src/intel), the latest clustering (`loadClusterAssignment`) and the CoinJoin detector.
 * A store without a clustering run traces without clusters, and `missing` says so (the result's dataVersion too).
 * @module
 */
import { detectCoinJoin, isCoinJoinForCioh } from '../cluster/coinjoin/detectCoinJoin.js'
import { NotSyncedError } from '../core/errors.js'
import { loadUtxoGraph } from '../graph/loadUtxoGraph.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import { loadServiceLabels } from '../intel/loadServiceLabels.js'
import { btcStats } from '../store/btcStats.js'
import { loadClusterAssignment } from '../store/clusterLoad.js'
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
  const started = performance.now()
  const range: { fromHeight?: number; toHeight?: number } = {}
  if (o.fromHeight !== undefined) range.fromHeight = o.fromHeight
  if (o.toHeight !== undefined) range.toHeight = o.toHeight
  const graph = await loadUtxoGraph(store, range)
  const loadMs = performance.now() - started

  let clusterOf: ((a: number) => string | null) | undefined
  let clusterMembers: ((c: string) => readonly number[] | null) | undefined
  if (o.clusters !== false) {
    let assignment: Map<number, string> | null = null
    try {
      assignment = await loadClusterAssignment(store)
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
  let labels: ReadonlyMap<number, ServiceLabel> = new Map()
  // loadServiceLabels creates the intel schema when missing: skip when there is none (nothing to load anyway).
  if (o.labels !== false && (await store.tables()).includes('intel_labels')) {
    const members = clusterOf && clusterMembers ? { clusterOf, clusterMembers } : null
    labels = await loadServiceLabels(
      store,
      members
        ? {
            clusterMembers: (a: number) => {
              const c = members.clusterOf(a)
              return c === null ? [a] : (members.clusterMembers(c) ?? [a])
            },
          }
        : {},
    )
  }
  if (labels.size === 0) missing.push('labels')
  const coverage: GraphCoverage = {
    fromHeight: graph.txCount > 0 ? graph.txHeight[0]! : (o.fromHeight ?? 0),
    toHeight: graph.txCount > 0 ? graph.txHeight[graph.txCount - 1]! : (o.toHeight ?? 0),
    tipHeight: stats.tipHeight,
  }
  const ctx: TraceContext = {
    graph,
    labels,
    // A Whirlpool tx0 (premix) has one owner: tracing goes through it like through any transaction.
    detectCoinJoin: (g, t) => {
      const m = detectCoinJoin(g, t)
      return m !== null && isCoinJoinForCioh(m) ? m : null
    },
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

/**
 * Build the screening warm state from a store: every label in force (LabelIndex) and, when the store holds a UTXO
 * chain, its graph (loadUtxoGraph) for exposure, with the tip height as the data version.
 * @module
 */
import { NotFoundError } from '../core/errors.js'
import type { Tlp } from '../core/model.js'
import { loadUtxoGraph } from '../graph/loadUtxoGraph.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import { LabelIndex } from '../intel/LabelIndex.js'
import { btcStats } from '../store/btcStats.js'
import { loadClusterAssignment } from '../store/clusterLoad.js'
import type { HoundStore } from '../store/HoundStore.js'
import type { ExposureParams } from './computeExposure.js'
import { Screener } from './Screener.js'

export type OpenScreenerOptions = {
  /** Load the chain graph for exposure (default true when the store holds a chain). */
  readonly withGraph?: boolean
  readonly maxTlp?: Tlp
  readonly exposure?: ExposureParams
  /** Load the latest clustering run when there is one (cluster labels, cluster exposure). Default true. */
  readonly withClusters?: boolean
}

export async function openScreener(store: HoundStore, opts: OpenScreenerOptions = {}): Promise<Screener> {
  const index = await LabelIndex.load(store, opts.maxTlp ? { maxTlp: opts.maxTlp } : {})
  let graph: UtxoGraph | null = null
  let tipHeight: number | null = null
  let chain: string | null = null
  if (opts.withGraph !== false) {
    const stats = await btcStats(store)
    if (stats.txs > 0) {
      graph = await loadUtxoGraph(store)
      tipHeight = stats.tipHeight
      chain = stats.chain
    }
  }
  let clusterOf: Map<number, string> | null = null
  if (graph && opts.withClusters !== false) {
    try {
      clusterOf = await loadClusterAssignment(store)
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e // no clustering run yet: addresses only
    }
  }
  return new Screener({
    index,
    graph,
    tipHeight,
    chain,
    clusterOf,
    ...(opts.exposure ? { exposure: opts.exposure } : {}),
  })
}

/**
 * Types shared by the tracing engine, its result builder and the CLI.
 *
 * The engine takes its collaborators as injected parameters so it runs on any `UtxoGraph` (hand-built in tests,
 * loaded from the store in the CLI): service labels, clusters and the CoinJoin detector are callbacks.
 * @module
 */
import type { LabelCategory } from '../core/model.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import type { Chunks } from './chunks.js'
import type { FeeConvention } from './feePreHaircut.js'
import type { PolicyName } from './kernel.js'

export type Direction = 'forward' | 'backward'

/** A labelled service (exchange, mixer, bridge, OTC…), from intelligence labels. */
export type ServiceLabel = { readonly category: LabelCategory; readonly entity: string }

/** What the clustering engineer's `detectCoinJoin(g, t)` returns (null when t is not a CoinJoin). */
export type CoinJoinInfo = {
  readonly kind: string
  readonly anonSet: number
  readonly denomination: number
  /** Absolute graph output ids of the equal outputs (as `detectCoinJoin` of src/cluster/coinjoin reports them). */
  readonly equalOutputs: readonly number[]
  readonly code?: string
}

export type CoinJoinDetector = (g: UtxoGraph, t: number) => CoinJoinInfo | null

/**
 * Why a trace stopped at an endpoint.
 * - `unspent`: the output is not spent (funds still there);
 * - `service`: the address (or its cluster) is a labelled service: the cash-out point (with stopAtServices);
 * - `max-hops`: hop limit reached (the output is spent, the trace did not follow);
 * - `below-min`: the tainted amount is below `minAmount`;
 * - `time-window`: the spending (forward) or funding (backward) transaction is outside the time window;
 * - `coinjoin`: the output is spent by a CoinJoin and the CoinJoin mode is `stop`;
 * - `coinbase`: (backward) newly minted coins: the origin of the value;
 * - `unknown-origin`: (backward) the funding output is outside the loaded graph;
 * - `budget`: the trace evaluated `maxTxs` transactions and stopped; the output was still being followed.
 */
export type StopReason =
  | 'unspent'
  | 'service'
  | 'max-hops'
  | 'below-min'
  | 'time-window'
  | 'coinjoin'
  | 'coinbase'
  | 'unknown-origin'
  | 'budget'

/** A seed resolved to the graph: an output (forward) whose whole value is tainted with `label`. */
export type ResolvedSeed = { readonly output: number; readonly label: number }

export type EngineParams = {
  readonly policies: readonly PolicyName[]
  /** Outputs with hop ≥ maxHops are not followed (hop 0 = seed). Default 10. */
  readonly maxHops?: number
  /** Outputs whose tainted amount is below this (satoshi) are not followed. Default 1. */
  readonly minAmount?: number
  readonly stopAtServices?: boolean
  readonly coinjoin?: 'stop' | 'spread'
  /** Unix seconds: forward stops before spends after `toTime`; backward stops before funding before `fromTime`. */
  readonly fromTime?: number
  readonly toTime?: number
  /** Service label of an address (its own label, or its cluster's): the trace stops there with stopAtServices. */
  readonly serviceOf?: (address: number) => ServiceLabel | null
  readonly detectCoinJoin?: CoinJoinDetector
  /** Stop after evaluating this many transactions (a guard against runaway traces). Default unlimited. */
  readonly maxTxs?: number
  /** Fee convention of the sequential policies (heuristics.md §4.2). Default `fee-last`. */
  readonly feeConvention?: FeeConvention
}

/** What one policy's traversal left behind, index-based (the result builder turns it into JSON). */
export type PolicyRun = {
  readonly policy: PolicyName
  /** Every output that received taint, with its chunk list. */
  readonly taint: Map<number, Chunks>
  /** Hop of every tainted output: shortest number of transactions from a seed (seed = 0). */
  readonly hop: Map<number, number>
  /** Outputs where the trace ended, with the reason. */
  readonly stop: Map<number, StopReason>
  /** Outputs whose taint went through a CoinJoin spread (probabilistic). */
  readonly probabilistic: Set<number>
  /** For each evaluated transaction, the tainted input prevout with the smallest hop (for paths). */
  readonly via: Map<number, number>
  /** Taint paid to miners, per transaction. */
  readonly fees: Map<number, Chunks>
  /** Backward only: inputs whose funding output is outside the loaded graph, with the value attributed to them. */
  readonly external: Map<number, Chunks>
  /** Transactions evaluated. */
  txs: number
  /** Seeded taint this policy actually claimed (forward: a seed downstream of another seed claims only the rest). */
  seeded: number
}

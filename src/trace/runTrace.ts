/**
 * `runTrace`: the programmatic entry point of tracing (used by `hound trace`, the demo and the server).
 * Parses and resolves seeds, runs the engine for one or every policy in one pass, and returns the JSON result:
 * one policy → a `PolicyResult` (plus params); `all` → one result per policy and a comparison of endpoints.
 * @module
 */
import { InvalidInputError } from '../core/errors.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import { buildPolicyResult, type PolicyResult } from './buildPolicyResult.js'
import type { FeeConvention } from './feePreHaircut.js'
import { type PolicyName, policyNames } from './kernel.js'
import { parseSeed, type SeedSpec } from './parseSeed.js'
import { type GraphCoverage, resolveSeeds, type SeedResolution } from './resolveSeeds.js'
import { makeLabelLookups } from './serviceLookup.js'
import { traceBackward } from './traceBackward.js'
import { traceForward } from './traceForward.js'
import type { CoinJoinDetector, Direction, ServiceLabel } from './types.js'

export type TraceOptions = {
  /** Seed strings (`txid:vout`, `txid`, address, `cluster:<id>`, each with optional `@label`) or parsed seeds. */
  readonly seeds: readonly (string | SeedSpec)[]
  readonly policy?: PolicyName | 'all'
  readonly direction?: Direction
  /** Default incident label for seeds without `@label`. */
  readonly label?: string
  readonly maxHops?: number
  readonly minAmount?: number
  readonly stopAtServices?: boolean
  readonly coinjoin?: 'stop' | 'spread'
  /** Stop after evaluating this many transactions (endpoints with reason `budget`). Default unlimited. */
  readonly maxTxs?: number
  readonly fromTime?: number
  readonly toTime?: number
  /** Intelligence labels by address id (the intel loader's map). */
  readonly labels?: ReadonlyMap<number, ServiceLabel>
  readonly clusterOf?: (address: number) => string | null
  readonly clusterMembers?: (cluster: string) => readonly number[] | null
  readonly detectCoinJoin?: CoinJoinDetector
  /** Fee convention of FIFO/LIFO/TIHO (heuristics.md §4.2): `fee-last` (default) or `pre-haircut`. */
  readonly feeConvention?: FeeConvention
  readonly coverage?: GraphCoverage
  /** What data the trace ran on (store tip, graph range, label count…), copied into the result for the case file. */
  readonly dataVersion?: Record<string, string | number | null>
}

export type TraceParams = {
  policy: PolicyName | 'all'
  direction: Direction
  maxHops: number
  minAmount: number
  stopAtServices: boolean
  coinjoin: 'stop' | 'spread'
  maxTxs: number | null
  feeConvention: FeeConvention
  fromTime: number | null
  toTime: number | null
}

export type SeedJson = { seed: string; kind: SeedSpec['kind']; label: string; outputs: number }

export type Comparison = {
  /** Endpoint keys (address, or txid:vout without address) reached by every policy. */
  everyPolicy: string[]
  /** Reached by at least one policy. */
  anyPolicy: string[]
  /** Amount per policy for every endpoint key of anyPolicy (0 when a policy did not reach it). */
  amounts: { endpoint: string; label: string | null; byPolicy: Record<string, number> }[]
}

export type SingleTrace = PolicyResult & {
  seeds: SeedJson[]
  params: TraceParams
  dataVersion: Record<string, string | number | null>
}

export type MultiTrace = {
  direction: Direction
  seeds: SeedJson[]
  params: TraceParams
  dataVersion: Record<string, string | number | null>
  policies: PolicyResult[]
  comparison: Comparison
}

export type TraceResult = SingleTrace | MultiTrace

export function isMultiTrace(r: TraceResult): r is MultiTrace {
  return 'policies' in r
}

/** Per-policy results of a trace result, whichever its shape. */
export function policyResults(r: TraceResult): PolicyResult[] {
  return isMultiTrace(r) ? r.policies : [r]
}

export function runTrace(g: UtxoGraph, o: TraceOptions): TraceResult {
  const policy = o.policy ?? 'haircut'
  if (policy !== 'all' && !policyNames.includes(policy)) {
    throw new InvalidInputError(`unknown policy ${String(policy)} (poison, haircut, fifo, lifo, tiho or all)`)
  }
  const direction = o.direction ?? 'forward'
  if (direction !== 'forward' && direction !== 'backward') {
    throw new InvalidInputError(`unknown direction ${String(direction)} (forward or backward)`)
  }
  const maxHops = o.maxHops ?? 10
  const minAmount = o.minAmount ?? 1
  if (!Number.isInteger(maxHops) || maxHops < 0) throw new InvalidInputError(`max hops must be an integer ≥ 0`)
  if (!Number.isInteger(minAmount) || minAmount < 0)
    throw new InvalidInputError(`min amount must be integer satoshi ≥ 0`)
  if (o.feeConvention !== undefined && o.feeConvention !== 'fee-last' && o.feeConvention !== 'pre-haircut') {
    throw new InvalidInputError(`unknown fee convention ${String(o.feeConvention)} (fee-last or pre-haircut)`)
  }
  if (o.seeds.length === 0) throw new InvalidInputError('no seed given')
  const specs = o.seeds.map((s) => (typeof s === 'string' ? parseSeed(s, o.label ?? 'default') : s))
  const res: SeedResolution = resolveSeeds(g, specs, { clusterMembers: o.clusterMembers, coverage: o.coverage })
  const lookups = makeLabelLookups(o.labels ?? new Map(), o.clusterOf)
  const policies = policy === 'all' ? policyNames : [policy]
  const started = performance.now()
  const engine = {
    policies,
    maxHops,
    minAmount,
    stopAtServices: o.stopAtServices ?? false,
    coinjoin: o.coinjoin ?? 'stop',
    fromTime: o.fromTime,
    toTime: o.toTime,
    serviceOf: lookups.serviceOf,
    detectCoinJoin: o.detectCoinJoin,
    feeConvention: o.feeConvention ?? 'fee-last',
    maxTxs: o.maxTxs,
  } as const
  const runs = direction === 'forward' ? traceForward(g, res.seeds, engine) : traceBackward(g, res.seeds, engine)
  const ms = performance.now() - started
  const seen = new Set<number>()
  let taintedIn = 0
  for (const s of res.seeds) {
    if (seen.has(s.output)) continue
    seen.add(s.output)
    taintedIn += g.outValue[s.output]!
  }
  const results = runs.map((run) =>
    buildPolicyResult(g, run, {
      labels: res.labels,
      direction,
      taintedIn: direction === 'forward' ? run.seeded : taintedIn,
      ms,
      clusterOf: o.clusterOf,
      labelOf: lookups.labelOf,
    }),
  )
  const params: TraceParams = {
    policy,
    direction,
    maxHops,
    minAmount,
    stopAtServices: o.stopAtServices ?? false,
    coinjoin: o.coinjoin ?? 'stop',
    maxTxs: o.maxTxs ?? null,
    feeConvention: o.feeConvention ?? 'fee-last',
    fromTime: o.fromTime ?? null,
    toTime: o.toTime ?? null,
  }
  const seeds: SeedJson[] = res.perSeed.map((s) => ({ seed: s.text, kind: s.kind, label: s.label, outputs: s.outputs }))
  const dataVersion = {
    txCount: g.txCount,
    fromHeight: g.txCount > 0 ? g.txHeight[0]! : null,
    toHeight: g.txCount > 0 ? g.txHeight[g.txCount - 1]! : null,
    ...o.dataVersion,
  }
  if (policy !== 'all') return { ...results[0]!, seeds, params, dataVersion }
  return { direction, seeds, params, dataVersion, policies: results, comparison: compareResults(results) }
}

/** Endpoint key: the address, else the first evidence output. */
export function endpointKey(e: PolicyResult['endpoints'][number]): string {
  return e.address ?? e.outputs[0] ?? '?'
}

export function compareResults(results: readonly PolicyResult[]): Comparison {
  const amounts = new Map<string, { label: string | null; byPolicy: Record<string, number> }>()
  for (const r of results) {
    for (const e of r.endpoints) {
      const k = endpointKey(e)
      let row = amounts.get(k)
      if (!row) {
        row = { label: e.label, byPolicy: Object.fromEntries(results.map((x) => [x.policy, 0])) }
        amounts.set(k, row)
      }
      row.byPolicy[r.policy] = (row.byPolicy[r.policy] ?? 0) + e.amount
    }
  }
  const anyPolicy = [...amounts.keys()].sort()
  const everyPolicy = anyPolicy.filter((k) => results.every((r) => (amounts.get(k)!.byPolicy[r.policy] ?? 0) > 0))
  return {
    everyPolicy,
    anyPolicy,
    amounts: anyPolicy.map((k) => ({ endpoint: k, ...amounts.get(k)! })),
  }
}

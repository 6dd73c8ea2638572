/**
 * The clustering engine: common-input ownership and combined change heuristics over a UtxoGraph, with the
 * merge guards of heuristics.md §1.3 and an evidence record for every merge.
 *
 * Order of decisions. Every link gets a decision height: a multi-input link the height of its tx, a change link
 * the tx height + `changeHorizon` (the change voters C6–C9 look at spenders up to that height, so the decision
 * waits for them). Links are processed in decision-height order (multi-input first on ties, chain order within a
 * height). A run "through H" processes decision heights ≤ H, so resuming a run through H1 up to H2 performs
 * exactly the remaining decisions of a rebuild through H2: incremental update = rebuild, guards included.
 *
 * Exclusions: coinbases never take part; CIOH never fires on a CoinJoin (every detector of §5.2–5.6; a Whirlpool
 * tx0 keeps CIOH); change is not considered on CoinJoins or tx0s.
 * Guards: a merge of two clusters that are both larger than `maxMergeSize` is held back and logged; two clusters
 * whose labelled addresses name different service entities are never merged (cannot-link), also logged.
 * @module
 */
import { InvalidInputError } from '../core/errors.js'
import { isServiceCategory, type LabelCategory } from '../core/model.js'
import { isCoinbase, type UtxoGraph } from '../graph/UtxoGraph.js'
import { Clustering, type ClusterStats } from './Clustering.js'
import {
  type ChangeContext,
  newChangeContext,
  precomputeGraphCaches,
  prepareChangeContext,
} from './change/ChangeContext.js'
import { changeMasks, enabledBits } from './change/changeVotes.js'
import { type ChangeHeuristic, combineChangeVotes, precisionArray } from './change/combineChangeVotes.js'
import { detectCoinJoin } from './coinjoin/detectCoinJoin.js'
import { wasabi1CoordinatorAddresses } from './coinjoin/isWasabi1.js'
import {
  EvidenceLog,
  HEURISTIC_CHANGE,
  HEURISTIC_MULTI_INPUT,
  STATUS_APPLIED,
  STATUS_CANNOT_LINK,
  STATUS_SIZE_GUARD,
} from './EvidenceLog.js'
import { multiInputConfidence } from './multiInputConfidence.js'
import { UnionFind } from './UnionFind.js'

/**
 * `loadUtxoGraph` options for a graph that is only clustered: no txids or address strings (clustering works on ids;
 * skipping the names saves most of the load time), except the addresses a detector compares with.
 */
export const clusteringLoadOptions = { names: false, knownAddresses: wasabi1CoordinatorAddresses } as const

export type AddressLabel = { category: LabelCategory; entity: string }

export type ClusterParameters = {
  /** Common-input ownership (default true). */
  multiInput?: boolean
  /** Combined change heuristics (default false). */
  change?: boolean
  /** Minimum combined change probability for a change link (default 0.99). */
  threshold?: number
  /** Size guard T: a merge of two clusters both larger than T is held back (default 10,000). */
  maxMergeSize?: number
  /** Blocks a change decision waits for spending evidence (default 144). */
  changeHorizon?: number
  /** Change voters to use (default all). */
  changeHeuristics?: readonly ChangeHeuristic[]
  /** Voter precision overrides. */
  changePrecision?: Partial<Record<ChangeHeuristic, number>>
}

export type ClusterOptions = ClusterParameters & {
  /** Process decision heights ≤ toHeight (default: the graph's last height). */
  toHeight?: number
  /** Labels by address id; service entities give cannot-link constraints. */
  labels?: ReadonlyMap<number, AddressLabel>
  /** Continue a previous run that is complete through `resume.throughHeight`. */
  resume?: { uf: UnionFind; throughHeight: number }
  onProgress?: (txsDone: number, txsTotal: number) => void
}

export type ResolvedClusterParameters = Required<Omit<ClusterParameters, 'changePrecision'>> & {
  changePrecision: Partial<Record<ChangeHeuristic, number>>
}

export function resolveClusterParameters(p: ClusterParameters = {}): ResolvedClusterParameters {
  const r = {
    multiInput: p.multiInput ?? true,
    change: p.change ?? false,
    threshold: p.threshold ?? 0.99,
    maxMergeSize: p.maxMergeSize ?? 10_000,
    changeHorizon: p.changeHorizon ?? 144,
    changeHeuristics: p.changeHeuristics ?? ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9'],
    changePrecision: p.changePrecision ?? {},
  }
  if (!(r.threshold > 0 && r.threshold <= 1))
    throw new InvalidInputError(`threshold must be in (0, 1], got ${r.threshold}`)
  if (!(Number.isInteger(r.maxMergeSize) && r.maxMergeSize >= 1))
    throw new InvalidInputError(`maxMergeSize must be a positive integer, got ${r.maxMergeSize}`)
  if (!(Number.isInteger(r.changeHorizon) && r.changeHorizon >= 0))
    throw new InvalidInputError(`changeHorizon must be a non-negative integer, got ${r.changeHorizon}`)
  return r
}

/** Decision state for CoinJoin detection, cached per tx: 0 unknown, 1 none, 2 CoinJoin, 3 Whirlpool tx0. */
const CJ_NONE = 1
const CJ_COINJOIN = 2
const CJ_TX0 = 3

export function clusterGraph(g: UtxoGraph, opts: ClusterOptions = {}): Clustering {
  const p = resolveClusterParameters(opts)
  let lastHeight = 0
  for (let t = 0; t < g.txCount; t++) lastHeight = Math.max(lastHeight, g.txHeight[t]!)
  const toHeight = opts.toHeight ?? lastHeight
  const from = opts.resume?.throughHeight ?? -1
  const uf = opts.resume?.uf ?? new UnionFind(g.addressCount)
  uf.grow(g.addressCount)
  // the log holds this run's new records only (a resumed run's earlier records are in the store)
  const log = new EvidenceLog(g.txHeight, p.changeHorizon, Math.max(1024, g.inputCount >>> 2))
  const stats: ClusterStats = {
    multiInputMerges: 0,
    changeMerges: 0,
    heldBackBySize: 0,
    blockedByCannotLink: 0,
    coinJoinsSkipped: 0,
    changeDecided: 0,
  }

  // cannot-link: service entity per root (-1 none)
  let entity: Int32Array | null = null
  if (opts.labels && opts.labels.size > 0) {
    entity = new Int32Array(uf.size).fill(-1)
    const ids = new Map<string, number>()
    for (const [a, l] of opts.labels) {
      if (a < 0 || a >= uf.size || !isServiceCategory(l.category)) continue
      let e = ids.get(l.entity)
      if (e === undefined) {
        e = ids.size
        ids.set(l.entity, e)
      }
      const r = uf.find(a)
      if (entity[r] === -1) entity[r] = e
    }
  }

  const T = p.maxMergeSize
  let blockedTx = -1
  let blockedA = -1
  let blockedB = -1
  const tryUnion = (a: number, b: number, heuristic: number, conf: number, t: number) => {
    const ra = uf.find(a)
    const rb = uf.find(b)
    if (ra === rb) return false
    let status = STATUS_APPLIED
    if (uf.sizeOfRoot(ra) > T && uf.sizeOfRoot(rb) > T) status = STATUS_SIZE_GUARD
    else if (entity !== null) {
      const ea = entity[ra]!
      const eb = entity[rb]!
      if (ea >= 0 && eb >= 0 && ea !== eb) status = STATUS_CANNOT_LINK
    }
    if (status !== STATUS_APPLIED) {
      // one record per blocked cluster pair and transaction
      const lo = Math.min(ra, rb)
      const hi = Math.max(ra, rb)
      if (blockedTx === t && blockedA === lo && blockedB === hi) return false
      blockedTx = t
      blockedA = lo
      blockedB = hi
      log.push(t, heuristic, conf, a, b, status)
      if (status === STATUS_SIZE_GUARD) stats.heldBackBySize++
      else stats.blockedByCannotLink++
      return false
    }
    const r = uf.linkRoots(ra, rb)
    if (entity !== null) {
      const ea = entity[ra]!
      entity[r] = ea >= 0 ? ea : entity[rb]!
    }
    log.push(t, heuristic, conf, a, b, STATUS_APPLIED)
    return true
  }

  const cj = new Uint8Array(g.txCount)
  const cjState = (t: number): number => {
    let s = cj[t]!
    if (s === 0) {
      const m = detectCoinJoin(g, t)
      s = m === null ? CJ_NONE : m.kind === 'whirlpool_tx0' ? CJ_TX0 : CJ_COINJOIN
      cj[t] = s
    }
    return s
  }

  const doMultiInput = (t: number) => {
    const i0 = g.txInStart[t]!
    const i1 = g.txInStart[t + 1]!
    if (i1 - i0 < 2 || isCoinbase(g, t)) return
    if (cjState(t) === CJ_COINJOIN) {
      stats.coinJoinsSkipped++
      return
    }
    let first = -1
    let conf = -1
    for (let i = i0; i < i1; i++) {
      const a = g.inAddr[i]!
      if (a < 0) continue
      if (first < 0) {
        first = a
        continue
      }
      if (conf < 0) conf = multiInputConfidence(g, t)
      if (tryUnion(first, a, HEURISTIC_MULTI_INPUT, conf, t)) stats.multiInputMerges++
    }
  }

  const ctx: ChangeContext = newChangeContext(g)
  if (p.change) precomputeGraphCaches(ctx)
  const masks = new Int32Array(9)
  const prob = new Float64Array(32)
  const enabled = enabledBits(p.changeHeuristics)
  const precision = precisionArray(p.changePrecision)
  const doChange = (t: number) => {
    if (!prepareChangeContext(ctx, g, t, p.changeHorizon)) return
    if (cjState(t) !== CJ_NONE) return
    let inAddr = -1
    for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]! && inAddr < 0; i++) inAddr = g.inAddr[i]!
    if (inAddr < 0) return
    changeMasks(ctx, enabled, masks)
    combineChangeVotes(masks, ctx.spendable, ctx.n, precision, prob)
    let best = -1
    for (let k = 0; k < ctx.n; k++) if (best < 0 || prob[k]! > prob[best]!) best = k
    if (best < 0 || prob[best]! < p.threshold) return
    stats.changeDecided++
    const o = ctx.o0 + best
    if (tryUnion(inAddr, g.outAddr[o]!, HEURISTIC_CHANGE, prob[best]!, t)) stats.changeMerges++
  }

  // first tx whose decision is still to come
  const firstAfter = (minHeight: number) => {
    let lo = 0
    let hi = g.txCount
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (g.txHeight[mid]! > minHeight) hi = mid
      else lo = mid + 1
    }
    return lo
  }
  const hz = p.changeHorizon
  let pc = p.multiInput ? firstAfter(from) : g.txCount
  let pch = p.change ? firstAfter(from - hz) : g.txCount
  const total = g.txCount
  let done = 0
  const INF = Number.POSITIVE_INFINITY
  for (;;) {
    const hc = pc < total && g.txHeight[pc]! <= toHeight ? g.txHeight[pc]! : INF
    const hch = pch < total && g.txHeight[pch]! + hz <= toHeight ? g.txHeight[pch]! + hz : INF
    if (hc === INF && hch === INF) break
    if (hc <= hch) doMultiInput(pc++)
    else doChange(pch++)
    if ((++done & 0xffff) === 0) opts.onProgress?.(Math.max(pc, pch), total)
  }
  opts.onProgress?.(Math.max(pc, pch), total)
  log.trim()
  return new Clustering(g, uf, log, Math.max(toHeight, from), stats)
}

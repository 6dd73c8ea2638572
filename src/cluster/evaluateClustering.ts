/**
 * Accuracy of a clustering against ground truth (simulator truth; heuristics.md §0 definitions):
 * - clustering: pairwise precision/recall over address pairs (from the cluster × entity contingency table, never
 *   enumerating pairs), cluster count, largest cluster, wrong merges (applied unions joining two clusters whose
 *   majority entities differ, found by replaying the evidence log);
 * - entity-level recall beside the pairwise scores (evaluateClusteringEntityRecall.ts): per true entity with ≥ 2
 *   addresses, the share of its addresses in its largest cluster (mean and median), its own pairwise recall (mean) and
 *   whether one cluster holds all of them — every entity weighs the same, unlike pairwise recall;
 * - per link heuristic (multi-input, change): precision = share of applied links whose two addresses belong to the
 *   same entity; coverage = share of eligible transactions that produced a decision;
 * - per change voter C1–C9 and the combined model: precision = committed unique answers equal to the true change
 *   output; coverage = committed / eligible txs (non-coinbase, not a true CoinJoin, ≥ 2 spendable outputs, with a
 *   true change output);
 * - CoinJoin detection: precision/recall of detectCoinJoin (tx0 excluded) against the truth's CoinJoins.
 * @module
 */
import { isCoinbase, type UtxoGraph } from '../graph/UtxoGraph.js'
import type { Clustering } from './Clustering.js'
import {
  type ChangeContext,
  newChangeContext,
  popcount,
  precomputeGraphCaches,
  prepareChangeContext,
} from './change/ChangeContext.js'
import { changeMasks } from './change/changeVotes.js'
import {
  type ChangeHeuristic,
  changeHeuristics,
  combineChangeVotes,
  precisionArray,
} from './change/combineChangeVotes.js'
import { detectCoinJoin, isCoinJoinForCioh } from './coinjoin/detectCoinJoin.js'
import { HEURISTIC_CHANGE, HEURISTIC_MULTI_INPUT, STATUS_APPLIED } from './EvidenceLog.js'
import { type EntityRecall, evaluateClusteringEntityRecall } from './evaluateClusteringEntityRecall.js'
import type { ClusteringTruth } from './readClusteringTruth.js'

export type PairwiseScore = {
  precision: number
  recall: number
  /** Address pairs placed together / truly together / both. */
  predictedPairs: number
  truePairs: number
  correctPairs: number
}

export type LinkScore = { links: number; correct: number; precision: number; coverage: number; eligible: number }
export type VoterScore = { committed: number; correct: number; precision: number; coverage: number }

export type ClusteringEvaluation = {
  addressesWithTruth: number
  clusters: number
  largestCluster: number
  wrongMerges: number
  pairwise: PairwiseScore
  /** Pairwise scores restricted to the addresses of entities of one type (individual, exchange, …). */
  pairwiseByType: Record<string, PairwiseScore & { addresses: number; entities: number }>
  /** Entity-level recall (macro averages over true entities with ≥ 2 addresses), beside the pairwise scores. */
  entityRecall: EntityRecall
  /** The same per entity type. */
  entityRecallByType: Record<string, EntityRecall>
  multiInput: LinkScore
  changeLinks: LinkScore
  /** Per change voter and `combined` (the combiner at the run's threshold). */
  changeVoters: Record<ChangeHeuristic | 'combined', VoterScore>
  changeEligible: number
  coinJoinDetection: { truth: number; detected: number; correct: number; precision: number; recall: number }
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b)
const pairs = (n: number) => (n * (n - 1)) / 2

/** Pairwise scores of a labelling (root per address) against the truth entity per address. */
export function pairwiseScore(rootOf: (a: number) => number, entityOf: Int32Array, entityCount: number): PairwiseScore {
  const cell = new Map<number, number>()
  const clusterSize = new Map<number, number>()
  const entitySize = new Float64Array(entityCount)
  const E = entityCount + 1
  for (let a = 0; a < entityOf.length; a++) {
    const e = entityOf[a]!
    if (e < 0) continue
    const r = rootOf(a)
    const key = r * E + e
    cell.set(key, (cell.get(key) ?? 0) + 1)
    clusterSize.set(r, (clusterSize.get(r) ?? 0) + 1)
    entitySize[e]!++
  }
  let correct = 0
  for (const n of cell.values()) correct += pairs(n)
  let predicted = 0
  for (const n of clusterSize.values()) predicted += pairs(n)
  let truth = 0
  for (const n of entitySize) truth += pairs(n)
  return {
    precision: predicted === 0 ? 1 : correct / predicted,
    recall: ratio(correct, truth),
    predictedPairs: predicted,
    truePairs: truth,
    correctPairs: correct,
  }
}

/** Applied unions joining two clusters whose majority (truth) entities differ. Small-to-large count merging. */
export function countWrongMerges(c: Clustering, entityOf: Int32Array): number {
  const counts = new Map<number, Map<number, number>>()
  const major = new Map<number, number>()
  const parent = new Int32Array(c.uf.size)
  for (let a = 0; a < parent.length; a++) parent[a] = a
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!
      x = parent[x]!
    }
    return x
  }
  const countsOf = (r: number): Map<number, number> => {
    let m = counts.get(r)
    if (!m) {
      m = new Map()
      const e = r < entityOf.length ? entityOf[r]! : -1
      if (e >= 0) {
        m.set(e, 1)
        major.set(r, e)
      }
      counts.set(r, m)
    }
    return m
  }
  let wrong = 0
  const log = c.log
  for (let k = 0; k < log.length; k++) {
    if (log.status[k] !== STATUS_APPLIED) continue
    let ra = find(log.addrA[k]!)
    let rb = find(log.addrB[k]!)
    if (ra === rb) continue
    let ma = countsOf(ra)
    let mb = countsOf(rb)
    const ea = major.get(ra)
    const eb = major.get(rb)
    if (ea !== undefined && eb !== undefined && ea !== eb) wrong++
    if (ma.size < mb.size) {
      ;[ra, rb] = [rb, ra]
      ;[ma, mb] = [mb, ma]
    }
    parent[rb] = ra
    let best = major.get(ra)
    let bestN = best === undefined ? 0 : (ma.get(best) ?? 0)
    for (const [e, n] of mb) {
      const v = (ma.get(e) ?? 0) + n
      ma.set(e, v)
      if (v > bestN) [best, bestN] = [e, v]
    }
    if (best !== undefined) major.set(ra, best)
    counts.delete(rb)
    major.delete(rb)
  }
  return wrong
}

export function evaluateClustering(
  g: UtxoGraph,
  c: Clustering,
  truth: ClusteringTruth,
  opts: { threshold?: number; changeHorizon?: number } = {},
): ClusteringEvaluation {
  const entityOf = truth.entityOf
  let withTruth = 0
  for (let a = 0; a < entityOf.length; a++) if (entityOf[a]! >= 0) withTruth++
  const root = (a: number) => c.uf.find(a)
  const pairwise = pairwiseScore(root, entityOf, truth.entities.length)
  const pairwiseByType: ClusteringEvaluation['pairwiseByType'] = {}
  for (const type of [...new Set(truth.entityType)].sort()) {
    const masked = entityOf.map((e) => (e >= 0 && truth.entityType[e] === type ? e : -1))
    let addresses = 0
    const ents = new Set<number>()
    for (const e of masked) {
      if (e < 0) continue
      addresses++
      ents.add(e)
    }
    pairwiseByType[type] = { ...pairwiseScore(root, masked, truth.entities.length), addresses, entities: ents.size }
  }
  const entity = evaluateClusteringEntityRecall(root, entityOf, truth.entityType)

  // links per heuristic
  const link = [
    { links: 0, correct: 0 },
    { links: 0, correct: 0 },
  ]
  const log = c.log
  for (let k = 0; k < log.length; k++) {
    if (log.status[k] !== STATUS_APPLIED) continue
    const h = log.heuristic[k]!
    const ea = entityOf[log.addrA[k]!] ?? -1
    const eb = entityOf[log.addrB[k]!] ?? -1
    if (ea < 0 || eb < 0) continue
    link[h]!.links++
    if (ea === eb) link[h]!.correct++
  }

  // eligibility and voters
  const ctx: ChangeContext = newChangeContext(g)
  precomputeGraphCaches(ctx)
  const masks = new Int32Array(9)
  const prob = new Float64Array(32)
  const precision = precisionArray()
  const threshold = opts.threshold ?? 0.99
  const horizon = opts.changeHorizon ?? 144
  const voters = Object.fromEntries(
    [...changeHeuristics, 'combined'].map((h) => [h, { committed: 0, correct: 0, precision: 0, coverage: 0 }]),
  ) as Record<ChangeHeuristic | 'combined', VoterScore>
  let multiEligible = 0
  let multiDecided = 0
  let changeEligible = 0
  // a Whirlpool tx0 has one owner: not a CoinJoin for CIOH
  const trueCj = new Set<number>()
  for (const [t, kind] of truth.coinjoins) if (kind !== 'whirlpool_tx0' && kind !== 'tx0') trueCj.add(t)
  const cj = { truth: trueCj.size, detected: 0, correct: 0 }
  const txDecidedMulti = new Uint8Array(g.txCount)
  for (let k = 0; k < log.length; k++) if (log.heuristic[k] === HEURISTIC_MULTI_INPUT) txDecidedMulti[log.tx[k]!] = 1
  for (let t = 0; t < g.txCount; t++) {
    if (isCoinbase(g, t)) continue
    const m = detectCoinJoin(g, t)
    if (isCoinJoinForCioh(m)) {
      cj.detected++
      if (trueCj.has(t)) cj.correct++
    }
    const nIn = g.txInStart[t + 1]! - g.txInStart[t]!
    if (nIn >= 2 && !trueCj.has(t)) {
      multiEligible++
      if (!isCoinJoinForCioh(m)) multiDecided++
    }
    const trueChange = truth.change.get(t)
    if (truth.coinjoins.has(t) || trueChange === undefined) continue
    if (!prepareChangeContext(ctx, g, t, horizon)) continue
    changeEligible++
    if (m !== null) continue
    changeMasks(ctx, 0x1ff, masks)
    const score = (name: ChangeHeuristic | 'combined', vout: number) => {
      const v = voters[name]
      v.committed++
      if (trueChange.includes(vout)) v.correct++
    }
    for (let h = 0; h < 9; h++) {
      const s = masks[h]! & ctx.spendable
      if (popcount(s) === 1) score(changeHeuristics[h]!, 31 - Math.clz32(s))
    }
    combineChangeVotes(masks, ctx.spendable, ctx.n, precision, prob)
    let best = -1
    for (let k = 0; k < ctx.n; k++) if (best < 0 || prob[k]! > prob[best]!) best = k
    if (best >= 0 && prob[best]! >= threshold) score('combined', best)
  }
  for (const v of Object.values(voters)) {
    v.precision = ratio(v.correct, v.committed)
    v.coverage = ratio(v.committed, changeEligible)
  }
  return {
    addressesWithTruth: withTruth,
    clusters: c.clusterCount,
    largestCluster: c.largestClusterSize(),
    wrongMerges: countWrongMerges(c, entityOf),
    pairwise,
    pairwiseByType,
    entityRecall: entity.overall,
    entityRecallByType: entity.byType,
    multiInput: {
      ...link[HEURISTIC_MULTI_INPUT]!,
      precision: ratio(link[HEURISTIC_MULTI_INPUT]!.correct, link[HEURISTIC_MULTI_INPUT]!.links),
      coverage: ratio(multiDecided, multiEligible),
      eligible: multiEligible,
    },
    changeLinks: {
      ...link[HEURISTIC_CHANGE]!,
      precision: ratio(link[HEURISTIC_CHANGE]!.correct, link[HEURISTIC_CHANGE]!.links),
      coverage: voters.combined.coverage,
      eligible: changeEligible,
    },
    changeVoters: voters,
    changeEligible,
    coinJoinDetection: {
      ...cj,
      precision: ratio(cj.correct, cj.detected),
      recall: ratio(cj.correct, cj.truth),
    },
  }
}

/**
 * Entity-level recall of a clustering against ground truth, reported beside the pairwise scores.
 *
 * Pairwise recall weighs each true entity by its number of address pairs, so a few very large entities (payment
 * processors, exchanges) decide it. The measures here weigh every true entity equally, which is what the published
 * CIOH figure does (Nick 2015, heuristics.md §1.4: "recovers on average 68.59 % of a victim wallet's addresses").
 *
 * Only entities with at least 2 addresses (with a known owner, in the evaluated graph) are scored; a 1-address entity
 * is trivially "recovered" and would inflate every measure, so it is counted in `singletons` and left out. For a
 * scored entity e with n_e ≥ 2 addresses and contingency cells n_{k,e} (its addresses in cluster k):
 * - **address recall** = max_k n_{k,e} / n_e, the share of its addresses in its largest cluster (the cluster holding
 *   most of them; Nick's sense). Reported as the mean over scored entities (macro average) and the median (mean of the
 *   two middle values when the count is even);
 * - **pairwise recall** = Σ_k C(n_{k,e}, 2) / C(n_e, 2), reported as the mean over scored entities (macro average);
 * - **fully recovered** = max_k n_{k,e} = n_e (one cluster holds all its addresses), reported as a share of scored
 *   entities and a count.
 * These are recall measures only: a cluster mixing several entities does not lower them (pairwise precision and wrong
 * merges report that). Computed in one pass over the contingency table: addresses are bucketed by entity (counting
 * sort into typed arrays), then each entity's cluster counts are tallied in a scratch array indexed by cluster root and
 * reset on the way out, so the cost is O(addresses + entities) with no hash maps.
 * @module
 */

/** Entity-level recall over one group of entities (all, or one entity type). All shares are in [0, 1]. */
export type EntityRecall = {
  /** Entities with ≥ 2 addresses: the ones scored. */
  entities: number
  /** Entities with exactly 1 address: excluded from every measure below. */
  singletons: number
  /** Mean over scored entities of (addresses in the entity's largest cluster) / (its addresses). */
  addressRecallMean: number
  /** Median of the same per-entity share. */
  addressRecallMedian: number
  /** Mean over scored entities of the entity's own pairwise recall. */
  pairwiseRecallMacro: number
  /** Share of scored entities whose addresses all lie in one cluster. */
  fullyRecovered: number
  fullyRecoveredCount: number
}

/** Per-entity contingency summaries, indexed by entity. */
export type EntityRecallStats = {
  /** Addresses of the entity (with known owner). */
  size: Int32Array
  /** Addresses of the entity in its largest cluster. */
  largest: Int32Array
  /** Address pairs of the entity placed in the same cluster: Σ_k C(n_{k,e}, 2). */
  pairsTogether: Float64Array
}

const pairs = (n: number) => (n * (n - 1)) / 2

/**
 * Per-entity size, largest-cluster count and same-cluster pairs. `rootOf(a)` is the cluster id of address a (a
 * non-negative integer, e.g. a union-find root); `entityOf[a]` its true entity, -1 when unknown (skipped).
 */
export function entityRecallStats(
  rootOf: (a: number) => number,
  entityOf: Int32Array,
  entityCount: number,
): EntityRecallStats {
  const size = new Int32Array(entityCount)
  let known = 0
  for (let a = 0; a < entityOf.length; a++) {
    const e = entityOf[a]!
    if (e < 0) continue
    size[e]!++
    known++
  }
  // counting sort: the roots of each entity's addresses, contiguous
  const start = new Int32Array(entityCount + 1)
  for (let e = 0; e < entityCount; e++) start[e + 1] = start[e]! + size[e]!
  const fill = start.slice(0, entityCount)
  const roots = new Int32Array(known)
  let maxRoot = -1
  for (let a = 0; a < entityOf.length; a++) {
    const e = entityOf[a]!
    if (e < 0) continue
    const r = rootOf(a)
    roots[fill[e]!++] = r
    if (r > maxRoot) maxRoot = r
  }
  const count = new Int32Array(maxRoot + 1)
  const largest = new Int32Array(entityCount)
  const pairsTogether = new Float64Array(entityCount)
  for (let e = 0; e < entityCount; e++) {
    const s = start[e]!
    const t = start[e + 1]!
    let best = 0
    for (let i = s; i < t; i++) {
      const v = ++count[roots[i]!]!
      if (v > best) best = v
    }
    let together = 0
    for (let i = s; i < t; i++) {
      const r = roots[i]!
      const v = count[r]!
      if (v > 0) {
        together += pairs(v)
        count[r] = 0
      }
    }
    largest[e] = best
    pairsTogether[e] = together
  }
  return { size, largest, pairsTogether }
}

/** Median of the values (sorted in place); 0 for none. */
function median(v: Float64Array): number {
  if (v.length === 0) return 0
  v.sort()
  const m = v.length >> 1
  return v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2
}

/** Entity-level recall over the entities listed in `members` (all entities when omitted). */
export function summarizeEntityRecall(stats: EntityRecallStats, members?: ArrayLike<number>): EntityRecall {
  const n = members ? members.length : stats.size.length
  const shares = new Float64Array(n)
  let scored = 0
  let singletons = 0
  let shareSum = 0
  let pairSum = 0
  let full = 0
  for (let i = 0; i < n; i++) {
    const e = members ? members[i]! : i
    const size = stats.size[e]!
    if (size < 2) {
      if (size === 1) singletons++
      continue
    }
    const largest = stats.largest[e]!
    const share = largest / size
    shares[scored++] = share
    shareSum += share
    pairSum += stats.pairsTogether[e]! / pairs(size)
    if (largest === size) full++
  }
  const mean = (x: number) => (scored === 0 ? 0 : x / scored)
  return {
    entities: scored,
    singletons,
    addressRecallMean: mean(shareSum),
    addressRecallMedian: median(shares.subarray(0, scored)),
    pairwiseRecallMacro: mean(pairSum),
    fullyRecovered: mean(full),
    fullyRecoveredCount: full,
  }
}

/**
 * Entity-level recall overall and per entity type (`entityType[e]`, e.g. individual, exchange), for a clustering given
 * as a root per address. Types are listed in sorted order.
 */
export function evaluateClusteringEntityRecall(
  rootOf: (a: number) => number,
  entityOf: Int32Array,
  entityType: readonly string[],
): { overall: EntityRecall; byType: Record<string, EntityRecall> } {
  const stats = entityRecallStats(rootOf, entityOf, entityType.length)
  const members = new Map<string, number[]>()
  for (let e = 0; e < entityType.length; e++) {
    const t = entityType[e]!
    const l = members.get(t)
    if (l) l.push(e)
    else members.set(t, [e])
  }
  const byType: Record<string, EntityRecall> = {}
  for (const t of [...members.keys()].sort()) byType[t] = summarizeEntityRecall(stats, members.get(t)!)
  return { overall: summarizeEntityRecall(stats), byType }
}

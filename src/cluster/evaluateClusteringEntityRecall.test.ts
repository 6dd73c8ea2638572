import { describe, expect, test } from 'vitest'
import { pairwiseScore } from './evaluateClustering.js'
import {
  entityRecallStats,
  evaluateClusteringEntityRecall,
  summarizeEntityRecall,
} from './evaluateClusteringEntityRecall.js'

// Hand-built truth and clustering (cluster id = root address id):
//   entity 0 "A" individual: addresses 0-5, split in 3 clusters {0,1,2} (root 0), {3,4} (root 3), {5} (root 5)
//   entity 1 "B" individual: addresses 6,7 in cluster root 6, which also holds address 8 of entity C (a mixed cluster)
//   entity 2 "C" merchant:   addresses 8 (root 6, mixed), 9,10 (root 9)
//   entity 3 "D" individual: address 11 only (root 11) — a singleton, excluded
//   address 12: no known owner, placed in A's cluster root 0 — ignored
const root = [0, 0, 0, 3, 3, 5, 6, 6, 6, 9, 9, 11, 0]
const entityOf = Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 3, -1])
const entityType = ['individual', 'individual', 'merchant', 'individual']
const rootOf = (a: number) => root[a]!

describe('entity-level recall on a hand-built clustering', () => {
  test('per-entity contingency summaries', () => {
    const s = entityRecallStats(rootOf, entityOf, 4)
    expect([...s.size]).toEqual([6, 2, 3, 1])
    expect([...s.largest]).toEqual([3, 2, 2, 1])
    // A: C(3,2)+C(2,2)+C(1,2) = 3+1+0; B: 1; C: C(1,2)+C(2,2) = 1; D: 0
    expect([...s.pairsTogether]).toEqual([4, 1, 1, 0])
  })

  test('overall: macro averages over A, B, C (D excluded as a singleton)', () => {
    const { overall } = evaluateClusteringEntityRecall(rootOf, entityOf, entityType)
    expect(overall.entities).toBe(3)
    expect(overall.singletons).toBe(1)
    // address recall: A 3/6, B 2/2, C 2/3 → mean (1/2 + 1 + 2/3)/3 = 13/18, median 2/3
    expect(overall.addressRecallMean).toBeCloseTo(13 / 18, 12)
    expect(overall.addressRecallMedian).toBeCloseTo(2 / 3, 12)
    // pairwise recall: A 4/15, B 1/1, C 1/3 → mean (4/15 + 1 + 1/3)/3 = 8/15
    expect(overall.pairwiseRecallMacro).toBeCloseTo(8 / 15, 12)
    // only B is fully recovered (the mixed cluster does not lower recall)
    expect(overall.fullyRecoveredCount).toBe(1)
    expect(overall.fullyRecovered).toBeCloseTo(1 / 3, 12)
    // the pooled (micro) pairwise recall weighs A most: (4+1+1)/(15+1+3) = 6/19, well below the macro 8/15
    expect(pairwiseScore(rootOf, entityOf, 4).recall).toBeCloseTo(6 / 19, 12)
  })

  test('per type: individuals A, B (D excluded), merchants C', () => {
    const { byType } = evaluateClusteringEntityRecall(rootOf, entityOf, entityType)
    expect(Object.keys(byType)).toEqual(['individual', 'merchant'])
    const i = byType.individual!
    expect(i.entities).toBe(2)
    expect(i.singletons).toBe(1)
    expect(i.addressRecallMean).toBeCloseTo(3 / 4, 12)
    expect(i.addressRecallMedian).toBeCloseTo(3 / 4, 12) // even count: mean of 1/2 and 1
    expect(i.pairwiseRecallMacro).toBeCloseTo((4 / 15 + 1) / 2, 12)
    expect(i.fullyRecovered).toBe(1 / 2)
    expect(byType.merchant).toEqual({
      entities: 1,
      singletons: 0,
      addressRecallMean: 2 / 3,
      addressRecallMedian: 2 / 3,
      pairwiseRecallMacro: 1 / 3,
      fullyRecovered: 0,
      fullyRecoveredCount: 0,
    })
  })

  test('joining A into one cluster recovers it fully; tie for the largest cluster counts once', () => {
    const joined = root.map((r, a) => (a <= 5 ? 0 : r))
    const all = summarizeEntityRecall(entityRecallStats((a) => joined[a]!, entityOf, 4))
    expect(all.fullyRecoveredCount).toBe(2)
    expect(all.addressRecallMean).toBeCloseTo((1 + 1 + 2 / 3) / 3, 12)
    // A split 3/3 in two clusters: largest share 1/2, pairwise (3+3)/15
    const halves = root.map((r, a) => (a <= 2 ? 0 : a <= 5 ? 3 : r))
    const s = entityRecallStats((a) => halves[a]!, entityOf, 4)
    expect(s.largest[0]).toBe(3)
    expect(s.pairsTogether[0]).toBe(6)
  })

  test('no scorable entity: zeros, not NaN', () => {
    const r = summarizeEntityRecall(entityRecallStats((a) => a, Int32Array.from([0, 1, -1]), 2))
    expect(r).toEqual({
      entities: 0,
      singletons: 2,
      addressRecallMean: 0,
      addressRecallMedian: 0,
      pairwiseRecallMacro: 0,
      fullyRecovered: 0,
      fullyRecoveredCount: 0,
    })
  })
})

import { describe, expect, test } from 'vitest'
import { buildUtxoGraph } from '../graph/buildUtxoGraph.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import { type RandomChain, randomChain } from './_randomChain.js'
import { clusterGraph } from './clusterGraph.js'
import { countWrongMerges, evaluateClustering, pairwiseScore } from './evaluateClustering.js'
import { formatClusteringEvaluation } from './formatClusteringEvaluation.js'
import type { ClusteringTruth } from './readClusteringTruth.js'

function truthOf(rc: RandomChain, g: UtxoGraph): ClusteringTruth {
  const entityOf = new Int32Array(g.addressCount).fill(-1)
  for (const [addr, e] of rc.owner) {
    const a = g.names.addressIndex(addr)
    if (a >= 0) entityOf[a] = e
  }
  const change = new Map<number, number[]>()
  for (const [name, vout] of rc.change) change.set(g.names.txIndex(name), [vout])
  const coinjoins = new Map<number, string>()
  for (const name of rc.coinjoins) coinjoins.set(g.names.txIndex(name), 'generic')
  const n = Math.max(...rc.owner.values()) + 1
  return {
    entityOf,
    entities: Array.from({ length: n }, (_, e) => `e${e}`),
    entityType: Array.from({ length: n }, () => 'individual'),
    change,
    coinjoins,
    skipped: { addresses: 0, change: 0, coinjoins: 0 },
  }
}

describe('pairwise scores', () => {
  test('contingency counting equals pair enumeration', () => {
    // clusters {0,1,2} {3}; entities A A B B
    const root = [0, 0, 0, 3]
    const s = pairwiseScore((a) => root[a]!, Int32Array.from([0, 0, 1, 1]), 2)
    expect(s.predictedPairs).toBe(3)
    expect(s.truePairs).toBe(2)
    expect(s.correctPairs).toBe(1)
    expect(s.precision).toBeCloseTo(1 / 3)
    expect(s.recall).toBeCloseTo(1 / 2)
  })
})

describe('evaluation on a seeded chain with known owners', () => {
  const rc = randomChain(5, { txs: 300, entities: 8 })
  const g = buildUtxoGraph(rc.specs)
  const truth = truthOf(rc, g)

  test('multi-input with CoinJoin exclusion: zero wrong merges, link precision 1', () => {
    const c = clusterGraph(g)
    const ev = evaluateClustering(g, c, truth)
    expect(ev.wrongMerges).toBe(0)
    expect(ev.multiInput.precision).toBe(1)
    expect(ev.pairwise.precision).toBe(1)
    expect(ev.coinJoinDetection.recall).toBe(1)
    expect(ev.coinJoinDetection.precision).toBe(1)
  })

  test('without CoinJoin exclusion there would be wrong merges (the check can fail)', () => {
    const c = clusterGraph(g)
    // force-union the CoinJoin inputs as naive CIOH would
    for (const t of truth.coinjoins.keys()) {
      const i0 = g.txInStart[t]!
      for (let i = i0 + 1; i < g.txInStart[t + 1]!; i++) {
        const r = c.uf.union(g.inAddr[i0]!, g.inAddr[i]!)
        if (r >= 0) c.log.push(t, 0, 1, g.inAddr[i0]!, g.inAddr[i]!, 0)
      }
    }
    expect(countWrongMerges(c, truth.entityOf)).toBeGreaterThan(0)
  })

  test('change heuristics raise recall above multi-input alone at high precision', () => {
    const base = evaluateClustering(g, clusterGraph(g), truth)
    const withChange = evaluateClustering(g, clusterGraph(g, { change: true, changeHorizon: 2 }), truth, {
      changeHorizon: 2,
    })
    expect(withChange.pairwise.recall).toBeGreaterThan(base.pairwise.recall)
    expect(withChange.changeVoters.combined.committed).toBeGreaterThan(0)
    expect(withChange.changeVoters.c3.committed).toBeGreaterThan(0)
    expect(withChange.changeEligible).toBeGreaterThan(0)
  })

  test('entity-level recall agrees with brute force per entity, rises with change, and is in the report', () => {
    const c = clusterGraph(g, { change: true, changeHorizon: 2 })
    const ev = evaluateClustering(g, c, truth, { changeHorizon: 2 })
    const base = evaluateClustering(g, clusterGraph(g), truth)
    // brute force: enumerate every entity's addresses and pairs
    const byEntity = new Map<number, number[]>()
    truth.entityOf.forEach((e, a) => {
      if (e >= 0) byEntity.set(e, [...(byEntity.get(e) ?? []), a])
    })
    let n = 0
    let share = 0
    let pairRecall = 0
    let full = 0
    for (const addrs of byEntity.values()) {
      if (addrs.length < 2) continue
      n++
      const perCluster = new Map<number, number>()
      for (const a of addrs) perCluster.set(c.uf.find(a), (perCluster.get(c.uf.find(a)) ?? 0) + 1)
      const largest = Math.max(...perCluster.values())
      share += largest / addrs.length
      if (largest === addrs.length) full++
      let together = 0
      let all = 0
      for (let i = 0; i < addrs.length; i++)
        for (let j = i + 1; j < addrs.length; j++) {
          all++
          if (c.uf.find(addrs[i]!) === c.uf.find(addrs[j]!)) together++
        }
      pairRecall += together / all
    }
    expect(n).toBeGreaterThan(1)
    expect(ev.entityRecall.entities).toBe(n)
    expect(ev.entityRecall.addressRecallMean).toBeCloseTo(share / n, 12)
    expect(ev.entityRecall.pairwiseRecallMacro).toBeCloseTo(pairRecall / n, 12)
    expect(ev.entityRecall.fullyRecoveredCount).toBe(full)
    expect(ev.entityRecallByType.individual).toEqual(ev.entityRecall)
    expect(ev.entityRecall.addressRecallMean).toBeGreaterThan(base.entityRecall.addressRecallMean)
    expect(ev.entityRecall.pairwiseRecallMacro).toBeGreaterThan(base.entityRecall.pairwiseRecallMacro)
    const md = formatClusteringEvaluation({
      params: { threshold: 0.99, changeHorizon: 2, maxMergeSize: 10000 },
      multiInput: base,
      withChange: ev,
      truth: {},
    })
    const x = ev.entityRecall
    expect(md).toContain(
      `| multi-input + change | ${n} | ${x.addressRecallMean.toFixed(4)} | ${x.addressRecallMedian.toFixed(4)} | ${x.pairwiseRecallMacro.toFixed(4)} |`,
    )
    expect(md).toContain(
      `| individual | ${n} | ${base.entityRecall.addressRecallMean.toFixed(4)} → ${x.addressRecallMean.toFixed(4)} |`,
    )
    expect(md).toContain('| Run | Pairwise precision | Pairwise recall |')
  })
})

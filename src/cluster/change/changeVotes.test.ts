/** heuristics.md §2 worked example (golden test) and its negative case, plus each voter on its own. */
import { describe, expect, test } from 'vitest'
import { buildUtxoGraph, type TxSpec } from '../../graph/buildUtxoGraph.js'
import { clusterGraph } from '../clusterGraph.js'
import { changeVotes } from './changeVotes.js'
import { combineChangeVotes, defaultChangePrecision } from './combineChangeVotes.js'

function workedExample(o1Type: 'p2wpkh' | 'p2pkh'): TxSpec[] {
  return [
    { name: 'fa', coinbase: true, outputs: [{ address: 'A', value: 50_000_000 }] },
    { name: 'fb', coinbase: true, outputs: [{ address: 'B', value: 30_000_000 }] },
    { name: 'fp', coinbase: true, outputs: [{ address: 'P', value: 1_000, type: 'p2pkh' }] },
    {
      name: 'pay',
      inputs: ['fa:0', 'fb:0'],
      outputs: [
        { address: 'P', value: 60_000_000, type: 'p2pkh' },
        { address: 'C', value: 19_970_000, type: o1Type },
      ],
    },
  ]
}

const vote = (r: ReturnType<typeof changeVotes>, h: string) => r.votes.find((v) => v.heuristic === h)?.candidates

describe('change worked example (§2)', () => {
  test('C2, C3, C4, C5 all name O1; combined probability above 0.99', () => {
    const g = buildUtxoGraph(workedExample('p2wpkh'))
    const r = changeVotes(g, 3)
    expect(vote(r, 'c3')).toEqual([1])
    expect(vote(r, 'c4')).toEqual([1])
    expect(vote(r, 'c5')).toEqual([1])
    expect(vote(r, 'c2')).toEqual([1])
    expect(vote(r, 'c1')).toBeUndefined()
    expect(vote(r, 'c9')).toBeUndefined()
    expect(r.best).toBe(1)
    expect(r.probability[1]).toBeGreaterThan(0.99)
    // fee 30,000 sat
    expect(80_000_000 - 60_000_000 - 19_970_000).toBe(30_000)
  })

  test('expected result: CIOH merges {A, B} and change adds addr(O1)', () => {
    const g = buildUtxoGraph(workedExample('p2wpkh'))
    const id = (s: string) => g.names.addressIndex(s)
    const cioh = clusterGraph(g, { change: false })
    expect(cioh.uf.connected(id('A'), id('B'))).toBe(true)
    expect(cioh.uf.connected(id('A'), id('C'))).toBe(false)
    const withChange = clusterGraph(g, { change: true, changeHorizon: 0 })
    expect(withChange.uf.connected(id('A'), id('C'))).toBe(true)
    expect(withChange.uf.connected(id('A'), id('P'))).toBe(false)
    expect(withChange.stats.changeMerges).toBe(1)
  })

  test('negative: O1 made P2PKH → C4 returns {O0, O1}, the other voters unchanged', () => {
    const g = buildUtxoGraph(workedExample('p2pkh'))
    const r = changeVotes(g, 3)
    expect(vote(r, 'c4')).toEqual([0, 1])
    expect(vote(r, 'c3')).toEqual([1])
    expect(vote(r, 'c5')).toEqual([1])
    expect(vote(r, 'c2')).toEqual([1])
  })
})

describe('single voters', () => {
  test('C1 self-change names the output back to an input address and silences C2', () => {
    const g = buildUtxoGraph([
      { name: 'f', coinbase: true, outputs: [{ address: 'A', value: 10_000_000 }] },
      {
        name: 't',
        inputs: ['f:0'],
        outputs: [
          { address: 'X', value: 3_000_000 },
          { address: 'A', value: 6_990_000 },
        ],
      },
    ])
    const r = changeVotes(g, 1)
    expect(vote(r, 'c1')).toEqual([1])
    expect(vote(r, 'c2')).toBeUndefined()
  })

  test('C6/C8 use the spender; C9 follows a peel chain; spenders beyond the horizon are invisible', () => {
    const g = buildUtxoGraph([
      { name: 'f', coinbase: true, height: 0, outputs: [{ address: 'A', value: 10_000_000 }] },
      {
        name: 'peel1',
        height: 1,
        locktime: 100,
        version: 2,
        inputs: ['f:0'],
        outputs: [
          { address: 'X', value: 1_234_567 },
          { address: 'B', value: 8_700_000 },
        ],
      },
      {
        name: 'peel2',
        height: 2,
        locktime: 101,
        version: 2,
        inputs: ['peel1:1'],
        outputs: [
          { address: 'Y', value: 2_345_678 },
          { address: 'C', value: 6_300_000 },
        ],
      },
      {
        name: 'other',
        height: 10,
        locktime: 0,
        version: 1,
        inputs: ['peel1:0'],
        outputs: [{ address: 'Z', value: 1_200_000 }],
      },
    ])
    const r = changeVotes(g, 1, { horizon: 144 })
    expect(vote(r, 'c6')).toEqual([1])
    expect(vote(r, 'c8')).toEqual([1])
    expect(vote(r, 'c9')).toEqual([1])
    const near = changeVotes(g, 1, { horizon: 3 })
    // 'other' (height 10) is beyond the horizon: output 0 counts as unspent
    expect(vote(near, 'c6')).toEqual([0, 1])
  })

  test('combiner: abstentions and all-candidate votes carry no information; agreeing voters multiply', () => {
    const out = new Float64Array(2)
    combineChangeVotes([0, 3], 3, 2, [0.9, 0.9], out)
    expect(out[0]).toBeCloseTo(0.5)
    combineChangeVotes([2], 3, 2, [defaultChangePrecision.c2], out)
    expect(out[1]).toBeCloseTo(defaultChangePrecision.c2)
    combineChangeVotes([2, 2], 3, 2, [0.9, 0.9], out)
    expect(out[1]).toBeCloseTo(0.81 / (0.81 + 0.01))
    combineChangeVotes([2, 1], 3, 2, [0.9, 0.9], out)
    expect(out[1]).toBeCloseTo(0.5)
  })
})

import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { detectCoinJoin } from '../cluster/coinjoin/detectCoinJoin.js'
import { buildUtxoGraph, txidOfName } from '../graph/buildUtxoGraph.js'
import { spendingTx } from '../graph/UtxoGraph.js'
import { arbChainPlan, chainFromPlan } from './_testRandomChain.js'
import type { PolicyResult } from './buildPolicyResult.js'
import { policyNames } from './kernel.js'
import { type MultiTrace, runTrace, type SingleTrace } from './runTrace.js'
import type { ServiceLabel } from './types.js'

const id = txidOfName
/**
 * theft:0 (600 stolen) + clean:0 (400) → mix1: X 500, Y 490, fee 10; X → exchange E1 495 (fee 5); Y → Z 480 (fee 10).
 */
const g = buildUtxoGraph([
  { name: 'fund', coinbase: true, outputs: [{ address: 'V', value: 1000 }] },
  {
    name: 'theft',
    inputs: ['fund:0'],
    outputs: [
      { address: 'T1', value: 600 },
      { address: 'V', value: 390 },
    ],
  },
  { name: 'clean', coinbase: true, outputs: [{ address: 'C', value: 400 }] },
  {
    name: 'mix1',
    inputs: ['theft:0', 'clean:0'],
    outputs: [
      { address: 'X', value: 500 },
      { address: 'Y', value: 490 },
    ],
  },
  { name: 'ex', inputs: ['mix1:0'], outputs: [{ address: 'E1', value: 495 }] },
  { name: 'hop2', inputs: ['mix1:1'], outputs: [{ address: 'Z', value: 480 }] },
])
const seed = `${id('theft')}:0@hack`
const labels = new Map<number, ServiceLabel>([[g.names.addressIndex('E1'), { category: 'exchange', entity: 'ExA' }]])
const amounts = (r: PolicyResult) => Object.fromEntries(r.endpoints.map((e) => [e.address, e.amount]))

describe('runTrace forward on a hand-built chain', () => {
  test('haircut: exact integers along two hops, conservation, service stop', () => {
    const r = runTrace(g, { seeds: [seed], policy: 'haircut', stopAtServices: true, labels }) as SingleTrace
    expect(r.policy).toBe('haircut')
    expect(r.taintedIn).toBe(600)
    // X = ⌊600·500/1000⌋ = 300, Y = 294; E1 = ⌊300·495/500⌋ = 297; Z = ⌊294·480/490⌋ = 288
    expect(amounts(r)).toEqual({ E1: 297, Z: 288 })
    const e1 = r.endpoints.find((e) => e.address === 'E1')!
    expect(e1).toMatchObject({ reason: 'service', label: 'ExA', category: 'exchange', hops: 2, byLabel: { hack: 297 } })
    expect(e1.path).toEqual([id('theft'), id('mix1'), id('ex')])
    expect(e1.outputs).toEqual([`${id('ex')}:0`])
    expect(r.endpoints.find((e) => e.address === 'Z')!.reason).toBe('unspent')
    expect(r.fees.total).toBe(6 + 3 + 6)
    expect(r.stats.endpointAmount + r.fees.total).toBe(r.taintedIn)
    expect(r.outputs.find((o) => o.txid === id('mix1') && o.vout === 1)).toEqual({
      txid: id('mix1'),
      vout: 1,
      value: 490,
      tainted: 294,
      hop: 1,
    })
  })

  test('every policy side by side; FIFO/LIFO/TIHO keep chunk order across hops', () => {
    const r = runTrace(g, { seeds: [seed], policy: 'all' }) as MultiTrace
    const by = Object.fromEntries(r.policies.map((p) => [p.policy, amounts(p)]))
    // mix1 FIFO: X = 500 T, Y = 100 T + 390 C, fee 0 → ex: E1 = 495 T (5 to fee); hop2 FIFO: Z = 100 T, fee clean
    expect(by.fifo).toEqual({ E1: 495, Z: 100 })
    // mix1 LIFO: queue [400 C, 600 T]: X = 400 C + 100 T, Y = 490 T, fee 10 T.
    // ex LIFO reverses X: [100 T, 400 C] → E1 = 100 T + 395 C; hop2: Z = 480 T, fee 10 T
    expect(by.lifo).toEqual({ E1: 100, Z: 480 })
    // TIHO: X = 500 T, Y = 100 T + 390 C → E1 495, Z 100
    expect(by.tiho).toEqual({ E1: 495, Z: 100 })
    expect(by.poison).toEqual({ E1: 495, Z: 480 })
    expect(r.comparison.everyPolicy).toEqual(['E1', 'Z'])
    expect(r.comparison.amounts.find((a) => a.endpoint === 'Z')!.byPolicy).toEqual({
      poison: 480,
      haircut: 288,
      fifo: 100,
      lifo: 480,
      tiho: 100,
    })
  })

  test('hop limit and minimum amount are reported as stop reasons', () => {
    const h = runTrace(g, { seeds: [seed], policy: 'fifo', maxHops: 1 }) as SingleTrace
    expect(h.endpoints.map((e) => [e.address, e.amount, e.reason])).toEqual([
      ['X', 500, 'max-hops'],
      ['Y', 100, 'max-hops'],
    ])
    const m = runTrace(g, { seeds: [seed], policy: 'fifo', minAmount: 200 }) as SingleTrace
    expect(m.endpoints.map((e) => [e.address, e.amount, e.reason])).toEqual([
      ['E1', 495, 'unspent'],
      ['Y', 100, 'below-min'],
    ])
    const b = runTrace(g, { seeds: [seed], policy: 'haircut', maxTxs: 1 }) as SingleTrace
    expect(b.endpoints.map((e) => [e.address, e.amount, e.reason])).toEqual([
      ['X', 300, 'budget'],
      ['Y', 294, 'budget'],
    ])
    expect(b.stats.endpointAmount + b.fees.total).toBe(600)
    expect(b.params.maxTxs).toBe(1)
    const t = runTrace(g, { seeds: [seed], policy: 'fifo', toTime: g.txTime[3]! }) as SingleTrace
    expect(t.endpoints.every((e) => e.reason === 'time-window')).toBe(true)
  })

  test('a service label covers its cluster; cluster seeds; endpoints carry the cluster id', () => {
    const cl = new Map([
      [g.names.addressIndex('X'), 'cl_ex'],
      [g.names.addressIndex('E1'), 'cl_ex'],
      [g.names.addressIndex('T1'), 'cl_thief'],
    ])
    const clusterOf = (a: number) => cl.get(a) ?? null
    const clusterMembers = (c: string) => {
      const m = [...cl].filter(([, x]) => x === c).map(([a]) => a)
      return m.length > 0 ? m : null
    }
    const r = runTrace(g, {
      seeds: ['cluster:cl_thief@hack'],
      policy: 'haircut',
      stopAtServices: true,
      labels,
      clusterOf,
      clusterMembers,
    }) as SingleTrace
    expect(r.seeds).toEqual([{ seed: 'cluster:cl_thief@hack', kind: 'cluster', label: 'hack', outputs: 1 }])
    expect(r.endpoints.find((e) => e.address === 'X')).toMatchObject({
      reason: 'service',
      label: 'ExA',
      category: 'exchange',
      cluster: 'cl_ex',
      amount: 300,
      hops: 1,
    })
    expect(() => runTrace(g, { seeds: ['cluster:cl_none'], clusterOf, clusterMembers })).toThrow(
      expect.objectContaining({ code: 'HOUND_ERR_NOT_FOUND' }),
    )
  })

  test('two thefts in one transaction are carried separately', () => {
    const g2 = buildUtxoGraph([
      { name: 'a', coinbase: true, outputs: [{ address: 'VA', value: 100 }] },
      { name: 'b', coinbase: true, outputs: [{ address: 'VB', value: 300 }] },
      {
        name: 'merge',
        inputs: ['a:0', 'b:0'],
        outputs: [
          { address: 'P', value: 200 },
          { address: 'Q', value: 190 },
        ],
      },
    ])
    const r = runTrace(g2, { seeds: [`${id('a')}:0@one`, `${id('b')}:0@two`], policy: 'all' }) as MultiTrace
    const fifo = r.policies.find((p) => p.policy === 'fifo')!
    expect(fifo.endpoints.map((e) => [e.address, e.byLabel])).toEqual([
      ['P', { one: 100, two: 100 }],
      ['Q', { two: 190 }],
    ])
    expect(fifo.fees.byLabel).toEqual({ two: 10 })
    const hc = r.policies.find((p) => p.policy === 'haircut')!
    expect(hc.endpoints.find((e) => e.address === 'P')!.byLabel).toEqual({ one: 50, two: 150 })
    const poison = r.policies.find((p) => p.policy === 'poison')!
    expect(poison.endpoints.find((e) => e.address === 'Q')!.byLabel).toEqual({ one: 190, two: 190 })
  })

  test('CoinJoin (real detector, heuristics.md §5.2 shape): stop, or spread 1/anonSet per equal output', () => {
    // 5 inputs from 4 addresses (P3 has two), outputs 4 × 5,000,000 + 3 change: p = 4 = count of the top value
    const g3 = buildUtxoGraph([
      { name: 's', coinbase: true, outputs: [{ address: 'S', value: 6_000_000 }] },
      { name: 'p1', coinbase: true, outputs: [{ address: 'P1', value: 5_500_000 }] },
      { name: 'p2', coinbase: true, outputs: [{ address: 'P2', value: 5_200_000 }] },
      {
        name: 'p3',
        coinbase: true,
        outputs: [
          { address: 'P3', value: 3_000_000 },
          { address: 'P3', value: 2_100_000 },
        ],
      },
      {
        name: 'cj',
        inputs: ['s:0', 'p1:0', 'p2:0', 'p3:0', 'p3:1'],
        outputs: [
          { address: 'E0', value: 5_000_000 },
          { address: 'CS', value: 990_000 },
          { address: 'E1', value: 5_000_000 },
          { address: 'C1', value: 490_000 },
          { address: 'E2', value: 5_000_000 },
          { address: 'C2', value: 190_000 },
          { address: 'E3', value: 5_000_000 },
        ],
      },
    ])
    const cj = detectCoinJoin(g3, g3.names.txIndex(id('cj')))
    expect(cj?.anonSet).toBe(4)
    const s = `${id('s')}:0`
    const stop = runTrace(g3, { seeds: [s], policy: 'haircut', detectCoinJoin }) as SingleTrace
    expect(stop.endpoints.map((e) => [e.address, e.amount, e.reason])).toEqual([['S', 6_000_000, 'coinjoin']])
    for (const policy of ['haircut', 'fifo', 'lifo', 'tiho'] as const) {
      const r = runTrace(g3, { seeds: [s], policy, detectCoinJoin, coinjoin: 'spread' }) as SingleTrace
      expect(r.endpoints.map((e) => [e.address, e.amount, e.probabilistic])).toEqual([
        ['E0', 1_500_000, true],
        ['E1', 1_500_000, true],
        ['E2', 1_500_000, true],
        ['E3', 1_500_000, true],
      ])
      expect(r.outputs.filter((o) => o.probabilistic).length).toBe(4)
      expect(r.stats.endpointAmount + r.fees.total).toBe(6_000_000)
    }
    // without a detector the CoinJoin is an ordinary transaction
    const plain = runTrace(g3, { seeds: [s], policy: 'fifo' }) as SingleTrace
    expect(plain.endpoints.map((e) => [e.address, e.amount])).toEqual([
      ['E0', 5_000_000],
      ['CS', 990_000],
      ['E1', 10_000],
    ])
  })
})

describe('backward', () => {
  test('haircut: the value of Z came from the theft and the clean coinbase, in proportion', () => {
    const r = runTrace(g, { seeds: [`${id('hop2')}:0`], policy: 'haircut', direction: 'backward' }) as SingleTrace
    // Z = 480 ← Y (hop2 has one input) ← mix1 inputs 600 : 400 → 288 theft:0, 192 clean:0; theft:0 ← fund (coinbase)
    const byAddr = Object.fromEntries(r.endpoints.map((e) => [`${e.address}|${e.reason}`, e.amount]))
    expect(byAddr).toEqual({ 'V|coinbase': 288, 'C|coinbase': 192 })
    const v = r.endpoints.find((e) => e.address === 'V')!
    expect(v.path).toEqual([id('hop2'), id('mix1'), id('theft'), id('fund')])
  })

  test('time window: funding before fromTime is where the backward trace stops', () => {
    const r = runTrace(g, {
      seeds: [`${id('hop2')}:0`],
      policy: 'haircut',
      direction: 'backward',
      fromTime: g.txTime[g.names.txIndex(id('mix1'))]!,
    }) as SingleTrace
    expect(r.endpoints.map((e) => [e.address, e.amount, e.reason])).toEqual([
      ['T1', 288, 'time-window'],
      ['C', 192, 'coinbase'], // minted: the coinbase reason comes first
    ])
  })

  test('budget: backward stops after maxTxs transactions, haircut and FIFO', () => {
    for (const policy of ['haircut', 'fifo'] as const) {
      const r = runTrace(g, { seeds: [`${id('hop2')}:0`], policy, direction: 'backward', maxTxs: 1 }) as SingleTrace
      expect(r.endpoints.map((e) => [e.address, e.amount, e.reason])).toEqual([['Y', 480, 'budget']])
    }
  })

  test('FIFO: chunk provenance of Z through the cone', () => {
    const r = runTrace(g, { seeds: [`${id('hop2')}:0`], policy: 'fifo', direction: 'backward' }) as SingleTrace
    // Y = 100 of theft:0 (from fund) + 390 of clean; Z = first 480 of Y = 100 fund + 380 clean
    expect(Object.fromEntries(r.endpoints.map((e) => [e.address, e.amount]))).toEqual({ V: 100, C: 380 })
  })
})

describe('bad input', () => {
  test('malformed seed, unknown txid, vout, address; empty graph', () => {
    const err = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        return (e as { code: string }).code
      }
      return 'no error'
    }
    expect(err(() => runTrace(g, { seeds: ['nonsense!'] }))).toBe('HOUND_ERR_INVALID_INPUT')
    expect(err(() => runTrace(g, { seeds: [`${id('theft')}:x`] }))).toBe('HOUND_ERR_INVALID_INPUT')
    expect(err(() => runTrace(g, { seeds: [`${'ab'.repeat(32)}:0`] }))).toBe('HOUND_ERR_NOT_FOUND')
    expect(err(() => runTrace(g, { seeds: [`${id('theft')}:7`] }))).toBe('HOUND_ERR_NOT_FOUND')
    expect(err(() => runTrace(g, { seeds: ['bc1qunknownaddressxxxxxxxxx'] }))).toBe('HOUND_ERR_NOT_FOUND')
    expect(err(() => runTrace(g, { seeds: ['cluster:4'] }))).toBe('HOUND_ERR_USAGE')
    expect(err(() => runTrace(g, { seeds: [seed], policy: 'nope' as 'fifo' }))).toBe('HOUND_ERR_INVALID_INPUT')
    const empty = buildUtxoGraph([])
    expect(err(() => runTrace(empty, { seeds: [`${id('theft')}:0`] }))).toBe('HOUND_ERR_NOT_SYNCED')
    expect(
      err(() =>
        runTrace(g, { seeds: [`${'ab'.repeat(32)}:0`], coverage: { fromHeight: 0, toHeight: 0, tipHeight: null } }),
      ),
    ).toBe('HOUND_ERR_NOT_SYNCED')
  })

  test('address and tx seeds resolve to their outputs', () => {
    const r = runTrace(g, { seeds: ['T1', id('mix1')], policy: 'fifo' }) as SingleTrace
    expect(r.seeds.map((s) => [s.kind, s.outputs])).toEqual([
      ['address', 1],
      ['tx', 2],
    ])
  })
})

describe('multi-hop properties on random chains', () => {
  const seedsOf = (g2: ReturnType<typeof buildUtxoGraph>) => [`${g2.names.txid(0)}:0`]

  test('conservation over a whole trace: Σ endpoint amounts + Σ fees = Σ seeded value (all but poison)', () => {
    fc.assert(
      fc.property(arbChainPlan, fc.integer({ min: 1, max: 12 }), fc.nat(), fc.boolean(), (plan, hops, extra, pre) => {
        const g2 = buildUtxoGraph(chainFromPlan(plan))
        // a second seed (a whole transaction, labelled apart) that may lie downstream of the first
        const second = `${g2.names.txid(extra % g2.txCount)}@two`
        const r = runTrace(g2, {
          seeds: [...seedsOf(g2), second],
          policy: 'all',
          maxHops: hops,
          feeConvention: pre ? 'pre-haircut' : 'fee-last',
        }) as MultiTrace
        for (const p of r.policies) {
          if (p.policy === 'poison') continue
          expect(p.stats.endpointAmount + p.fees.total).toBe(p.taintedIn)
        }
      }),
      { numRuns: 200 },
    )
  })

  test('poison reaches a superset of every other policy’s outputs', () => {
    fc.assert(
      fc.property(arbChainPlan, fc.integer({ min: 0, max: 5000 }), (plan, minAmount) => {
        const g2 = buildUtxoGraph(chainFromPlan(plan))
        const r = runTrace(g2, { seeds: seedsOf(g2), policy: 'all', minAmount }) as MultiTrace
        const reached = (p: PolicyResult) => new Set(p.outputs.map((o) => `${o.txid}:${o.vout}`))
        const poison = reached(r.policies[0]!)
        for (const p of r.policies.slice(1)) for (const k of reached(p)) expect(poison.has(k)).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  // TIHO is left out: backward, every source is "tainted", so TIHO's tainted-first order is not the forward one
  // (docs/tracing.md says so).
  test('backward(forward(x)) contains x; FIFO/LIFO give back exactly the forward amounts', () => {
    fc.assert(
      fc.property(arbChainPlan, (plan) => {
        const g2 = buildUtxoGraph(chainFromPlan(plan))
        const x = `${g2.names.txid(0)}:0`
        for (const policy of policyNames.filter((p) => p !== 'tiho')) {
          const fwd = runTrace(g2, { seeds: [x], policy, maxHops: 40 }) as SingleTrace
          for (const e of fwd.endpoints) {
            if (policy === 'haircut' && e.amount < 1000) continue
            for (const out of e.outputs) {
              const back = runTrace(g2, { seeds: [out], policy, direction: 'backward', maxHops: 40 }) as SingleTrace
              const src = back.endpoints.find((b) => b.outputs.includes(x))
              expect(src, `${policy} ${out}`).toBeDefined()
              const fwdOut = fwd.outputs.find((o) => `${o.txid}:${o.vout}` === out)!
              if (policy === 'fifo' || policy === 'lifo') expect(src!.amount).toBe(fwdOut.tainted)
            }
          }
        }
      }),
      { numRuns: 60 },
    )
  })

  test('the spent-by index and the engine agree: every non-endpoint tainted output is spent by an evaluated tx', () => {
    fc.assert(
      fc.property(arbChainPlan, (plan) => {
        const g2 = buildUtxoGraph(chainFromPlan(plan))
        const r = runTrace(g2, { seeds: seedsOf(g2), policy: 'haircut', maxHops: 40 }) as SingleTrace
        const ends = new Set(r.endpoints.flatMap((e) => e.outputs))
        for (const o of r.outputs) {
          const k = `${o.txid}:${o.vout}`
          if (ends.has(k)) continue
          const oi = g2.txOutStart[g2.names.txIndex(o.txid)]! + o.vout
          expect(spendingTx(g2, oi)).toBeGreaterThanOrEqual(0)
        }
      }),
      { numRuns: 100 },
    )
  })
})

describe('overlapping seeds', () => {
  test('an address seed whose outputs include the thief’s own change: upstream claims first, conservation holds', () => {
    const g4 = buildUtxoGraph([
      { name: 'v', coinbase: true, outputs: [{ address: 'VIC', value: 1000 }] },
      { name: 'steal', inputs: ['v:0'], outputs: [{ address: 'THIEF', value: 990 }] },
      { name: 'c', coinbase: true, outputs: [{ address: 'THIEF', value: 500 }] },
      {
        name: 'spend',
        inputs: ['steal:0', 'c:0'],
        outputs: [
          { address: 'OUT', value: 700 },
          { address: 'THIEF', value: 780 },
        ],
      },
      { name: 'later', inputs: ['spend:1'], outputs: [{ address: 'EX', value: 770 }] },
    ])
    for (const policy of ['haircut', 'fifo', 'lifo', 'tiho'] as const) {
      const r = runTrace(g4, { seeds: ['THIEF@t'], policy }) as SingleTrace
      // THIEF received 990 + 500 (independent) + 780 (change of spend, downstream of the first two)
      expect(r.seeds[0]!.outputs).toBe(3)
      expect(r.taintedIn).toBe(990 + 500)
      expect(r.stats.endpointAmount + r.fees.total).toBe(r.taintedIn)
      expect(r.endpoints.find((e) => e.address === 'EX')!.amount).toBe(770)
    }
  })
})

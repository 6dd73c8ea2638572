import { describe, expect, it } from 'vitest'
import { buildUtxoGraph, type TxSpec } from '../graph/buildUtxoGraph.js'
import { BTC, labelsFor } from './_chains.js'
import { detectFanOutIn } from './fanOutIn.js'

/** Theft → fan-out into 8 equal parts → the parts consolidated 20 minutes later (the simulator's incident shape). */
function splitAndMerge(): TxSpec[] {
  const parts = Array.from({ length: 8 }, (_, k) => ({ address: `F${k}`, value: 5 * BTC }))
  return [
    {
      name: 'theft',
      time: 10_000,
      inputs: [{ value: 40 * BTC + 5_000, address: 'hot' }],
      outputs: [{ address: 'T', value: 40 * BTC }],
    },
    {
      name: 'fan',
      time: 10_600,
      inputs: ['theft:0'],
      outputs: parts.map((p, k) => (k === 7 ? { ...p, value: 5 * BTC - 3_000 } : p)),
    },
    {
      name: 'merge',
      time: 11_800,
      inputs: parts.map((_, k) => `fan:${k}`),
      outputs: [{ address: 'M', value: 40 * BTC - 10_000 }],
    },
  ]
}

describe('detectFanOutIn', () => {
  it('flags a fan-out into equal fresh parts that are re-merged, and the re-merge', () => {
    const g = buildUtxoGraph(splitAndMerge())
    const alerts = detectFanOutIn(g)
    expect(alerts.map((a) => [a.code, a.confidence])).toEqual([
      ['fan.out', 0.9],
      ['fan.in', 0.9],
    ])
    const [out, inn] = alerts as [(typeof alerts)[0], (typeof alerts)[0]]
    expect(out.evidence.outputs).toBe(8)
    expect(out.evidence.freshOutputs).toBe(8)
    expect(out.evidence.remergedInOneTx).toBe(8)
    expect(inn.evidence.inputs).toBe(8)
    expect(inn.evidence.parentTxs).toBe(1)
    expect(inn.txids).toEqual([g.names.txid(2)])
  })

  it('a payroll with change whose recipients do not move is not a fan-out; a sweep of old coins is not a fan-in', () => {
    const pay = Array.from({ length: 12 }, (_, k) => ({ address: `emp${k}`, value: 2_000_000 + k * 150_000 }))
    const specs: TxSpec[] = [
      {
        name: 'payroll',
        inputs: [{ value: 50 * BTC, address: 'merchant' }],
        outputs: [...pay, { address: 'chg', value: 20 * BTC }],
      },
      // wallet sweep: inputs received at different times from different payers
      ...Array.from({ length: 4 }, (_, k) => ({
        name: `recv${k}`,
        time: 1_000_000 + k * 86_400,
        inputs: [{ value: BTC + 1_000, address: `payer${k}` }],
        outputs: [{ address: `me${k}`, value: BTC }],
      })),
      {
        name: 'sweep',
        time: 1_500_000,
        inputs: ['recv0:0', 'recv1:0', 'recv2:0', 'recv3:0'],
        outputs: [{ address: 'cold', value: 4 * BTC - 2_000 }],
      },
    ]
    expect(detectFanOutIn(buildUtxoGraph(specs))).toEqual([])
  })

  it('an equal-amount payroll whose recipients spend at once but separately is not a fan-out; a 3-way split half re-merged is', () => {
    const pay = Array.from({ length: 10 }, (_, k) => ({ address: `emp${k}`, value: 3_000_000 }))
    const specs: TxSpec[] = [
      { name: 'payroll', time: 1_000, inputs: [{ value: BTC, address: 'merchant' }], outputs: pay },
      ...pay.map((_, k) => ({
        name: `spend${k}`,
        time: 1_600,
        inputs: [`payroll:${k}`],
        outputs: [{ address: `shop${k}`, value: 2_990_000 }],
      })),
      {
        name: 'split',
        time: 5_000,
        inputs: [{ value: 9 * BTC, address: 'thief' }],
        outputs: [
          { address: 'S0', value: 4 * BTC },
          { address: 'S1', value: 3 * BTC },
          { address: 'S2', value: 2 * BTC - 5_000 },
        ],
      },
      {
        name: 'remerge',
        time: 90_000,
        inputs: ['split:0', 'split:1'],
        outputs: [{ address: 'R', value: 7 * BTC - 5_000 }],
      },
    ]
    const g = buildUtxoGraph(specs)
    const out = detectFanOutIn(g).filter((a) => a.kind === 'fan_out')
    expect(out.map((a) => [a.txids[0], a.confidence])).toEqual([[g.names.txid(g.names.txIndex('split')), 0.8]])
    expect(out[0]!.evidence).toMatchObject({
      outputs: 3,
      remergedInOneTx: 2,
      equalParts: false,
      allSpentWithinBurst: false,
    })
  })

  it('a route split: parts that go, within 2 txs, into 3 different laundering patterns (given downstream)', () => {
    const specs: TxSpec[] = [
      {
        name: 'split',
        time: 1_000,
        inputs: [{ value: 10 * BTC, address: 'thief' }],
        outputs: [
          { address: 'R0', value: 4 * BTC },
          { address: 'R1', value: 3 * BTC },
          { address: 'R2', value: 3 * BTC - 5_000 },
        ],
      },
      { name: 'peel0', inputs: ['split:0'], outputs: [{ address: 'P0', value: 4 * BTC - 1_000 }] },
      { name: 'struct1', inputs: ['split:1'], outputs: [{ address: 'MIX', value: 3 * BTC - 1_000 }] },
      { name: 'hop2', inputs: ['split:2'], outputs: [{ address: 'VAULT', value: 3 * BTC - 6_000 }] },
    ]
    const g = buildUtxoGraph(specs)
    const ix = (n: string) => g.names.txIndex(n)
    const three = new Map([
      [ix('peel0'), 'peel_chain'],
      [ix('struct1'), 'structuring'],
      [ix('hop2'), 'chain_hop'],
    ])
    const out = detectFanOutIn(g, new Map(), {}, undefined, three).filter((a) => a.kind === 'fan_out')
    expect(out.map((a) => [a.txids[0], a.confidence])).toEqual([[g.names.txid(ix('split')), 0.9]])
    expect((out[0]!.evidence.routes as { kind: string }[]).map((r) => r.kind)).toEqual([
      'peel_chain',
      'structuring',
      'chain_hop',
    ])
    // two kinds are not enough (a payroll's recipients may well swap and mix)
    const two = new Map([...three].filter(([, k]) => k !== 'peel_chain'))
    expect(detectFanOutIn(g, new Map(), {}, undefined, two).filter((a) => a.kind === 'fan_out')).toEqual([])
  })

  it('skips services: an exchange batch or consolidation is its normal operation', () => {
    const g = buildUtxoGraph(splitAndMerge())
    expect(detectFanOutIn(g, labelsFor(g, { T: ['exchange', 'ex'], F0: ['exchange', 'ex'] }))).toEqual([])
  })
})

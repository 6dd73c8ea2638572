import { describe, expect, it } from 'vitest'
import { buildUtxoGraph } from '../graph/buildUtxoGraph.js'
import type { ServiceLabel } from '../trace/types.js'
import { computeExposure } from './computeExposure.js'
import { riskLevel } from './riskLevel.js'

const U = 100_000_000 // §7.2's example is in ETH; the same amounts in base units of a UTXO chain

/**
 * heuristics.md §7.2 golden test: X received 10: 4 directly from a labelled hack address, 6 from unlabelled M,
 * whose own inflow was 50 (20 from Tornado, 30 from a regulated exchange).
 */
function golden(extra: Parameters<typeof buildUtxoGraph>[0] = []) {
  const g = buildUtxoGraph([
    { name: 'cbHack', coinbase: true, outputs: [{ address: 'Hack', value: 4 * U }] },
    { name: 'cbTornado', coinbase: true, outputs: [{ address: 'Tornado', value: 20 * U }] },
    { name: 'cbExchange', coinbase: true, outputs: [{ address: 'Exchange', value: 30 * U }] },
    { name: 'tornadoToM', inputs: ['cbTornado:0'], outputs: [{ address: 'M', value: 20 * U }] },
    { name: 'exchangeToM', inputs: ['cbExchange:0'], outputs: [{ address: 'M', value: 30 * U }] },
    { name: 'hackToX', inputs: ['cbHack:0'], outputs: [{ address: 'X', value: 4 * U }] },
    {
      name: 'mToX',
      inputs: ['tornadoToM:0', 'exchangeToM:0'],
      outputs: [
        { address: 'X', value: 6 * U },
        { address: 'M', value: 44 * U },
      ],
    },
    ...extra,
  ])
  const labels = new Map<string, ServiceLabel>([
    ['Hack', { category: 'stolen_funds', entity: 'Some hack' }],
    ['Tornado', { category: 'mixer', entity: 'Tornado' }],
    ['Exchange', { category: 'exchange', entity: 'Regulated exchange' }],
    ['OFAC', { category: 'sanctioned', entity: 'SDN party' }],
  ])
  const labelOf = (a: number) => labels.get(g.names.address(a) ?? '') ?? null
  return { g, labelOf }
}

describe('computeExposure (heuristics.md §7.2)', () => {
  it('golden test: direct stolen 40 %, indirect mixer 24 % and exchange 36 %, E = 0.505', () => {
    const { g, labelOf } = golden()
    const x = g.names.addressIndex('X')
    const e = computeExposure(g, [x], labelOf, { weights: { stolen_funds: 1, mixer: 0.8, exchange: 0.05 } })
    expect(e.policy).toBe('haircut')
    expect(e.incoming.total).toBe(10 * U)
    const by = Object.fromEntries(e.incoming.categories.map((c) => [c.category, c]))
    expect(by.stolen_funds).toMatchObject({ direct: 0.4, indirect: 0, directAmount: 4 * U, minHop: 1 })
    expect(by.mixer).toMatchObject({ direct: 0, indirectAmount: 2.4 * U, minHop: 2 })
    expect(by.mixer!.indirect).toBeCloseTo(0.24, 12)
    expect(by.exchange).toMatchObject({ direct: 0, indirectAmount: 3.6 * U, minHop: 2 })
    expect(by.exchange!.indirect).toBeCloseTo(0.36, 12)
    expect(e.incoming.score).toBeCloseTo(0.505, 12)
    expect(e.score).toBeCloseTo(0.505, 12)
    expect(e.directSanctioned).toBe(false)
    expect(riskLevel([], e).level).toBe('high')
    // the path evidence: X ← M ← Tornado, with per-hop amounts
    const p = e.incoming.paths.find((q) => q.category === 'mixer')!
    expect(p.hop).toBe(2)
    expect(p.steps.map((s) => s.address)).toEqual(['X', 'M', 'Tornado'])
    expect(p.steps.map((s) => s.amount)).toEqual([6 * U, 2.4 * U, 2.4 * U])
    // X has not sent anything
    expect(e.outgoing).toMatchObject({ total: 0, score: 0 })
  })

  it('hard rule: a tiny direct sanctioned exposure is severe whatever the decay and weights', () => {
    const { g, labelOf } = golden([
      { name: 'cbOfac', coinbase: true, outputs: [{ address: 'OFAC', value: 1000 }] },
      { name: 'ofacToX', inputs: ['cbOfac:0'], outputs: [{ address: 'X', value: 1000 }] },
    ])
    const e = computeExposure(g, [g.names.addressIndex('X')], labelOf, { weights: { sanctioned: 0 } })
    expect(e.directSanctioned).toBe(true)
    expect(e.score).toBeLessThan(0.6)
    expect(riskLevel([], e)).toMatchObject({ level: 'severe' })
  })

  it('outgoing side: M sends to X (unlabelled) who sends on to the exchange: indirect at hop 2', () => {
    const { g, labelOf } = golden([
      { name: 'xToExchange', inputs: ['mToX:0', 'hackToX:0'], outputs: [{ address: 'Exchange', value: 9 * U }] },
    ])
    const m = g.names.addressIndex('M')
    const e = computeExposure(g, [m], labelOf)
    // M sent 6 to X (its 44 change to itself does not count)
    expect(e.outgoing.total).toBe(6 * U)
    const ex = e.outgoing.categories.find((c) => c.category === 'exchange')!
    expect(ex.minHop).toBe(2)
    // haircut through X: 6 of X's 10 reach the exchange as 9·6/10 = 5.4
    expect(ex.indirectAmount).toBe(5.4 * U)
    const p = e.outgoing.paths[0]!
    expect(p.steps.map((s) => s.address)).toEqual(['X', 'Exchange'])
    // incoming for M: direct mixer 20/50 and direct exchange 30/50
    const inc = Object.fromEntries(e.incoming.categories.map((c) => [c.category, c.direct]))
    expect(inc).toEqual({ mixer: 0.4, exchange: 0.6 })
  })

  it('poison is selectable and is an upper bound of haircut', () => {
    const { g, labelOf } = golden()
    const x = g.names.addressIndex('X')
    const h = computeExposure(g, [x], labelOf)
    const p = computeExposure(g, [x], labelOf, { policy: 'poison' })
    expect(p.policy).toBe('poison')
    expect(p.incoming.score).toBeGreaterThanOrEqual(h.incoming.score)
  })
})

import { describe, expect, it } from 'vitest'
import { buildUtxoGraph, type TxSpec } from '../graph/buildUtxoGraph.js'
import { labelsFor, sat } from './_chains.js'
import { detectPeelChains, peelStep } from './peelChain.js'

/** heuristics.md §5.1 golden test: 10 BTC, three peels (0.35, 0.42, 0.38), fee 0.0005 each. */
function golden(extra: TxSpec[] = []): TxSpec[] {
  return [
    {
      name: 'src',
      inputs: [{ value: sat('10.0005'), address: 'victim' }],
      outputs: [{ address: 'S', value: sat('10') }],
    },
    {
      name: 'p1',
      inputs: ['src:0'],
      outputs: [
        { address: 'X1', value: sat('0.35') },
        { address: 'C1', value: sat('9.6495') },
      ],
    },
    {
      name: 'p2',
      inputs: ['p1:1'],
      outputs: [
        { address: 'C2', value: sat('9.2290') },
        { address: 'X2', value: sat('0.42') },
      ],
    },
    {
      name: 'p3',
      inputs: ['p2:0'],
      outputs: [
        { address: 'X3', value: sat('0.38') },
        { address: 'C3', value: sat('8.8485') },
      ],
    },
    ...extra,
  ]
}

describe('detectPeelChains', () => {
  it('flags the §5.1 golden chain: L = 3, every peel ≤ 5 % of its input', () => {
    const g = buildUtxoGraph(golden())
    const alerts = detectPeelChains(g)
    expect(alerts).toHaveLength(1)
    const a = alerts[0]!
    expect(a.code).toBe('peel.chain')
    expect(a.txids).toEqual(['p1', 'p2', 'p3'].map((n) => g.names.txid(g.names.txIndex(n))))
    expect(a.evidence.length).toBe(3)
    expect(a.evidence.peels).toEqual([sat('0.35'), sat('0.42'), sat('0.38')])
    expect(a.evidence.maxPeelRatio as number).toBeLessThanOrEqual(0.05)
    expect(a.evidence.startValue).toBe(sat('10'))
    expect(a.evidence.endValue).toBe(sat('8.8485'))
    expect(a.addresses).toEqual(['X1', 'X2', 'X3'])
    expect(a.confidence).toBe(0.5)
  })

  it('does not flag two hops, and stops where a peel exceeds ρ', () => {
    const two = golden().slice(0, 3)
    expect(detectPeelChains(buildUtxoGraph(two))).toEqual([])
    const g = buildUtxoGraph(golden())
    expect(detectPeelChains(g, new Map(), { maxPeelRatio: 0.04 })).toEqual([]) // 0.42/9.6495 = 4.35 % > 4 %
    expect(peelStep(g, g.names.txIndex('src'))).toBeNull() // one output
  })

  it('long chains peeling to exchanges get higher confidence; a slow hop breaks the chain', () => {
    const specs: TxSpec[] = [
      {
        name: 'src',
        time: 1_000,
        inputs: [{ value: 50 * 1e8 + 500, address: 'v' }],
        outputs: [{ address: 'S', value: 50 * 1e8 }],
      },
    ]
    let prev = 'src:0'
    let v = 50 * 1e8
    for (let k = 1; k <= 12; k++) {
      const peel = 10_000_000 + k * 100_000
      v = v - peel - 500
      specs.push({
        name: `p${k}`,
        time: 1_000 + k * 600,
        inputs: [prev],
        outputs: [
          { address: `EX${k}`, value: peel },
          { address: `C${k}`, value: v },
        ],
      })
      prev = `p${k}:1`
    }
    const g = buildUtxoGraph(specs)
    const labels = labelsFor(
      g,
      Object.fromEntries(Array.from({ length: 12 }, (_, k) => [`EX${k + 1}`, ['exchange', 'ex-1']])),
    )
    const [a] = detectPeelChains(g, labels)
    expect(a!.evidence.length).toBe(12)
    expect(a!.confidence).toBe(0.95)
    expect(a!.evidence.peelsToServices).toBe(12)
    expect(a!.evidence.medianHopSeconds).toBe(600)
    // without the service labels the same chain stays below 0.9; 9 steps peeling to services reach it
    expect(detectPeelChains(g)[0]!.confidence).toBe(0.85)
    const nine = buildUtxoGraph(specs.slice(0, 10))
    const nineLabels = labelsFor(
      nine,
      Object.fromEntries(Array.from({ length: 9 }, (_, k) => [`EX${k + 1}`, ['exchange', 'ex-1']])),
    )
    expect(detectPeelChains(nine, nineLabels)[0]!.confidence).toBe(0.9)
    // the same chain with a 3-day pause after step 6 splits into two flagged chains of 6
    const slow = specs.map((s, k) => (k > 6 ? { ...s, time: (s.time ?? 0) + 3 * 86_400 } : s))
    const parts = detectPeelChains(buildUtxoGraph(slow))
    expect(parts.map((x) => x.evidence.length)).toEqual([6, 6])
  })

  it('reports only chains ending at or after --since', () => {
    const g = buildUtxoGraph(golden())
    expect(detectPeelChains(g, new Map(), {}, 4)).toEqual([])
    expect(detectPeelChains(g, new Map(), {}, 3)).toHaveLength(1)
  })
})

import { describe, expect, it } from 'vitest'
import { buildUtxoGraph, type TxSpec } from '../graph/buildUtxoGraph.js'
import { BTC, labelsFor } from './_chains.js'
import { detectRapidMovement } from './rapidMovement.js'

function hops(n: number, gap: number): TxSpec[] {
  const specs: TxSpec[] = [
    {
      name: 'h0',
      time: 5_000,
      inputs: [{ value: 10 * BTC, address: 'src' }],
      outputs: [{ address: 'A0', value: 10 * BTC - 1_000 }],
    },
  ]
  for (let k = 1; k < n; k++) {
    specs.push({
      name: `h${k}`,
      time: 5_000 + k * gap,
      inputs: [`h${k - 1}:0`],
      outputs: [{ address: `A${k}`, value: 10 * BTC - (k + 1) * 1_000 }],
    })
  }
  return specs
}

describe('detectRapidMovement', () => {
  it('flags 12 hops in 110 minutes once, at the end of the path', () => {
    const g = buildUtxoGraph(hops(12, 600))
    const alerts = detectRapidMovement(g)
    expect(alerts).toHaveLength(1)
    const a = alerts[0]!
    expect(a.code).toBe('rapid.movement')
    expect(a.txids).toHaveLength(12)
    expect(a.key).toBe(g.names.txid(11))
    expect(a.evidence.durationSeconds).toBe(11 * 600)
    expect(a.confidence).toBe(0.6)
  })

  it('does not flag slow hops, short paths, or hops through a service', () => {
    expect(detectRapidMovement(buildUtxoGraph(hops(12, 2 * 3_600)))).toEqual([])
    expect(detectRapidMovement(buildUtxoGraph(hops(9, 60)))).toEqual([])
    const g = buildUtxoGraph(hops(12, 600))
    // an exchange in the middle splits the path into 6 + 6
    expect(detectRapidMovement(g, labelsFor(g, { A5: ['exchange', 'ex'] }))).toEqual([])
  })

  it('a wallet paying small amounts out of its change is not value moving on', () => {
    const specs: TxSpec[] = [
      {
        name: 'w0',
        time: 5_000,
        inputs: [{ value: 10 * BTC, address: 'w' }],
        outputs: [{ address: 'W0', value: 10 * BTC - 1_000 }],
      },
    ]
    for (let k = 1; k < 12; k++) {
      // each hop spends the small payment output (30 % of the value), not the change
      specs.push({
        name: `w${k}`,
        time: 5_000 + k * 300,
        inputs: [`w${k - 1}:0`],
        outputs: [
          { address: `P${k}`, value: 3 * BTC },
          { address: `C${k}`, value: 7 * BTC },
        ],
      })
    }
    expect(detectRapidMovement(buildUtxoGraph(specs))).toEqual([])
  })
})

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
  it('flags 8 hops in 70 minutes once, at the end of the path', () => {
    const g = buildUtxoGraph(hops(8, 600))
    const alerts = detectRapidMovement(g)
    expect(alerts).toHaveLength(1)
    const a = alerts[0]!
    expect(a.code).toBe('rapid.movement')
    expect(a.txids).toHaveLength(8)
    expect(a.key).toBe(g.names.txid(7))
    expect(a.evidence.durationSeconds).toBe(7 * 600)
    expect(a.confidence).toBe(0.65)
  })

  it('does not flag slow hops, short paths, or hops through a service', () => {
    expect(detectRapidMovement(buildUtxoGraph(hops(8, 2 * 3_600)))).toEqual([])
    expect(detectRapidMovement(buildUtxoGraph(hops(4, 60)))).toEqual([])
    const g = buildUtxoGraph(hops(8, 600))
    // an exchange in the middle splits the path into 4 + 4
    expect(detectRapidMovement(g, labelsFor(g, { A3: ['exchange', 'ex'] }))).toEqual([])
  })
})

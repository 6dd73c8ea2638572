import { describe, expect, it } from 'vitest'
import { buildUtxoGraph, type TxSpec } from '../graph/buildUtxoGraph.js'
import { detectCoinJoinParticipation } from './coinjoinParticipation.js'

function withInputs(inputs: { address: string; value: number }[], outputs: number[]): TxSpec[] {
  const specs: TxSpec[] = inputs.map((i, k) => ({
    name: `f${k}`,
    coinbase: true,
    outputs: [{ address: i.address, value: i.value }],
  }))
  specs.push({
    name: 'tx',
    inputs: inputs.map((_, k) => `f${k}:0`),
    outputs: outputs.map((value, k) => ({ address: `o${k}`, value })),
  })
  return specs
}

describe('detectCoinJoinParticipation (the clustering CoinJoin detectors, reused)', () => {
  it('§5.2 golden: 4 participants, 5 inputs from 4 addresses, 4 × 5,000,000 + 3 change', () => {
    const g = buildUtxoGraph(
      withInputs(
        [
          { address: 'p1', value: 3_000_000 },
          { address: 'p1', value: 2_600_000 },
          { address: 'p2', value: 5_900_000 },
          { address: 'p3', value: 6_400_000 },
          { address: 'p4', value: 5_000_900 },
        ],
        [5_000_000, 5_000_000, 5_000_000, 5_000_000, 598_000, 899_000, 1_399_000],
      ),
    )
    const alerts = detectCoinJoinParticipation(g)
    expect(alerts).toHaveLength(1)
    const a = alerts[0]!
    expect(['coinjoin.generic', 'coinjoin.joinmarket']).toContain(a.code)
    expect(a.evidence.anonSet).toBe(4)
    expect(a.evidence.denomination).toBe(5_000_000)
    expect(a.addresses).toEqual(['p1', 'p2', 'p3', 'p4'])
    expect(a.txids).toEqual([g.names.txid(5)])
  })

  it('§5.5 golden: Whirlpool 0.01 pool 5×5 (3 remixes + 2 premixes of 1,002,550)', () => {
    const ins = [1_000_000, 1_000_000, 1_000_000, 1_002_550, 1_002_550].map((value, k) => ({ address: `w${k}`, value }))
    const g = buildUtxoGraph(withInputs(ins, [1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000]))
    const [a] = detectCoinJoinParticipation(g)
    expect(a!.code).toBe('coinjoin.whirlpool')
    expect(a!.confidence).toBe(0.95)
    expect(a!.evidence.anonSet).toBe(5)
  })

  it('an ordinary payment and a batch with one repeated amount are not CoinJoins', () => {
    const g = buildUtxoGraph(withInputs([{ address: 'a', value: 9_000_000 }], [5_000_000, 3_000_000, 999_000]))
    expect(detectCoinJoinParticipation(g)).toEqual([])
  })
})

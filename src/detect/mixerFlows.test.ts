import { describe, expect, it } from 'vitest'
import { buildUtxoGraph } from '../graph/buildUtxoGraph.js'
import { BTC, labelsFor } from './_chains.js'
import { detectMixerFlows } from './mixerFlows.js'

describe('detectMixerFlows', () => {
  const g = buildUtxoGraph([
    {
      name: 'dep',
      inputs: [{ value: 2 * BTC, address: 'thief' }],
      outputs: [
        { address: 'MIXD', value: 1.5 * BTC },
        { address: 'thief2', value: 0.5 * BTC - 1_000 },
      ],
    },
    { name: 'sweep', inputs: ['dep:0'], outputs: [{ address: 'MIXP', value: 1.5 * BTC - 1_000 }] },
    {
      name: 'wd',
      inputs: ['sweep:0'],
      outputs: [
        { address: 'clean', value: BTC },
        { address: 'MIXP2', value: 0.5 * BTC - 2_000 },
      ],
    },
  ])
  const labels = labelsFor(g, {
    MIXD: ['mixer', 'yomix'],
    MIXP: ['mixer', 'yomix'],
    MIXP2: ['mixer', 'yomix'],
    clean: ['exchange', 'ex'],
  })

  it('reports deposits into and withdrawals out of a labelled mixer, not its internal moves', () => {
    const alerts = detectMixerFlows(g, labels)
    expect(alerts.map((a) => [a.code, a.txids[0], a.evidence.mixer])).toEqual([
      ['mixer.deposit', g.names.txid(0), 'yomix'],
      ['mixer.withdrawal', g.names.txid(2), 'yomix'],
    ])
    expect(alerts[0]!.evidence.amount).toBe(1.5 * BTC)
    expect(alerts[0]!.addresses).toEqual(['MIXD', 'thief'])
    expect(alerts[1]!.evidence.paidOut).toBe(BTC)
    expect(alerts[1]!.addresses).toEqual(['clean'])
  })

  it('needs mixer labels', () => {
    expect(detectMixerFlows(g, new Map())).toEqual([])
    expect(detectMixerFlows(g, labelsFor(g, { MIXD: ['exchange', 'ex'] }))).toEqual([])
  })
})

import { describe, expect, it } from 'vitest'
import { buildUtxoGraph, type TxSpec } from '../graph/buildUtxoGraph.js'
import { labelsFor, sat } from './_chains.js'
import { detectStructuring, roundAbove, structuringConfidence } from './structuring.js'

/** A sender chain: each tx pays `amount` to a fresh deposit address of `svc` and keeps the change. */
function chain(amounts: string[], opts: { start?: number; gap?: number; svc?: string } = {}): TxSpec[] {
  const svc = opts.svc ?? 'MIX'
  const total = amounts.reduce((a, x) => a + sat(x), 0) + sat('1')
  const specs: TxSpec[] = [
    {
      name: 'fund',
      time: opts.start ?? 1_000_000,
      inputs: [{ value: total + 10_000, address: 'thief0' }],
      outputs: [{ address: 'T0', value: total }],
    },
  ]
  let prev = 'fund:0'
  let left = total
  amounts.forEach((x, k) => {
    left -= sat(x) + 1_000
    specs.push({
      name: `d${k}`,
      time: (opts.start ?? 1_000_000) + (k + 1) * (opts.gap ?? 3_600),
      inputs: [prev],
      outputs: [
        { address: `${svc}-dep${k}`, value: sat(x) },
        { address: `T${k + 1}`, value: left },
      ],
    })
    prev = `d${k}:1`
  })
  return specs
}

const mixerLabels = (
  g: ReturnType<typeof buildUtxoGraph>,
  n: number,
  svc = 'MIX',
  cat: 'mixer' | 'exchange' = 'mixer',
) =>
  labelsFor(
    g,
    Object.fromEntries(Array.from({ length: n }, (_, k) => [`${svc}-dep${k}`, [cat, `${svc.toLowerCase()}-0`]])),
  )

describe('detectStructuring', () => {
  it('flags the §5.12 golden run: 9.97, 9.98, 9.96, 9.99, 9.97, 9.95 BTC to one mixer within 24 h (R = 10)', () => {
    const amounts = ['9.97', '9.98', '9.96', '9.99', '9.97', '9.95']
    const g = buildUtxoGraph(chain(amounts))
    const alerts = detectStructuring(g, mixerLabels(g, 6))
    expect(alerts).toHaveLength(1)
    const a = alerts[0]!
    expect(a.code).toBe('structuring.below_round')
    expect(a.evidence.round).toBe(sat('10'))
    expect(a.evidence.justBelow).toBe(6)
    expect(a.evidence.amounts).toEqual(amounts.map(sat))
    expect(a.evidence.cv as number).toBeLessThan(0.05)
    expect(a.evidence.service).toBe('mix-0')
    expect(a.confidence).toBe(0.9)
    expect(a.txids).toHaveLength(6)
  })

  it('does not flag the §5.12 control: 10, 10, 3.21, 7.40 BTC', () => {
    const g = buildUtxoGraph(chain(['10', '10', '3.21', '7.40']))
    expect(detectStructuring(g, mixerLabels(g, 4))).toEqual([])
  })

  it('needs the deposits within the window, just below the same R, from one sender', () => {
    const amounts = ['9.97', '9.98', '9.96', '9.99', '9.97', '9.95']
    const slow = buildUtxoGraph(chain(amounts, { gap: 8 * 3_600 })) // 40 h span: at most 4 per 24 h window
    expect(detectStructuring(slow, mixerLabels(slow, 6))).toEqual([])
    const mixed = buildUtxoGraph(chain(['9.97', '4.98', '9.96', '1.99', '9.97', '4.95']))
    expect(detectStructuring(mixed, mixerLabels(mixed, 6))).toEqual([]) // 3 of 6 just below 10 < 60 %
    // six unrelated senders each depositing once are not one run
    const specs: TxSpec[] = amounts.map((x, k) => ({
      name: `u${k}`,
      inputs: [{ value: sat(x) + sat('1'), address: `user${k}` }],
      outputs: [
        { address: `MIX-dep${k}`, value: sat(x) },
        { address: `chg${k}`, value: sat('1') - 1_000 },
      ],
    }))
    const g = buildUtxoGraph(specs)
    expect(detectStructuring(g, mixerLabels(g, 6))).toEqual([])
  })

  it('into an exchange the same run is reported with lower confidence', () => {
    const g = buildUtxoGraph(chain(['0.0995', '0.0991', '0.0993', '0.0996', '0.0990'], { svc: 'EX' }))
    const [a] = detectStructuring(g, mixerLabels(g, 5, 'EX', 'exchange'))
    expect(a!.evidence.round).toBe(sat('0.1'))
    expect(a!.confidence).toBe(0.5)
  })

  it('round grid and confidence table', () => {
    expect([roundAbove(997_000_000), roundAbove(1_000_000_000), roundAbove(150), roundAbove(0)]).toEqual([
      1_000_000_000, 2_000_000_000, 200, 1,
    ])
    expect(['mixer', 'gambling', 'exchange'].map(structuringConfidence)).toEqual([0.9, 0.8, 0.5])
  })
})

import { describe, expect, test } from 'vitest'
import { buildUtxoGraph } from './buildUtxoGraph.js'
import { feeOf, outpointOf, spendingTx, voutOf } from './UtxoGraph.js'

describe('buildUtxoGraph', () => {
  const g = buildUtxoGraph([
    { name: 'cb', coinbase: true, outputs: [{ address: 'A', value: 5_000_000_000 }] },
    {
      name: 'pay',
      inputs: ['cb:0'],
      outputs: [
        { address: 'B', value: 1_000_000_000 },
        { address: 'A', value: 3_999_990_000 },
      ],
    },
    { name: 'slice', inputs: [{ value: 700, address: 'X' }], outputs: [{ address: 'B', value: 500 }] },
  ])

  test('CSR layout, spends and fees', () => {
    expect(g.txCount).toBe(3)
    expect(g.outputCount).toBe(4)
    expect(spendingTx(g, 0)).toBe(1)
    expect(spendingTx(g, 1)).toBe(-1)
    expect(feeOf(g, 1)).toBe(10_000)
    expect(feeOf(g, 0)).toBe(0)
    expect(feeOf(g, 2)).toBe(200)
    expect(voutOf(g, 2)).toBe(1)
    expect(outpointOf(g, 2)).toBe(`${g.names.txid(1)}:1`)
  })

  test('address CSR lists outputs in chain order', () => {
    const a = g.names.addressIndex('A')
    expect(Array.from(g.addrOuts.subarray(g.addrOutStart[a]!, g.addrOutStart[a + 1]!))).toEqual([0, 2])
    const b = g.names.addressIndex('B')
    expect(Array.from(g.addrOuts.subarray(g.addrOutStart[b]!, g.addrOutStart[b + 1]!))).toEqual([1, 3])
    expect(g.inAddr[1]).toBe(g.names.addressIndex('A'))
  })
})

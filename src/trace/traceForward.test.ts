import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { type Chunks, CLEAN, chunkTotal, taintedSum } from './chunks.js'
import { spreadCoinJoin } from './traceForward.js'

describe('spreadCoinJoin', () => {
  test('conserves taint and never overfills an output, whatever the detector reports', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 2, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 3, maxLength: 10 }),
        fc.array(fc.integer({ min: -2, max: 12 }), { maxLength: 14 }),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom('haircut', 'fifo', 'lifo', 'tiho'),
        (ins, outs, equalVouts, anonSet, policy) => {
          const total = ins.reduce((a, b) => a + b, 0)
          const wsum = outs.reduce((a, b) => a + b, 0)
          const outValues = outs.map((w) => Math.floor((w * total) / wsum / 2))
          const fee = total - outValues.reduce((a, b) => a + b, 0)
          const inTaint: (Chunks | null)[] = ins.map((v, i) => (i % 2 === 0 ? [v, i % 3] : null))
          const first = 1000
          const r = spreadCoinJoin(
            policy,
            { inValues: ins, inTaint, outValues, fee },
            { kind: 'generic', anonSet, denomination: 0, equalOutputs: equalVouts.map((j) => first + j) },
            first,
          )
          const tin = inTaint.reduce((a, c) => a + taintedSum(c), 0)
          expect(r.outs.reduce((a, c) => a + taintedSum(c), 0) + taintedSum(r.fee)).toBe(tin)
          r.outs.forEach((c, j) => {
            expect(taintedSum(c)).toBeLessThanOrEqual(outValues[j]!)
            if (c && policy !== 'haircut') expect(chunkTotal(c)).toBe(outValues[j])
          })
        },
      ),
    )
  })

  test('1/anonSet per equal output; the rest to the fee', () => {
    const r = spreadCoinJoin(
      'fifo',
      { inValues: [100, 100, 100], inTaint: [[100, 0], null, null], outValues: [90, 90, 90, 20], fee: 10 },
      { kind: 'generic', anonSet: 3, denomination: 90, equalOutputs: [5, 6, 7] },
      5,
    )
    expect(r.outs).toEqual([[33, 0, 57, CLEAN], [33, 0, 57, CLEAN], [33, 0, 57, CLEAN], null])
    expect(r.fee).toEqual([1, 0])
  })
})

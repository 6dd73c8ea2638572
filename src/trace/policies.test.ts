import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { type Chunks, CLEAN, chunkTotal, perLabel, taintedSum } from './chunks.js'
import { feeShares } from './feePreHaircut.js'
import type { PolicyName, TxTaintInput } from './kernel.js'
import { policyNames } from './kernel.js'
import { kernelFor, kernels } from './policies.js'

const T = 0
/** heuristics.md §4.3: I1 = 3 BTC stolen, I2 = 7 BTC clean → O1 = 6 BTC, O2 = 3.99 BTC, fee 0.01 BTC. */
const worked: TxTaintInput = {
  inValues: [300_000_000, 700_000_000],
  inTaint: [[300_000_000, T], null],
  outValues: [600_000_000, 399_000_000],
  fee: 1_000_000,
}

describe('worked example (heuristics.md §4.3), fee last', () => {
  const expected: Record<PolicyName, [number, number, number]> = {
    poison: [600_000_000, 399_000_000, 1_000_000],
    haircut: [180_000_000, 119_700_000, 300_000],
    fifo: [300_000_000, 0, 0],
    lifo: [0, 299_000_000, 1_000_000],
    tiho: [300_000_000, 0, 0],
  }
  for (const p of policyNames) {
    test(p, () => {
      const r = kernels[p](worked)
      expect([taintedSum(r.outs[0]), taintedSum(r.outs[1]), taintedSum(r.fee)]).toEqual(expected[p])
    })
  }

  test('sequential outputs keep chunk order: FIFO O1 = [3 BTC stolen, 3 BTC clean]', () => {
    expect(kernels.fifo(worked).outs[0]).toEqual([300_000_000, T, 300_000_000, CLEAN])
    expect(kernels.fifo(worked).outs[1]).toBeNull()
    // LIFO: the queue is [7 clean, 3 stolen]; O1 takes 6 clean, O2 takes 1 clean then 2.99 stolen, the fee 0.01 stolen.
    expect(kernels.lifo(worked).outs[1]).toEqual([100_000_000, CLEAN, 299_000_000, T])
    expect(kernels.lifo(worked).fee).toEqual([1_000_000, T])
  })

  test('TIHO fills the largest output first, ties by index', () => {
    const r = kernels.tiho({
      inValues: [100, 50],
      inTaint: [null, [50, T]],
      outValues: [60, 60, 20],
      fee: 10,
    })
    expect(r.outs[0]).toEqual([50, T, 10, CLEAN])
    expect(r.outs[1]).toBeNull()
    expect(r.outs[2]).toBeNull()
  })

  test('two labels are carried separately (two thefts in one transaction)', () => {
    const tx: TxTaintInput = {
      inValues: [100, 200, 300],
      inTaint: [[100, 0], [200, 1], null],
      outValues: [150, 400],
      fee: 50,
    }
    const f = kernels.fifo(tx)
    expect(f.outs[0]).toEqual([100, 0, 50, 1])
    expect(f.outs[1]).toEqual([150, 1, 250, CLEAN])
    const h = kernels.haircut(tx)
    // r0 = 100/600, r1 = 200/600: O1 gets ⌊100·150/600⌋ = 25 and ⌊200·150/600⌋ = 50
    expect(h.outs[0]).toEqual([25, 0, 50, 1])
    expect(h.outs[1]).toEqual([66, 0, 133, 1])
    expect(h.fee).toEqual([9, 0, 17, 1])
  })

  test('haircut is exact for amounts whose products leave the float range', () => {
    const big = 2_000_000_000_000_000
    const r = kernels.haircut({ inValues: [big, 3], inTaint: [[big, T], null], outValues: [big - 7, 9], fee: 1 })
    const total = taintedSum(r.outs[0]) + taintedSum(r.outs[1]) + taintedSum(r.fee)
    expect(total).toBe(big)
    expect(taintedSum(r.outs[0])).toBe(Number((BigInt(big) * BigInt(big - 7)) / BigInt(big + 3)))
  })
})

/** A random transaction with single-label or clean inputs; sequential lists cover each input's value. */
const arbTx = fc
  .record({
    ins: fc.array(
      fc.record({
        v: fc.integer({ min: 1, max: 1_000_000 }),
        taint: fc.integer({ min: 0, max: 1_000_000 }),
        label: fc.integer({ min: -1, max: 2 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    cuts: fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 6 }),
    feePermille: fc.integer({ min: 0, max: 200 }),
  })
  .map(({ ins, cuts, feePermille }) => {
    const inValues = ins.map((x) => x.v)
    const inTaint: (Chunks | null)[] = ins.map((x) => {
      const t = Math.min(x.taint, x.v)
      if (x.label < 0 || t === 0) return null
      return t === x.v ? [t, x.label] : [t, x.label, x.v - t, CLEAN]
    })
    const total = inValues.reduce((a, b) => a + b, 0)
    const fee = Math.floor((total * feePermille) / 1000)
    const spend = total - fee
    const weights = cuts.map((c) => c + 1)
    const wsum = weights.reduce((a, b) => a + b, 0)
    const outValues = weights.map((w) => Math.floor((spend * w) / wsum))
    outValues[outValues.length - 1]! += spend - outValues.reduce((a, b) => a + b, 0)
    return { inValues, inTaint, outValues, fee } satisfies TxTaintInput
  })

const sumTaint = (cs: readonly (Chunks | null)[]) => cs.reduce((a, c) => a + taintedSum(c), 0)

describe('properties (heuristics.md §4.4)', () => {
  test('haircut, FIFO, LIFO, TIHO conserve taint exactly per label; poison never decreases it', () => {
    fc.assert(
      fc.property(arbTx, (tx) => {
        const tin = sumTaint(tx.inTaint)
        for (const p of policyNames) {
          const r = kernels[p](tx)
          const tout = sumTaint(r.outs) + taintedSum(r.fee)
          if (p === 'poison') {
            if (tin > 0) expect(tout).toBeGreaterThanOrEqual(tin)
            continue
          }
          expect(tout).toBe(tin)
          const inL = new Map<number, number>()
          for (const c of tx.inTaint) perLabel(c, inL)
          const outL = new Map<number, number>()
          for (const c of r.outs) perLabel(c, outL)
          perLabel(r.fee, outL)
          expect([...outL].sort()).toEqual([...inL].sort())
        }
      }),
    )
  })

  test('0 ≤ τ_j ≤ w_j; sequential lists cover the output; clean in → clean out', () => {
    fc.assert(
      fc.property(arbTx, (tx) => {
        const anyTaint = tx.inTaint.some((c) => c !== null)
        for (const p of policyNames) {
          const r = kernels[p](tx)
          r.outs.forEach((c, j) => {
            const t = p === 'poison' ? (c ? tx.outValues[j]! : 0) : taintedSum(c)
            expect(t).toBeGreaterThanOrEqual(0)
            expect(t).toBeLessThanOrEqual(tx.outValues[j]!)
            if (c && (p === 'fifo' || p === 'lifo' || p === 'tiho')) expect(chunkTotal(c)).toBe(tx.outValues[j])
            if (!anyTaint) expect(c).toBeNull()
          })
        }
      }),
    )
  })

  test('all inputs fully tainted (one label) → all outputs fully tainted', () => {
    fc.assert(
      fc.property(arbTx, (tx0) => {
        const tx = { ...tx0, inTaint: tx0.inValues.map((v) => [v, 0]) }
        for (const p of policyNames) {
          const r = kernels[p](tx)
          r.outs.forEach((c, j) => {
            if (tx.outValues[j]! > 0) expect(taintedSum(c)).toBe(tx.outValues[j])
          })
        }
      }),
    )
  })

  test('haircut: every output carries the inputs’ ratio (to within the floor)', () => {
    fc.assert(
      fc.property(arbTx, (tx) => {
        const r = kernels.haircut(tx)
        const V = tx.inValues.reduce((a, b) => a + b, 0)
        const tin = sumTaint(tx.inTaint)
        r.outs.forEach((c, j) => {
          const exact = (tin * tx.outValues[j]!) / V
          const got = taintedSum(c)
          expect(got).toBeLessThanOrEqual(exact + 1e-6)
          expect(got).toBeGreaterThan(exact - 3) // at most one satoshi lost per label (≤ 3 labels)
        })
      }),
    )
  })

  test('FIFO does not change when an input is split into two consecutive inputs with the same label', () => {
    fc.assert(
      fc.property(arbTx, fc.nat(), fc.nat(), (tx, which, at) => {
        const i = which % tx.inValues.length
        const v = tx.inValues[i]!
        if (v < 2) return
        const cut = 1 + (at % (v - 1))
        const c = tx.inTaint[i] ?? [v, CLEAN]
        // split the chunk list at `cut`
        const a: Chunks = []
        const b: Chunks = []
        let pos = 0
        for (let k = 0; k < c.length; k += 2) {
          const len = c[k]!
          const l = c[k + 1]!
          const inA = Math.max(0, Math.min(len, cut - pos))
          if (inA > 0) a.push(inA, l)
          if (len - inA > 0) b.push(len - inA, l)
          pos += len
        }
        const clean = (x: Chunks) => (x.every((_, k) => k % 2 === 0 || x[k] === CLEAN) ? null : x)
        const split: TxTaintInput = {
          ...tx,
          inValues: [...tx.inValues.slice(0, i), cut, v - cut, ...tx.inValues.slice(i + 1)],
          inTaint: [...tx.inTaint.slice(0, i), clean(a), clean(b), ...tx.inTaint.slice(i + 1)],
        }
        expect(kernels.fifo(split)).toEqual(kernels.fifo(tx))
      }),
    )
  })
})

describe('fee pre-haircut (heuristics.md §4.3 rows)', () => {
  test('LIFO and TIHO exact; FIFO; poison and haircut unchanged', () => {
    const lifo = kernelFor('lifo', 'pre-haircut')(worked)
    expect([taintedSum(lifo.outs[0]), taintedSum(lifo.outs[1]), taintedSum(lifo.fee)]).toEqual([
      0, 299_700_000, 300_000,
    ])
    const tiho = kernelFor('tiho', 'pre-haircut')(worked)
    expect([taintedSum(tiho.outs[0]), taintedSum(tiho.outs[1]), taintedSum(tiho.fee)]).toEqual([
      299_700_000, 0, 300_000,
    ])
    const fifo = kernelFor('fifo', 'pre-haircut')(worked)
    expect([taintedSum(fifo.outs[0]), taintedSum(fifo.outs[1]), taintedSum(fifo.fee)]).toEqual([
      299_700_000, 0, 300_000,
    ])
    expect(kernelFor('haircut', 'pre-haircut')(worked)).toEqual(kernels.haircut(worked))
    expect(kernelFor('poison', 'pre-haircut')(worked)).toEqual(kernels.poison(worked))
  })

  test('fee shares: floor each, remainder to the last input', () => {
    expect(feeShares([300_000_000, 700_000_000], 1_000_000)).toEqual([300_000, 700_000])
    expect(feeShares([1, 1, 1], 2)).toEqual([0, 1, 1])
  })

  test('conservation per label and coverage under pre-haircut', () => {
    fc.assert(
      fc.property(arbTx, (tx) => {
        for (const p of ['fifo', 'lifo', 'tiho'] as const) {
          const r = kernelFor(p, 'pre-haircut')(tx)
          const inL = new Map<number, number>()
          for (const c of tx.inTaint) perLabel(c, inL)
          const outL = new Map<number, number>()
          for (const c of r.outs) perLabel(c, outL)
          perLabel(r.fee, outL)
          expect([...outL].sort()).toEqual([...inL].sort())
          r.outs.forEach((c, j) => {
            if (c) expect(chunkTotal(c)).toBe(tx.outValues[j])
          })
          expect(taintedSum(r.fee)).toBeLessThanOrEqual(tx.fee)
        }
      }),
    )
  })
})

import { describe, expect, it } from 'vitest'
import { Rng } from './prng.js'

describe('Rng (sfc32)', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng('s')
    const b = new Rng('s')
    const c = new Rng('t')
    const xs = Array.from({ length: 100 }, () => a.u32())
    expect(Array.from({ length: 100 }, () => b.u32())).toEqual(xs)
    expect(Array.from({ length: 100 }, () => c.u32())).not.toEqual(xs)
  })

  it('draws look uniform and stay in range', () => {
    const r = new Rng('u')
    const bins = new Array(10).fill(0)
    for (let i = 0; i < 100_000; i++) {
      const f = r.float()
      expect(f >= 0 && f < 1).toBe(true)
      bins[Math.floor(f * 10)]++
    }
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(500)
    for (let i = 0; i < 1000; i++) {
      const v = r.range(3, 7)
      expect(v >= 3 && v <= 7 && Number.isInteger(v)).toBe(true)
    }
    const w = new Array(3).fill(0)
    for (let i = 0; i < 30_000; i++) w[r.weighted([1, 2, 0])]++
    expect(w[2]).toBe(0)
    expect(w[1] / w[0]).toBeGreaterThan(1.8)
    expect(w[1] / w[0]).toBeLessThan(2.2)
  })

  it('fill writes every byte of odd-length ranges', () => {
    const r = new Rng('f')
    const b = new Uint8Array(7)
    r.fill(b, 1, 6)
    expect(b[0]).toBe(0)
    expect(b[6]).toBe(0)
  })
})

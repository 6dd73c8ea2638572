import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AddressMap } from './AddressMap.js'

const addr = (i: number): string => `bc1q${createHash('sha256').update(String(i)).digest('hex').slice(0, 38)}`

describe('AddressMap', () => {
  it('gives dense ids in first-seen order and the same id on every later sight, across growth', () => {
    const m = new AddressMap(16)
    const ref = new Map<string, number>()
    let next = 0
    for (let r = 0; r < 300_000; r++) {
      const a = addr(r % 3 === 0 ? r >> 2 : r) // many repeats
      const got = m.getOrAdd(a, 0, a.length, next)
      const want = ref.get(a)
      if (want === undefined) {
        expect(got).toBe(next)
        ref.set(a, next++)
      } else if (got !== want) expect(got).toBe(want)
    }
    expect(m.size).toBe(ref.size)
    expect(m.bytes).toBeLessThan(ref.size * 48)
  })

  it('hashes a slice of a longer string like the same address on its own', () => {
    const m = new AddressMap()
    const blob = `${addr(1)}1BoatSLRHtKNngkdXEeobR76b53LETtpyT${addr(2)}`
    const a = '1BoatSLRHtKNngkdXEeobR76b53LETtpyT'
    expect(m.getOrAdd(blob, 42, 42 + a.length, 0)).toBe(0)
    expect(m.getOrAdd(a, 0, a.length, 1)).toBe(0)
    expect(m.getOrAdd(blob, 0, 42, 1)).toBe(1)
    // a prefix or a one-character change is a different address
    expect(m.getOrAdd(a, 0, a.length - 1, 2)).toBe(2)
    const b = `${a.slice(0, -1)}U`
    expect(m.getOrAdd(b, 0, b.length, 3)).toBe(3)
  })

  it('rebuilt with other seeds from (address, id) pairs, it returns the stored ids', () => {
    const first = new AddressMap(1024, new Uint32Array([1, 2, 3]))
    const rows: [string, number][] = []
    for (let i = 0; i < 5000; i++) {
      const a = addr(i)
      rows.push([a, first.getOrAdd(a, 0, a.length, i)])
    }
    const again = new AddressMap(1024, new Uint32Array([7, 8, 9]))
    for (const [a, id] of rows) again.getOrAdd(a, 0, a.length, id)
    for (const [a, id] of rows) expect(again.getOrAdd(a, 0, a.length, -5)).toBe(id)
    expect(again.size).toBe(5000)
  })
})

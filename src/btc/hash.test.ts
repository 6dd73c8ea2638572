import { createHash } from 'node:crypto'
import { ripemd160 } from '@noble/hashes/legacy.js'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { fromHex, fromHexReversed, hash160, sha256d, toHex, toHexReversed } from './hash.js'

describe('hex helpers', () => {
  test('toHexReversed / toHex / fromHex(Reversed) agree with Buffer for any bytes and range (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(), fc.nat(), (b, x, y) => {
        const start = b.length ? x % (b.length + 1) : 0
        const end = start + (b.length ? y % (b.length - start + 1) : 0)
        const slice = Buffer.from(b.subarray(start, end))
        expect(toHex(b, start, end)).toBe(slice.toString('hex'))
        expect(toHexReversed(b, start, end)).toBe(Buffer.from(slice).reverse().toString('hex'))
        expect([...fromHexReversed(toHexReversed(b))]).toEqual([...b])
        expect([...fromHex(toHex(b))]).toEqual([...b])
      }),
      { numRuns: 1000 },
    )
    expect(() => fromHex('abc')).toThrow(RangeError)
    expect(() => fromHex('zz')).toThrow(RangeError)
  })

  test('sha256d and hash160 equal node:crypto / noble', () => {
    const data = Uint8Array.from({ length: 100 }, (_, i) => i)
    const once = createHash('sha256').update(data).digest()
    expect(toHex(sha256d(data))).toBe(createHash('sha256').update(once).digest('hex'))
    expect(toHex(hash160(data))).toBe(toHex(ripemd160(once)))
  })
})

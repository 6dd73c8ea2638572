import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { latin1String } from './latin1String.js'

describe('latin1String', () => {
  test('equals Buffer#toString("latin1") for any bytes and range (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(), fc.nat(), (bytes, x, y) => {
        const buf = Buffer.from(bytes)
        const a = bytes.length ? x % (bytes.length + 1) : 0
        const b = bytes.length ? y % (bytes.length + 1) : 0
        const [start, end] = a <= b ? [a, b] : [b, a]
        expect(latin1String(buf, start, end)).toBe(buf.toString('latin1', start, end))
      }),
      { numRuns: 500 },
    )
  })
})

import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { merkleRoot, merkleRootFlat } from './merkle.js'
import { sha256dInto, sha256SmallInto } from './sha256dInto.js'

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest()
const sha256d = (b: Uint8Array) => sha(sha(b))

describe('sha256dInto', () => {
  test('equals node:crypto for every length 0..400 (both the JS and the native path) at an offset', () => {
    const src = new Uint8Array(420)
    for (let i = 0; i < src.length; i++) src[i] = (i * 131 + 7) & 255
    const out = new Uint8Array(40)
    for (let len = 0; len <= 400; len++) {
      sha256dInto(src, 11, 11 + len, out, 3)
      expect(Buffer.from(out.subarray(3, 35)).toString('hex')).toBe(sha256d(src.subarray(11, 11 + len)).toString('hex'))
      sha256SmallInto(src, 11, 11 + len, out, 0)
      expect(Buffer.from(out.subarray(0, 32)).toString('hex')).toBe(sha(src.subarray(11, 11 + len)).toString('hex'))
    }
  })

  test('random inputs (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => {
        const out = new Uint8Array(32)
        sha256dInto(b, 0, b.length, out, 0)
        expect(Buffer.from(out).equals(sha256d(b))).toBe(true)
      }),
      { numRuns: 500 },
    )
  })
})

describe('merkle', () => {
  /** Straightforward reference: Bitcoin's merkle tree with node:crypto. */
  function refRoot(hashes: Uint8Array[]): Buffer {
    let level: Buffer[] = hashes.map((h) => Buffer.from(h))
    while (level.length > 1) {
      const next: Buffer[] = []
      for (let i = 0; i < level.length; i += 2) {
        next.push(sha256d(Buffer.concat([level[i]!, level[i + 1] ?? level[i]!])))
      }
      level = next
    }
    return level[0]!
  }
  test('merkleRoot and merkleRootFlat equal a reference for 1..70 leaves', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 1, maxLength: 70 }), (hs) => {
        const expected = refRoot(hs).toString('hex')
        expect(Buffer.from(merkleRoot(hs)).toString('hex')).toBe(expected)
        const flat = new Uint8Array(hs.length * 32)
        for (let i = 0; i < hs.length; i++) flat.set(hs[i]!, i * 32)
        expect(Buffer.from(merkleRootFlat(flat, hs.length)).toString('hex')).toBe(expected)
      }),
      { numRuns: 200 },
    )
    expect([...merkleRoot([])]).toEqual(new Array(32).fill(0))
  })

  test('large trees (the WebAssembly memory grows past one page) and flat is left unmodified', () => {
    for (const n of [2047, 2048, 2049, 70_001]) {
      const hs = Array.from({ length: n }, (_, i) => sha(Buffer.from(`leaf ${i}`)))
      const flat = new Uint8Array(n * 32)
      for (let i = 0; i < n; i++) flat.set(hs[i]!, i * 32)
      const copy = flat.slice()
      expect(Buffer.from(merkleRootFlat(flat, n)).toString('hex')).toBe(refRoot(hs).toString('hex'))
      expect(Buffer.from(flat).equals(Buffer.from(copy))).toBe(true)
    }
  })
})

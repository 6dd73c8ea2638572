import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { checksum21, checksumInput } from './sha256Wasm.js'

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest()

describe('checksum21 (WebAssembly Base58Check checksum)', () => {
  test('equals the first 4 bytes of node:crypto sha256d for any 21-byte payload (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 21, maxLength: 21 }), (p) => {
        checksumInput.set(p)
        expect(checksum21() >>> 0).toBe(sha(sha(p)).readUInt32BE(0))
      }),
      { numRuns: 2000 },
    )
  })

  test('edge payloads: all zeros, all 0xff, and bytes 21..24 of the scratch are ignored', () => {
    for (const fill of [0, 0xff, 0x80]) {
      const p = new Uint8Array(21).fill(fill)
      checksumInput.set(p)
      checksumInput.fill(0xaa, 21, 25)
      expect(checksum21() >>> 0).toBe(sha(sha(p)).readUInt32BE(0))
    }
  })
})

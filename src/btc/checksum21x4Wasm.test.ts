import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { checksum4Input, checksum4Output, checksum21x4 } from './checksum21x4Wasm.js'
import { checksum21, checksumInput } from './sha256Wasm.js'

const sha256d4 = (p: Uint8Array): number =>
  createHash('sha256').update(createHash('sha256').update(p).digest()).digest().readInt32BE(0)

describe('checksum21x4', () => {
  test('each lane equals sha256d (node:crypto) and the scalar module, for varied payloads', () => {
    let seed = 12345
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed >>> 24
    }
    for (let it = 0; it < 500; it++) {
      const ps: Uint8Array[] = []
      for (let l = 0; l < 4; l++) {
        const p = new Uint8Array(21)
        // include all-zero, all-0xff and random payloads
        for (let i = 0; i < 21; i++) p[i] = it === 0 ? 0 : it === 1 ? 255 : rnd()
        ps.push(p)
        checksum4Input.set(p, l * 32)
      }
      checksum21x4()
      for (let l = 0; l < 4; l++) {
        const want = sha256d4(ps[l]!)
        expect(checksum4Output[l]).toBe(want)
        checksumInput.set(ps[l]!, 0)
        expect(checksum21()).toBe(want)
      }
    }
  })
})

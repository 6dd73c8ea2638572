import { createHash } from 'node:crypto'
import { createBase58check } from '@scure/base'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { base58checkDecode, base58checkEncode, base58checkEncode21 } from './base58check.js'
import { fromHex } from './hash.js'

const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest())
const ref = createBase58check(sha256)

describe('base58checkEncode21 (fast fixed-size path)', () => {
  test('known addresses', () => {
    // hash160 of the BIP173 example key → its P2PKH address
    expect(base58checkEncode21(0, fromHex('751e76e8199196d454941c45d1b3a323f1433bd6'))).toBe(
      '1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH',
    )
    // all-zero hash: the "burn" address with leading 1s for every zero byte
    expect(base58checkEncode21(0, new Uint8Array(20))).toBe('1111111111111111111114oLvT2')
    expect(base58checkEncode21(0xff, new Uint8Array(20).fill(0xff))).toBe(ref.encode(new Uint8Array(21).fill(0xff)))
  })

  test('equals @scure/base for any version byte and hash, at any offset (property)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 255 }),
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.nat({ max: 9 }),
        (v, h, off) => {
          const payload = new Uint8Array(21)
          payload[0] = v
          payload.set(h, 1)
          const expected = ref.encode(payload)
          const padded = new Uint8Array(40)
          padded.set(h, off)
          expect(base58checkEncode21(v, padded, off)).toBe(expected)
          expect(base58checkEncode(payload)).toBe(expected)
          expect([...base58checkDecode(expected)]).toEqual([...payload])
        },
      ),
      { numRuns: 3000 },
    )
  })

  test('leading-zero payloads (every count of leading zero bytes)', () => {
    for (let zeros = 0; zeros <= 21; zeros++) {
      const payload = new Uint8Array(21).fill(7)
      payload.fill(0, 0, zeros)
      expect(base58checkEncode21(payload[0]!, payload, 1)).toBe(ref.encode(payload))
    }
  })

  test('decode rejects a bad checksum', () => {
    expect(() => base58checkDecode('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMJ')).toThrow()
  })
})

import { bech32, bech32m } from '@scure/base'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  invalidBech32,
  invalidBech32m,
  invalidSegwitAddresses,
  validBech32,
  validBech32m,
  validSegwitAddresses,
} from './_bipVectors.js'
import { fromHex, toHex } from './hash.js'
import { decodeSegwitAddress, encodeSegwitAddress } from './segwitAddress.js'

type Bech = `${string}1${string}`

describe('bech32 / bech32m strings (BIP173, BIP350 vectors) through @scure/base', () => {
  test.each(validBech32)('valid bech32 %s (and not bech32m)', (s) => {
    expect(() => bech32.decode(s as Bech, 90)).not.toThrow()
    expect(() => bech32m.decode(s as Bech, 90)).toThrow()
  })
  test.each(validBech32m)('valid bech32m %s (and not bech32)', (s) => {
    expect(() => bech32m.decode(s as Bech, 90)).not.toThrow()
    expect(() => bech32.decode(s as Bech, 90)).toThrow()
  })
  test.each(invalidBech32)('invalid bech32 %j: %s', (s) => {
    expect(() => bech32.decode(s as Bech, 90)).toThrow()
  })
  test.each(invalidBech32m)('invalid bech32m %j: %s', (s) => {
    expect(() => bech32m.decode(s as Bech, 90)).toThrow()
  })
})

describe('segwit addresses (BIP350 vectors)', () => {
  test.each(validSegwitAddresses)('%s → %s, and back', (address, scriptHex) => {
    const d = decodeSegwitAddress(address)
    const script = fromHex(scriptHex)
    const version = script[0] === 0 ? 0 : script[0]! - 0x50
    expect(d.version).toBe(version)
    expect(toHex(d.program)).toBe(scriptHex.slice(4))
    expect(script[1]).toBe(d.program.length)
    // our encoder reproduces the address (lowercase form)
    expect(encodeSegwitAddress(d.hrp, d.version, d.program)).toBe(address.toLowerCase())
  })
  test.each(invalidSegwitAddresses)('rejects %s (%s)', (address, reason) => {
    // Invalid HRP vectors are valid strings with a foreign prefix: rejected only against a network (addressToScript).
    if (reason === 'Invalid human-readable part') {
      expect(['bc', 'tb']).not.toContain(decodeSegwitAddress(address).hrp)
      return
    }
    expect(() => decodeSegwitAddress(address)).toThrow()
  })
})

describe('encodeSegwitAddress', () => {
  test('matches @scure/base for every version and program length (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('bc', 'tb', 'bcrt'),
        fc.integer({ min: 0, max: 16 }),
        fc.uint8Array({ minLength: 2, maxLength: 40 }),
        (hrp, version, program) => {
          if (version === 0 && program.length !== 20 && program.length !== 32) {
            expect(() => encodeSegwitAddress(hrp, version, program)).toThrow(RangeError)
            return
          }
          const coder = version === 0 ? bech32 : bech32m
          const expected = coder.encode(hrp, [version, ...coder.toWords(program)])
          const ours = encodeSegwitAddress(hrp, version, program)
          expect(ours).toBe(expected)
          const back = decodeSegwitAddress(ours)
          expect(back).toEqual({ hrp, version, program })
        },
      ),
      { numRuns: 500 },
    )
  })
  test('rejects bad versions and lengths', () => {
    expect(() => encodeSegwitAddress('bc', 17, new Uint8Array(32))).toThrow(RangeError)
    expect(() => encodeSegwitAddress('bc', 1, new Uint8Array(1))).toThrow(RangeError)
    expect(() => encodeSegwitAddress('bc', 1, new Uint8Array(41))).toThrow(RangeError)
    expect(() => encodeSegwitAddress('bc', 0, new Uint8Array(21))).toThrow(RangeError)
  })
})

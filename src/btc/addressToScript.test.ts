import * as bitcoin from 'bitcoinjs-lib'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { InvalidInputError } from '../core/errors.js'
import { invalidSegwitAddresses, validSegwitAddresses } from './_bipVectors.js'
import { addressToScript, isValidAddress } from './addressToScript.js'
import { classifyScript } from './classifyScript.js'
import { toHex } from './hash.js'
import { networks } from './networks.js'

const netFor = (a: string) => (a.toLowerCase().startsWith('tb1') ? networks.testnet : networks.mainnet)

function thrown(f: () => unknown): unknown {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error('expected an error')
}

describe('addressToScript', () => {
  test.each(validSegwitAddresses)('BIP350 valid %s → %s', (address, script) => {
    const r = addressToScript(address, netFor(address))
    expect(toHex(r.script)).toBe(script)
    expect(classifyScript(r.script, netFor(address))).toEqual({ type: r.type, address: address.toLowerCase() })
  })

  test.each(invalidSegwitAddresses)('BIP350/173 invalid %s (%s) → InvalidInputError', (address) => {
    for (const net of [networks.mainnet, networks.testnet]) {
      const e = thrown(() => addressToScript(address, net)) as InvalidInputError
      expect(e).toBeInstanceOf(InvalidInputError)
      expect(e.code).toBe('HOUND_ERR_INVALID_INPUT')
      expect(e.exitCode).toBe(2)
      expect(e.details.field).toBe('address')
    }
  })

  test('legacy addresses, and the wrong network is rejected', () => {
    expect(toHex(addressToScript('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', networks.mainnet).script)).toBe(
      '76a914751e76e8199196d454941c45d1b3a323f1433bd688ac',
    )
    const p2sh = addressToScript('3CNHUhP3uyB9EUtRLsmvFUmvGdjGdkTxJw', networks.mainnet)
    expect(p2sh.type).toBe('p2sh')
    expect(toHex(p2sh.script)).toBe('a914751e76e8199196d454941c45d1b3a323f1433bd687')
    expect(isValidAddress('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', networks.testnet)).toBe(false)
    expect(isValidAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', networks.regtest)).toBe(false)
    expect(isValidAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', networks.mainnet)).toBe(true)
    for (const bad of [
      '',
      'hello',
      '1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMJ',
      '0x098B716B8Aaf21512996dC57EB0615e2383E2f96',
    ]) {
      expect(thrown(() => addressToScript(bad, networks.mainnet))).toBeInstanceOf(InvalidInputError)
    }
    // valid Base58Check but a 32-byte payload (a WIF key, not an address)
    const wif = bitcoin.address.toBase58Check(new Uint8Array(20), 0x80)
    expect(thrown(() => addressToScript(wif, networks.mainnet))).toBeInstanceOf(InvalidInputError)
  })

  test('classifyScript(addressToScript(a)) round trips on every network, and matches bitcoinjs toOutputScript', () => {
    const nets = [
      [networks.mainnet, bitcoin.networks.bitcoin],
      [networks.testnet, bitcoin.networks.testnet],
      [networks.signet, bitcoin.networks.testnet],
      [networks.regtest, bitcoin.networks.regtest],
    ] as const
    const script = fc.oneof(
      fc.uint8Array({ minLength: 20, maxLength: 20 }).map((h) => Uint8Array.of(0x76, 0xa9, 20, ...h, 0x88, 0xac)),
      fc.uint8Array({ minLength: 20, maxLength: 20 }).map((h) => Uint8Array.of(0xa9, 20, ...h, 0x87)),
      fc.uint8Array({ minLength: 20, maxLength: 20 }).map((h) => Uint8Array.of(0, 20, ...h)),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((h) => Uint8Array.of(0, 32, ...h)),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((h) => Uint8Array.of(0x51, 32, ...h)),
      fc
        .tuple(fc.integer({ min: 1, max: 16 }), fc.uint8Array({ minLength: 2, maxLength: 40 }))
        .map(([v, p]) => Uint8Array.of(0x50 + v, p.length, ...p)),
    )
    fc.assert(
      fc.property(fc.constantFrom(...nets), script, ([net, refNet], s) => {
        const c = classifyScript(s, net)
        expect(c.address).not.toBeNull()
        const back = addressToScript(c.address!, net)
        expect(toHex(back.script)).toBe(toHex(s))
        expect(back.type).toBe(c.type)
        if (['p2pkh', 'p2sh', 'p2wpkh', 'p2wsh'].includes(c.type)) {
          expect(toHex(bitcoin.address.toOutputScript(c.address!, refNet))).toBe(toHex(s))
        } else {
          // bitcoinjs' toOutputScript needs an ECC library for v1; compare its bech32m decoding instead
          const d = bitcoin.address.fromBech32(c.address!)
          expect([d.prefix, d.version, toHex(d.data)]).toEqual([refNet.bech32, s[0]! - 0x50, toHex(s.subarray(2))])
        }
      }),
      { numRuns: 1000 },
    )
  })
})

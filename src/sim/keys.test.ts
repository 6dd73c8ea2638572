import { bech32, bech32m } from '@scure/base'
import { address, networks as bjs, payments, script } from 'bitcoinjs-lib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hash160 } from '../btc/hash.js'
import { networks } from '../btc/networks.js'
import { derSig, KeyDeriver, opReturnScript, P2PKH, P2SH_P2WPKH, P2TR, P2WPKH, segwitAddress } from './keys.js'
import { Rng } from './prng.js'

describe('keys', () => {
  it('segwitAddress equals @scure/base bech32/bech32m for any program', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (p20, p32) => {
          for (const hrp of ['bc', 'tb', 'bcrt']) {
            expect(segwitAddress(hrp, 0, p20)).toBe(bech32.encode(hrp, [0, ...bech32.toWords(p20)]))
            expect(segwitAddress(hrp, 1, p32)).toBe(bech32m.encode(hrp, [1, ...bech32m.toWords(p32)]))
          }
        },
      ),
    )
    // BIP173 vector
    const p = Buffer.from('751e76e8199196d454941c45d1b3a323f1433bd6', 'hex')
    expect(segwitAddress('bc', 0, p)).toBe('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4')
  })

  it('scripts and addresses agree with bitcoinjs-lib for every kind, on regtest and mainnet', () => {
    for (const [name, net] of [
      ['regtest', bjs.regtest],
      ['mainnet', bjs.bitcoin],
    ] as const) {
      const k = new KeyDeriver('s', networks[name])
      for (const kind of [P2PKH, P2SH_P2WPKH, P2WPKH] as const) {
        for (let i = 0; i < 20; i++) {
          const prog = k.program(kind, 17, i)
          const s = k.outputScript(kind, 17, i)
          expect(k.address(kind, prog)).toBe(address.fromOutputScript(s, net))
        }
      }
      const s = k.outputScript(P2TR, 1, 1)
      expect(s.length).toBe(34)
      expect(k.address(P2TR, s.subarray(2))).toMatch(name === 'regtest' ? /^bcrt1p/ : /^bc1p/)
    }
  })

  it('spending data is well-formed: DER signatures 71–72 bytes, pubkeys hash to the output program', () => {
    const k = new KeyDeriver('s', networks.regtest)
    const rng = new Rng('x')
    const sizes = new Set<number>()
    for (let i = 0; i < 200; i++) {
      const sig = derSig(rng)
      sizes.add(sig.length)
      expect(script.isCanonicalScriptSignature(Buffer.from(sig))).toBe(true)
    }
    expect([...sizes].sort()).toEqual([71, 72])
    const w = k.spend(P2WPKH, 5, 9, rng)
    expect(w.scriptSig.length).toBe(0)
    expect(w.witness[1]!.length).toBe(33)
    expect(Buffer.from(hash160(w.witness[1]!))).toEqual(Buffer.from(k.program(P2WPKH, 5, 9)))
    const sh = k.spend(P2SH_P2WPKH, 5, 9, rng)
    const redeem = sh.scriptSig.subarray(1)
    expect(redeem.length).toBe(22)
    expect(Buffer.from(hash160(redeem))).toEqual(Buffer.from(k.program(P2SH_P2WPKH, 5, 9)))
    const pk = k.spend(P2PKH, 5, 9, rng)
    const chunks = script.decompile(Buffer.from(pk.scriptSig))!
    expect(chunks.length).toBe(2)
    const p2pkh = payments.p2pkh({ pubkey: chunks[1] as Uint8Array, network: bjs.regtest })
    expect(Buffer.from(p2pkh.hash!)).toEqual(Buffer.from(k.program(P2PKH, 5, 9)))
    const tr = k.spend(P2TR, 5, 9, rng)
    expect(tr.witness.map((x) => x.length)).toEqual([64])
  })

  it('derivation is deterministic per seed and differs across seeds, keys and indexes', () => {
    const a = new KeyDeriver('one', networks.regtest)
    const b = new KeyDeriver('one', networks.regtest)
    const c = new KeyDeriver('two', networks.regtest)
    expect(a.material(3, 4)).toEqual(b.material(3, 4))
    expect(a.material(3, 4)).not.toEqual(c.material(3, 4))
    expect(a.material(3, 4)).not.toEqual(a.material(4, 3))
  })

  it('OP_RETURN scripts push the data and refuse more than 80 bytes', () => {
    expect(Buffer.from(opReturnScript(Uint8Array.of(1, 2))).toString('hex')).toBe('6a020102')
    expect(opReturnScript(new Uint8Array(80))[1]).toBe(0x4c)
    expect(() => opReturnScript(new Uint8Array(81))).toThrow(RangeError)
  })
})

import { readFileSync } from 'node:fs'
import * as bitcoin from 'bitcoinjs-lib'
import { describe, expect, test } from 'vitest'
import { dataPath } from '../core/_testData.js'
import { first600Blocks, singleBlocks } from './_realBlocks.js'
import { classifyScript } from './classifyScript.js'
import { decodeBlock } from './decodeBlock.js'
import { decodeTx } from './decodeTx.js'
import { fromHex } from './hash.js'
import { type BtcNetwork, networks } from './networks.js'
import type { BtcTxOut } from './types.js'

const main = networks.mainnet

/**
 * bitcoinjs-lib's address for a script, or null when it has none. Its fromOutputScript needs an ECC library for
 * P2TR (and rejects 2-byte v1 programs), so v1+ witness programs are encoded with its bech32m `toBech32` instead.
 */
function refAddress(script: Uint8Array, net: bitcoin.Network = bitcoin.networks.bitcoin): string | null {
  try {
    return bitcoin.address.fromOutputScript(script, net)
  } catch {
    const n = script.length - 2
    const op = script[0]!
    if (op >= 0x51 && op <= 0x60 && script[1] === n && n >= 2 && n <= 40) {
      return bitcoin.address.toBech32(script.subarray(2), op - 0x50, net.bech32)
    }
    return null
  }
}

function allOutputs(): BtcTxOut[] {
  const outs: BtcTxOut[] = []
  for (const b of [...singleBlocks(), ...first600Blocks()]) {
    for (const tx of decodeBlock(b.bytes).txs) outs.push(...tx.outputs)
  }
  // The 69,420-output tx: its 2 P2TR outputs and a sample of its 69,418 identical-shape OP_RETURNs (all of them are
  // classified in decodeTx.test.ts; here bitcoinjs would spend ~30 s throwing on each one).
  const big = decodeTx(new Uint8Array(readFileSync(dataPath('btc/bitcoin-s/tx_a536e7f6_69420outputs.raw'))))
  outs.push(...big.tx.outputs.filter((o, i) => i % 50 === 0 || o.script.length !== 3))
  return outs
}

describe('classifyScript on every output of the real blocks', () => {
  const outs = allOutputs()

  test('addresses equal bitcoinjs-lib address.fromOutputScript; P2PK gives the P2PKH of its key', () => {
    const seen = new Map<string, number>()
    for (const o of outs) {
      const c = classifyScript(o.script, main)
      seen.set(c.type, (seen.get(c.type) ?? 0) + 1)
      const ref = refAddress(o.script)
      if (c.type === 'p2pk') {
        const key = o.script.subarray(1, o.script.length - 1)
        expect(ref).toBeNull()
        expect(c.address).toBe(bitcoin.address.toBase58Check(bitcoin.crypto.hash160(key), 0))
      } else if (c.address === null) {
        // multisig, nulldata, nonstandard: no address here, and none in bitcoinjs either
        expect(ref).toBeNull()
      } else {
        expect(c.address).toBe(ref)
      }
    }
    // the sample covers every type that occurs on mainnet before Taproot plus P2TR
    for (const t of ['p2pk', 'p2pkh', 'p2sh', 'p2wpkh', 'p2wsh', 'p2tr', 'multisig', 'nulldata', 'nonstandard']) {
      expect(seen.get(t) ?? 0, t).toBeGreaterThan(0)
    }
    expect(outs.length).toBeGreaterThan(40000)
  })

  test('types agree with bitcoinjs-lib payments where it has one', () => {
    for (const o of outs.filter((_, i) => i % 4 === 0)) {
      const c = classifyScript(o.script, main)
      const output = o.script
      const is = (f: () => unknown) => {
        try {
          f()
          return true
        } catch {
          return false
        }
      }
      expect(is(() => bitcoin.payments.p2pkh({ output }))).toBe(c.type === 'p2pkh')
      expect(is(() => bitcoin.payments.p2sh({ output }))).toBe(c.type === 'p2sh')
      expect(is(() => bitcoin.payments.p2wpkh({ output }))).toBe(c.type === 'p2wpkh')
      expect(is(() => bitcoin.payments.p2wsh({ output }))).toBe(c.type === 'p2wsh')
    }
  })

  test('block 1 coinbase: P2PK → 12c6DSiU4Rq3P4ZxziKxzrL5LmMBrzjrJX', () => {
    const block1 = decodeBlock(new Uint8Array(readFileSync(dataPath('btc/bcoin/block1.raw'))))
    const out = block1.txs[0]!.outputs[0]!
    expect(out.value).toBe(50e8)
    const c = classifyScript(out.script, main)
    expect(c).toEqual({ type: 'p2pk', address: '12c6DSiU4Rq3P4ZxziKxzrL5LmMBrzjrJX' })
    expect(bitcoin.payments.p2pkh({ pubkey: out.script.subarray(1, 66) }).address).toBe(c.address)
  })
})

const h = (s: string) => fromHex(s.replace(/\s+/g, ''))
const key33 = `02${'11'.repeat(32)}`
const key65 = `04${'22'.repeat(64)}`
const hash20 = '751e76e8199196d454941c45d1b3a323f1433bd6'

describe('classifyScript patterns (Bitcoin Core Solver rules)', () => {
  const cases: [string, string, string | null][] = [
    ['p2pkh', `76a914${hash20}88ac`, '1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH'],
    ['p2sh', `a914${hash20}87`, null],
    ['p2wpkh', `0014${hash20}`, 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'],
    [
      'p2tr',
      '512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
    ],
    ['witness_unknown', '60024e73', null],
    ['witness_unknown', '51024e73', 'bc1pfeessrawgf'],
    ['witness_unknown', `5210${hash20.slice(0, 32)}`, 'bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs'],
    ['nonstandard', `0015${hash20}00`, null], // v0 program of 21 bytes
    ['nonstandard', `0001ff`, null], // too short for a witness program
    ['nonstandard', `76a914${hash20}88ad`, null],
    ['nulldata', '6a', null],
    ['nulldata', '6a0b68656c6c6f20776f726c64', null],
    ['nulldata', '6a4c0100', null],
    ['nulldata', '6a0051', null], // OP_0, OP_1: pushes
    ['nonstandard', '6aac', null], // OP_RETURN OP_CHECKSIG is not push-only
    ['nonstandard', '6a4c05aa', null], // truncated push
    ['p2pk', `21${key33}ac`, null],
    ['p2pk', `41${key65}ac`, null],
    ['nonstandard', `21${`04${'11'.repeat(32)}`}ac`, null], // 33 bytes with an uncompressed header
    ['nonstandard', `41${`02${'22'.repeat(64)}`}ac`, null],
    ['multisig', `5121${key33}41${key65}52ae`, null],
    ['multisig', `5221${key33}21${key33}21${key33}53ae`, null],
    ['nonstandard', `5321${key33}21${key33}52ae`, null], // m > n
    ['nonstandard', `5121${key33}21${key33}53ae`, null], // n ≠ number of keys
    ['nonstandard', `5121${key33}51ae00`, null], // CHECKMULTISIG not last
    ['nonstandard', `5121${key33}21${'1c'}${'33'.repeat(32)}52ae`, null], // a key with a bad header byte
    ['multisig', `51${`21${key33}`.repeat(17)}0111ae`, null], // n = 17 pushed as a number
    ['nonstandard', `51${`21${key33}`.repeat(16)}0110ae`, null], // 16 must be OP_16, not a push
    ['nonstandard', '', null],
    ['nonstandard', 'ac', null],
  ]
  test.each(cases)('%s %s', (type, hex, address) => {
    const c = classifyScript(h(hex), main)
    expect(c.type).toBe(type)
    if (address !== null) expect(c.address).toBe(address)
    if (['multisig', 'nulldata', 'nonstandard'].includes(type)) expect(c.address).toBeNull()
    else expect(c.address).not.toBeNull()
    // bitcoinjs agrees on every address it can produce
    if (type !== 'p2pk' && c.address !== null) expect(c.address).toBe(refAddress(h(hex)))
  })

  test('P2PK address is the P2PKH address of the key (compressed and uncompressed)', () => {
    for (const k of [key33, key65]) {
      const script = h(`${(k.length / 2).toString(16)}${k}ac`)
      const expected = bitcoin.address.toBase58Check(bitcoin.crypto.hash160(h(k)), 0)
      expect(classifyScript(script, main).address).toBe(expected)
    }
  })
})

describe('networks', () => {
  const nets: [BtcNetwork, bitcoin.Network][] = [
    [networks.mainnet, bitcoin.networks.bitcoin],
    [networks.testnet, bitcoin.networks.testnet],
    [networks.signet, bitcoin.networks.testnet],
    [networks.regtest, bitcoin.networks.regtest],
  ]
  const scripts = [
    `76a914${hash20}88ac`,
    `a914${hash20}87`,
    `0014${hash20}`,
    `0020${'ab'.repeat(32)}`,
    `5120${'cd'.repeat(32)}`,
    `5302${'ef'.repeat(2)}`,
  ]
  test.each(nets.map(([n, r]) => [n.name, n, r] as const))('%s prefixes match bitcoinjs-lib', (_n, net, ref) => {
    for (const s of scripts) expect(classifyScript(h(s), net).address).toBe(refAddress(h(s), ref))
  })
  test('address prefixes per network', () => {
    const p2pkh = h(`76a914${hash20}88ac`)
    const p2sh = h(`a914${hash20}87`)
    const p2wpkh = h(`0014${hash20}`)
    expect(classifyScript(p2pkh, networks.testnet).address).toMatch(/^[mn]/)
    expect(classifyScript(p2sh, networks.signet).address).toMatch(/^2/)
    expect(classifyScript(p2wpkh, networks.regtest).address).toMatch(/^bcrt1q/)
    expect(classifyScript(p2wpkh, networks.signet).address).toMatch(/^tb1q/)
  })
})

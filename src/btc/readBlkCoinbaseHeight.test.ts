import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { dataPath } from '../core/_testData.js'
import { coinbaseHeight } from './readBlkCoinbaseHeight.js'

describe('coinbaseHeight (BIP34)', () => {
  test('real blocks of version ≥ 2 carry their height', () => {
    for (const [file, height] of [
      ['btc/bitcoinj/block227836.dat', 227836],
      ['btc/bitcoinj/block363703.dat', 363703],
      ['btc/bitcoinj/block370661.dat', 370661],
      ['btc/bitcoinj/block383616.dat', 383616],
      ['btc/bitcoinj/block481815.dat', 481815],
      ['btc/bitcoinj/block481829.dat', 481829],
      ['btc/bcoin/block300025.raw', 300025],
      ['btc/bcoin/block426884.raw', 426884],
      ['btc/bcoin/block482683.raw', 482683], // segwit coinbase
      ['btc/bitcoin-s/block514485.raw', 514485],
      ['btc/bitcoin-s/block514492.raw', 514492],
    ] as const) {
      expect([file, coinbaseHeight(new Uint8Array(readFileSync(dataPath(file))))]).toEqual([file, height])
    }
  })

  test('version-1 blocks: null (BIP34 did not apply)', () => {
    for (const f of ['btc/bitcoinj/block169482.dat', 'btc/bitcoinj/block227835.dat', 'btc/bcoin/block1.raw']) {
      expect(coinbaseHeight(new Uint8Array(readFileSync(dataPath(f))))).toBeNull()
    }
  })

  test('small heights as OP_n, zero as OP_0, garbage as null', () => {
    const block = (script: number[]): Uint8Array => {
      const b: number[] = [2, 0, 0, 0, ...new Array(76).fill(0)] // header, version 2
      b.push(1) // tx count
      b.push(1, 0, 0, 0) // tx version
      b.push(1, ...new Array(32).fill(0), 0xff, 0xff, 0xff, 0xff) // 1 input, null prevout
      b.push(script.length, ...script, 0xff, 0xff, 0xff, 0xff)
      b.push(0, 0, 0, 0, 0) // no outputs, locktime
      return Uint8Array.from(b)
    }
    expect(coinbaseHeight(block([0x51, 0xaa]))).toBe(1) // OP_1 (regtest/signet style)
    expect(coinbaseHeight(block([0x60]))).toBe(16)
    expect(coinbaseHeight(block([0x00, 0x01]))).toBe(0)
    expect(coinbaseHeight(block([0x01, 0x11, 0x00]))).toBe(17)
    expect(coinbaseHeight(block([0x03, 0x40, 0x0d, 0x03]))).toBe(200000)
    expect(coinbaseHeight(block([0x02, 0xff, 0x80]))).toBeNull() // negative
    expect(coinbaseHeight(block([0x08, 1, 2, 3, 4, 5, 6, 7, 8]))).toBeNull() // too long for a height
    expect(coinbaseHeight(block([0x04, 1, 2]))).toBeNull() // push runs past the script
    expect(coinbaseHeight(block([0x6a]))).toBeNull() // not a push
    expect(coinbaseHeight(new Uint8Array(100))).toBeNull()
  })
})

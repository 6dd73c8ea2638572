import { describe, expect, test } from 'vitest'
import { DecodeError, MerkleMismatchError } from '../core/errors.js'
import { first600Blocks, singleBlocks } from './_realBlocks.js'
import { decodeBlock, decodeBlockRaw } from './decodeBlock.js'
import { toHexReversed } from './hash.js'

const blocks = [...singleBlocks(), ...first600Blocks().slice(0, 200)]

describe('decodeBlockRaw: decodeBlock plus binary txids and outpoint offsets', () => {
  test.each(blocks.map((b) => [`${b.file}@${b.baseOffset}`, b] as const))('%s', (_name, b) => {
    const opts = { where: b.file, baseOffset: b.baseOffset }
    const plain = decodeBlock(b.bytes, opts)
    const raw = decodeBlockRaw(b.bytes, opts)
    expect(raw.block).toEqual(plain)
    const txs = plain.txs
    expect(raw.txids.length).toBe(32 * txs.length)
    const nIn = txs.reduce((s, t) => s + t.inputs.length, 0)
    expect(raw.prevouts.length).toBe(nIn)
    let i = 0
    for (let t = 0; t < txs.length; t++) {
      const tx = txs[t]!
      expect(toHexReversed(raw.txids, 32 * t, 32 * t + 32)).toBe(tx.txid)
      for (const inp of tx.inputs) {
        const p = raw.prevouts[i++]!
        expect(toHexReversed(b.bytes, p, p + 32)).toBe(inp.prevTxid)
        const vout =
          (b.bytes[p + 32]! | (b.bytes[p + 33]! << 8) | (b.bytes[p + 34]! << 16) | (b.bytes[p + 35]! << 24)) >>> 0
        expect(vout).toBe(inp.prevVout)
      }
    }
  })

  test('the same errors as decodeBlock on truncated and tampered blocks', () => {
    const b = singleBlocks().find((x) => x.file.endsWith('block482683.raw'))!
    expect(() => decodeBlockRaw(b.bytes.subarray(0, 5000), { where: 'x' })).toThrow(DecodeError)
    const bad = Uint8Array.from(b.bytes)
    bad[40]! ^= 1
    expect(() => decodeBlockRaw(bad)).toThrow(MerkleMismatchError)
  })
})

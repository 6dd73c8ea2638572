import { describe, expect, test } from 'vitest'
import { first600Blocks, singleBlocks } from '../btc/_realBlocks.js'
import { classifyScript } from '../btc/classifyScript.js'
import { decodeBlock, decodeBlockRaw } from '../btc/decodeBlock.js'
import { toHexReversed } from '../btc/hash.js'
import { networks } from '../btc/networks.js'
import { AddressMap } from './AddressMap.js'
import { columnarize, decodeColumnar, inBlockOrder } from './columnarBlock.js'
import { txidKey, txidKeyFromBytes } from './txidKey.js'

const classify = (s: Uint8Array) => classifyScript(s, networks.mainnet)
const seeds = new AddressMap().seeds

describe('columnarize from binary txids (the decode worker path)', () => {
  const blocks = [...singleBlocks(), ...first600Blocks().slice(0, 50)]
  test.each(blocks.map((b) => [`${b.file}@${b.baseOffset}`, b] as const))('%s: identical to the hex path', (_n, b) => {
    const opts = { where: b.file, baseOffset: b.baseOffset }
    const viaHex = columnarize(b.height ?? 0, decodeBlock(b.bytes, opts), classify, seeds)
    const raw = decodeBlockRaw(b.bytes, opts)
    const viaBytes = columnarize(b.height ?? 0, raw.block, classify, seeds, {
      bytes: b.bytes,
      txids: raw.txids,
      prevouts: raw.prevouts,
    })
    expect(viaBytes).toEqual(viaHex)
    // the worker's decode step (decodeColumnar: classifyOutputs, batched checksums, handed out in block order) gives
    // the same block
    const batched = decodeColumnar(b.bytes, opts, b.height ?? 0, '', networks.mainnet, seeds)
    expect(batched).toEqual(viaHex)
    // the keys are not trivially zero (a broken byte path would still be "equal" only if both were)
    expect(viaBytes.txKeys.some((w) => w !== 0)).toBe(true)
    const prevTxids = raw.block.txs.flatMap((t) => t.inputs.map((i) => i.prevTxid))
    expect(prevTxids.map((_, i) => toHexReversed(viaBytes.prevHashes, 32 * i, 32 * i + 32))).toEqual(prevTxids)
  })

  test('txidKeyFromBytes equals txidKey of the hex for random txids', () => {
    const bytes = new Uint8Array(40)
    const out = new Uint32Array(4)
    for (let i = 0; i < 500; i++) {
      for (let k = 0; k < bytes.length; k++) bytes[k] = (Math.random() * 256) | 0
      const start = i % 9
      const hex = Buffer.from(bytes.subarray(start, start + 32))
        .reverse()
        .toString('hex')
      txidKeyFromBytes(bytes, start, out, 0)
      expect(out).toEqual(txidKey(hex))
    }
  })

  test('inBlockOrder refuses to hand out more classifications than there are outputs', () => {
    const next = inBlockOrder([{ type: 'nulldata', address: null }])
    expect(next(new Uint8Array(0))).toEqual({ type: 'nulldata', address: null })
    expect(() => next(new Uint8Array(0))).toThrow(/out of step/)
  })
})

import { createHash } from 'node:crypto'
import * as bitcoin from 'bitcoinjs-lib'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { DecodeError, HoundError, MerkleMismatchError } from '../core/errors.js'
import { first600Blocks, singleBlocks } from './_realBlocks.js'
import { decodeBlock } from './decodeBlock.js'
import { networks } from './networks.js'

const blocks = singleBlocks()

/** Target from the compact `bits` field; a hash at or below it is proof-of-work for that header. */
function target(bits: number): bigint {
  const exp = bits >>> 24
  const mant = BigInt(bits & 0x7fffff)
  return exp <= 3 ? mant >> BigInt(8 * (3 - exp)) : mant << BigInt(8 * (exp - 3))
}

function thrown(f: () => unknown): unknown {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error('expected an error')
}

describe('decodeBlock on every real single-block file', () => {
  test.each(blocks.map((b) => [b.file, b] as const))('%s', (_name, b) => {
    const block = decodeBlock(b.bytes, { where: b.file, baseOffset: b.baseOffset })
    expect(block.size).toBe(b.bytes.length)
    expect(block.txs.length).toBe(b.txCount)
    expect(block.txs.filter((t) => t.segwit).length).toBe(b.segwitCount)
    if (b.hash) expect(block.header.hash).toBe(b.hash)
    // Proof of work: the hash we compute meets the header's own target (so it is the real block hash).
    expect(BigInt(`0x${block.header.hash}`) <= target(block.header.bits)).toBe(true)
    expect(block.txs[0]!.coinbase).toBe(true)
    expect(block.txs.slice(1).some((t) => t.coinbase)).toBe(false)
    // BIP34: from version 2 on, the coinbase scriptSig starts with a push of the height.
    if (block.header.version >= 2 && b.height !== null) {
      const sig = block.txs[0]!.inputs[0]!.scriptSig
      let h = 0
      for (let i = sig[0]!; i >= 1; i--) h = h * 256 + sig[i]!
      expect(h).toBe(b.height)
    }

    // Independent decoder: bitcoinjs-lib on the same bytes.
    const ref = bitcoin.Block.fromBuffer(Buffer.from(b.bytes))
    expect(Buffer.from(ref.getHash()).reverse().toString('hex')).toBe(block.header.hash)
    expect(ref.transactions!.length).toBe(block.txs.length)
    ref.transactions!.forEach((rt, i) => {
      const t = block.txs[i]!
      expect(t.txid).toBe(rt.getId())
      // bitcoinjs' getHash(true) is zero for coinbases (the commitment convention); hash its serialisation instead.
      const full = createHash('sha256').update(createHash('sha256').update(rt.toBuffer()).digest()).digest()
      expect(t.wtxid).toBe(full.reverse().toString('hex'))
      expect(t.segwit).toBe(rt.hasWitnesses())
      expect(t.size).toBe(rt.byteLength())
      expect(t.weight).toBe(rt.weight())
      expect(t.vsize).toBe(rt.virtualSize())
      expect(t.version).toBe(rt.version)
      expect(t.locktime).toBe(rt.locktime)
      expect(t.inputs.length).toBe(rt.ins.length)
      expect(t.outputs.length).toBe(rt.outs.length)
      rt.ins.forEach((ri, j) => {
        const inp = t.inputs[j]!
        expect(inp.prevTxid).toBe(Buffer.from(ri.hash).reverse().toString('hex'))
        expect(inp.prevVout).toBe(ri.index)
        expect(inp.sequence).toBe(ri.sequence)
        expect(Buffer.from(inp.scriptSig).equals(Buffer.from(ri.script))).toBe(true)
        expect(inp.witness.length).toBe(ri.witness.length)
      })
      rt.outs.forEach((ro, j) => {
        expect(t.outputs[j]!.value).toBe(Number(ro.value))
        expect(Buffer.from(t.outputs[j]!.script).equals(Buffer.from(ro.script))).toBe(true)
      })
    })
  })

  test('scripts are views into the block bytes, not copies', () => {
    const b = blocks[1]!
    const block = decodeBlock(b.bytes)
    const s = block.txs[1]!.outputs[0]!.script
    expect(s.buffer).toBe(b.bytes.buffer)
  })
})

describe('the first 600 mainnet blocks (NBitcoin blk00000/1.dat, framed)', () => {
  const chain = first600Blocks()
  test('600 blocks, 616 txs, linked from genesis, merkle roots match', () => {
    expect(chain.length).toBe(600)
    let prev = '0'.repeat(64)
    let txs = 0
    for (const b of chain) {
      const block = decodeBlock(b.bytes, { where: b.file, baseOffset: b.baseOffset })
      expect(block.header.prevHash).toBe(prev)
      prev = block.header.hash
      txs += block.txs.length
      if (b.height === 0) expect(block.header.hash).toBe(networks.mainnet.genesisHash)
      if (b.height === 1)
        expect(block.header.hash).toBe('00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048')
    }
    expect(txs).toBe(616)
  })
})

describe('structural errors name the file and the byte offset', () => {
  const b = blocks.find((x) => x.file.endsWith('block482683.raw'))!

  test('truncated at several points → DecodeError with where and absolute offset', () => {
    for (const cut of [0, 50, 79, 80, 81, 200, 5000, b.bytes.length - 1]) {
      const e = thrown(() => decodeBlock(b.bytes.subarray(0, cut), { where: 'blk00042.dat', baseOffset: 1000 }))
      expect(e).toBeInstanceOf(DecodeError)
      const err = e as DecodeError
      expect(err.code).toBe('HOUND_ERR_DECODE')
      expect(err.details.where).toBe('blk00042.dat')
      expect(err.details.offset).toBeGreaterThanOrEqual(1000)
      expect(err.details.offset).toBeLessThanOrEqual(1000 + cut)
      expect(err.message).toContain('blk00042.dat')
      expect(err.message).toContain(`offset ${err.details.offset}`)
    }
  })

  test('every prefix of a real block is rejected with DecodeError (never a RangeError or a wrong block)', () => {
    for (let cut = 0; cut < b.bytes.length; cut++) {
      const e = thrown(() => decodeBlock(b.bytes.subarray(0, cut), { where: 'x' }))
      expect(e).toBeInstanceOf(DecodeError)
    }
  })

  test('trailing bytes → DecodeError at the first extra byte', () => {
    const extra = new Uint8Array(b.bytes.length + 3)
    extra.set(b.bytes)
    const err = thrown(() => decodeBlock(extra, { where: 'f.raw', baseOffset: 8 })) as DecodeError
    expect(err).toBeInstanceOf(DecodeError)
    expect(err.details.offset).toBe(8 + b.bytes.length)
    expect(err.details.field).toBe('trailing bytes')
    expect(err.message).toMatch(/3 trailing bytes .* in f\.raw at offset \d+/)
  })

  test('flipped merkle-root byte → MerkleMismatchError at header offset 36', () => {
    const bad = Uint8Array.from(b.bytes)
    bad[40]! ^= 1
    const err = thrown(() => decodeBlock(bad, { where: 'f.raw', baseOffset: 100 })) as MerkleMismatchError
    expect(err).toBeInstanceOf(MerkleMismatchError)
    expect(err.code).toBe('HOUND_ERR_MERKLE_MISMATCH')
    expect(err.details.offset).toBe(136)
    expect(err.details.where).toBe('f.raw')
    expect(err.message).toContain('f.raw at offset 136')
    // verifyMerkle: false skips the check
    expect(decodeBlock(bad, { verifyMerkle: false }).txs.length).toBe(12)
  })

  test('a flipped byte inside a transaction (an output value) is caught by the merkle root', () => {
    const bad = Uint8Array.from(b.bytes)
    const block = decodeBlock(b.bytes)
    const script = block.txs[5]!.outputs[0]!.script
    const valueAt = script.byteOffset - b.bytes.byteOffset - 1 - 8 // value precedes the 1-byte length
    bad[valueAt]! ^= 0x10
    expect(thrown(() => decodeBlock(bad))).toBeInstanceOf(MerkleMismatchError)
  })

  test('bad segwit flag → DecodeError naming the flag offset', () => {
    const block = decodeBlock(b.bytes)
    const i = block.txs.findIndex((t, k) => k > 0 && t.segwit)
    expect(i).toBeGreaterThan(0)
    // find the marker: tx starts right after the previous tx; locate it from the first input's prevout view
    const bad = Uint8Array.from(b.bytes)
    const sigOff = block.txs[i]!.inputs[0]!.scriptSig.byteOffset - b.bytes.byteOffset
    const flagAt = sigOff - 1 - 4 - 32 - 1 - 1 // scriptSig len, vout, prevTxid, input count, flag
    expect(bad[flagAt]).toBe(1)
    expect(bad[flagAt - 1]).toBe(0)
    bad[flagAt] = 2
    const err = thrown(() => decodeBlock(bad, { where: 'w' })) as DecodeError
    expect(err).toBeInstanceOf(DecodeError)
    expect(err.details.offset).toBe(flagAt)
    expect(err.message).toContain('segwit flag')
  })

  test('random garbage only ever raises HoundErrors (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 400 }), (bytes) => {
        const e = thrown(() => decodeBlock(bytes, { where: 'garbage' }))
        expect(e).toBeInstanceOf(HoundError)
        expect([DecodeError, MerkleMismatchError].some((c) => e instanceof c)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })

  test('garbage tx count is rejected before allocating', () => {
    const bad = new Uint8Array(90)
    bad.set(b.bytes.subarray(0, 80))
    bad[80] = 0xff // 8-byte count follows
    bad.fill(0x7f, 81, 89)
    const err = thrown(() => decodeBlock(bad, { where: 'g' })) as DecodeError
    expect(err).toBeInstanceOf(DecodeError)
    expect(err.details.offset).toBe(80)
  })
})

import { readFileSync } from 'node:fs'
import * as bitcoin from 'bitcoinjs-lib'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { dataPath } from '../core/_testData.js'
import { DecodeError } from '../core/errors.js'
import { first600Blocks, singleBlocks } from './_realBlocks.js'
import { serializeTx } from './_serializeTx.js'
import { classifyScript } from './classifyScript.js'
import { decodeBlock } from './decodeBlock.js'
import { decodeTx } from './decodeTx.js'
import { toHex } from './hash.js'
import { networks } from './networks.js'
import type { BtcTxIn } from './types.js'

const read = (rel: string) => new Uint8Array(readFileSync(dataPath(rel)))
const main = networks.mainnet

describe('big real transactions', () => {
  test('btcd megatx.bin: 1 MB, 5,569 inputs, one P2PKH output of 5,569,000 sat', () => {
    const bytes = read('btc/btcd/megatx.bin')
    const { tx, end } = decodeTx(bytes, 0, 'megatx.bin')
    expect(end).toBe(bytes.length)
    expect(bytes.length).toBe(999657)
    expect(tx.txid).toBe('bb41a757f405890fb0f5856228e23b715702d714d59bf2b1feb70d8b2b4e3e08')
    expect(tx.wtxid).toBe(tx.txid)
    expect(tx.segwit).toBe(false)
    expect(tx.inputs.length).toBe(5569)
    expect(tx.outputs.length).toBe(1)
    expect(tx.outputs[0]!.value).toBe(5569000)
    expect(classifyScript(tx.outputs[0]!.script, main).type).toBe('p2pkh')
    expect(tx.size).toBe(999657)
    expect(tx.weight).toBe(999657 * 4)
    expect(tx.txid).toBe(bitcoin.Transaction.fromBuffer(Buffer.from(bytes)).getId())
  })

  test('bitcoin-s 69,420-output tx: 69,418 nulldata + 2 p2tr with the README values', () => {
    const bytes = read('btc/bitcoin-s/tx_a536e7f6_69420outputs.raw')
    const { tx, end } = decodeTx(bytes, 0, 'tx_a536e7f6')
    expect(end).toBe(bytes.length)
    expect(tx.txid).toBe('a536e7f60a493a258d9adc77d913f7798baf60c808c16898b04579d8c0652681')
    expect(tx.segwit).toBe(true)
    expect(tx.inputs.length).toBe(1)
    expect(tx.outputs.length).toBe(69420)
    const counts = new Map<string, number>()
    const p2tr: number[] = []
    for (const o of tx.outputs) {
      const c = classifyScript(o.script, main)
      counts.set(c.type, (counts.get(c.type) ?? 0) + 1)
      if (c.type === 'nulldata') {
        expect(o.value).toBe(0)
        expect(o.script.length).toBe(3)
      }
      if (c.type === 'p2tr') {
        p2tr.push(o.value)
        expect(c.address).toMatch(/^bc1p[02-9ac-hj-np-z]{58}$/)
      }
    }
    expect(Object.fromEntries(counts)).toEqual({ nulldata: 69418, p2tr: 2 })
    expect(p2tr.sort((a, b) => a - b)).toEqual([200000, 9487628467])
    const ref = bitcoin.Transaction.fromBuffer(Buffer.from(bytes))
    expect(tx.txid).toBe(ref.getId())
    expect(tx.weight).toBe(ref.weight())
  })
})

describe('block 170: the first payment (Satoshi → Hal Finney)', () => {
  const chain = first600Blocks()
  const b9 = decodeBlock(chain[9]!.bytes)
  const b170 = decodeBlock(chain[170]!.bytes, { where: chain[170]!.file, baseOffset: chain[170]!.baseOffset })

  test('spends block 9 coinbase and pays 10 BTC to 1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3', () => {
    expect(b170.txs.length).toBe(2)
    const tx = b170.txs[1]!
    expect(tx.txid).toBe('f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16')
    expect(tx.inputs.length).toBe(1)
    expect(tx.inputs[0]!.prevTxid).toBe(b9.txs[0]!.txid)
    expect(tx.inputs[0]!.prevVout).toBe(0)
    const outs = tx.outputs.map((o) => ({ value: o.value, ...classifyScript(o.script, main) }))
    expect(outs[0]).toEqual({ value: 10e8, type: 'p2pk', address: '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3' })
    // change: 40 BTC back to the key of block 9's coinbase
    const b9out = classifyScript(b9.txs[0]!.outputs[0]!.script, main)
    expect(outs[1]).toEqual({ value: 40e8, type: 'p2pk', address: b9out.address })
    // independent: bitcoinjs' P2PKH of Hal's public key
    const halKey = tx.outputs[0]!.script.subarray(1, 66)
    expect(bitcoin.payments.p2pkh({ pubkey: halKey }).address).toBe('1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3')
  })
})

describe('round trips', () => {
  test('every real transaction re-serialises to its exact bytes', () => {
    for (const b of singleBlocks()) {
      const block = decodeBlock(b.bytes)
      const firstSig = block.txs[0]!.inputs[0]!.scriptSig
      // the coinbase starts before its scriptSig by: length (1), prevout (36), input count (1), marker+flag, version (4)
      let p = firstSig.byteOffset - b.bytes.byteOffset - 1 - 36 - 1 - (block.txs[0]!.segwit ? 2 : 0) - 4
      for (const tx of block.txs) {
        const again = serializeTx(tx)
        expect(toHex(again)).toBe(toHex(b.bytes.subarray(p, p + tx.size)))
        p += tx.size
      }
      expect(p).toBe(b.bytes.length)
    }
  })

  const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((a) => toHex(a))
  const script = fc.uint8Array({ maxLength: 120 })
  const txArb = fc
    .record({
      version: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      locktime: fc.nat({ max: 0xffffffff }),
      segwit: fc.boolean(),
      inputs: fc.array(
        fc.record({
          prevTxid: hash32,
          prevVout: fc.nat({ max: 0xffffffff }),
          scriptSig: script,
          sequence: fc.nat({ max: 0xffffffff }),
          witness: fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 4 }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      outputs: fc.array(fc.record({ value: fc.nat({ max: 2_100_000_000_000_000 }), script }), { maxLength: 6 }),
    })
    .map((t) => ({
      ...t,
      inputs: t.inputs.map((i) => ({ ...i, witness: t.segwit ? i.witness : [] })),
    }))
    // BIP144: a segwit serialisation must carry at least one witness item (bitcoinjs rejects it otherwise)
    .filter((t) => !t.segwit || t.inputs.some((i) => i.witness.length > 0))

  test('decodeTx(serialise(tx)) = tx, and txid/wtxid/weight agree with bitcoinjs (property)', () => {
    fc.assert(
      fc.property(txArb, (t) => {
        const bytes = serializeTx(t)
        const { tx, end } = decodeTx(bytes)
        expect(end).toBe(bytes.length)
        expect(tx.version).toBe(t.version)
        expect(tx.locktime).toBe(t.locktime)
        expect(tx.segwit).toBe(t.segwit)
        // every field by name: prevTxid is a getter on decoded inputs, so a spread would not copy it
        const fields = (i: BtcTxIn) => ({
          prevTxid: i.prevTxid,
          prevVout: i.prevVout,
          scriptSig: i.scriptSig,
          sequence: i.sequence,
          witness: i.witness.map((w) => [...w]),
        })
        expect(tx.inputs.map(fields)).toEqual(t.inputs.map(fields))
        expect(JSON.parse(JSON.stringify(tx.inputs))).toEqual(JSON.parse(JSON.stringify(t.inputs)))
        expect(tx.outputs).toEqual(t.outputs)
        const ref = bitcoin.Transaction.fromBuffer(Buffer.from(bytes))
        expect(tx.txid).toBe(ref.getId())
        expect(tx.weight).toBe(ref.weight())
        expect(tx.size).toBe(ref.byteLength())
        if (!t.segwit) expect(tx.wtxid).toBe(tx.txid)
        // decoding at an offset inside a larger buffer gives the same tx and end
        const padded = new Uint8Array(bytes.length + 7)
        padded.set(bytes, 5)
        const again = decodeTx(padded, 5)
        expect(again.end).toBe(5 + bytes.length)
        expect(again.tx.txid).toBe(tx.txid)
        expect(again.tx.wtxid).toBe(tx.wtxid)
      }),
      { numRuns: 400 },
    )
  })

  test('truncated transactions throw DecodeError naming where and offset (property)', () => {
    fc.assert(
      fc.property(txArb, fc.nat(), (t, k) => {
        const bytes = serializeTx(t)
        const cut = k % bytes.length
        try {
          decodeTx(bytes.subarray(0, cut), 0, 'cut.bin')
          expect.unreachable('truncated tx decoded')
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError)
          const d = (e as DecodeError).details
          expect(d.where).toBe('cut.bin')
          expect(typeof d.offset).toBe('number')
          expect(d.offset as number).toBeLessThanOrEqual(cut)
        }
      }),
      { numRuns: 400 },
    )
  })
})

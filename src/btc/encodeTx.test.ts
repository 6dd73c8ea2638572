import { Transaction } from 'bitcoinjs-lib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ByteWriter, encodeTx, type TxDraft } from './encodeTx.js'
import { fromHex, toHex } from './hash.js'

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill)

describe('encodeTx', () => {
  it('round-trips a real legacy transaction (bitcoinjs-lib decodes, we re-encode identically)', () => {
    // First non-coinbase tx on mainnet (block 170): 1 input P2PK, 2 outputs.
    const hex =
      '0100000001c997a5e56e104102fa209c6a852dd90660a20b2d9c352423edce25857fcd3704000000004847304402204e45e16932b8af514961a1d3a1a25fdf3f4f7732e9d624c6c61548ab5fb8cd410220181522ec8eca07de4860a4acdd12909d831cc56cbbac4622082221a8768d1d0901ffffffff0200ca9a3b00000000434104ae1a62fe09c5f51b13905f07f06b99a2f7159b2225f374cd378d71302fa28414e7aab37397f554a7df5f142c21c1b7303b8a0626f1baded5c72a704f7e6cd84cac00286bee0000000043410411db93e1dcdb8a016b49840f8c53bc1eb68a382e97b1482ecad7b148a6909a5cb2e0eaddfb84ccf9744464f82e160bfa9b8b64f9d4c03f999b8643f656b412a3ac00000000'
    const t = Transaction.fromHex(hex)
    const draft: TxDraft = {
      version: t.version,
      locktime: t.locktime,
      inputs: t.ins.map((i) => ({
        prevTxid: Uint8Array.from(i.hash),
        prevVout: i.index,
        scriptSig: Uint8Array.from(i.script),
        sequence: i.sequence,
        witness: i.witness.map((x) => Uint8Array.from(x)),
      })),
      outputs: t.outs.map((o) => ({ value: Number(o.value), script: Uint8Array.from(o.script) })),
    }
    const e = encodeTx(draft)
    expect(toHex(e.bytes)).toBe(hex)
    expect(e.txid).toBe('f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16')
  })

  it('writes BIP144 segwit: bitcoinjs-lib agrees on txid, wtxid, weight', () => {
    const draft: TxDraft = {
      version: 2,
      locktime: 812345,
      inputs: [
        {
          prevTxid: bytes(32, 7),
          prevVout: 1,
          scriptSig: new Uint8Array(0),
          sequence: 0xfffffffd,
          witness: [bytes(71, 0x30), bytes(33, 2)],
        },
        { prevTxid: bytes(32, 9), prevVout: 0, scriptSig: fromHex('76a914'), sequence: 0xffffffff, witness: [] },
      ],
      outputs: [
        { value: 2_100_000_000_000_000, script: fromHex(`0014${'11'.repeat(20)}`) },
        { value: 0, script: fromHex('6a0568656c6c6f') },
      ],
    }
    const e = encodeTx(draft)
    const t = Transaction.fromBuffer(e.bytes)
    expect(t.hasWitnesses()).toBe(true)
    expect(t.getId()).toBe(e.txid)
    expect(Buffer.from(t.getHash(true)).reverse().toString('hex')).toBe(e.wtxid)
    expect(t.weight()).toBe(e.weight)
    expect(t.virtualSize()).toBe(e.vsize)
    expect(Number(t.outs[0]!.value)).toBe(2_100_000_000_000_000)
    expect(t.ins[0]!.sequence).toBe(0xfffffffd)
    expect(t.locktime).toBe(812345)
    expect(e.txid).not.toBe(e.wtxid)
  })

  it('property: any draft decodes with bitcoinjs-lib to the same fields and txid', () => {
    const input = fc.record({
      prevTxid: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      prevVout: fc.nat({ max: 0xffffffff }),
      scriptSig: fc.uint8Array({ maxLength: 300 }),
      sequence: fc.nat({ max: 0xffffffff }),
      witness: fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 3 }),
    })
    const output = fc.record({
      value: fc.nat({ max: 2_100_000_000_000_000 }),
      script: fc.uint8Array({ maxLength: 300 }),
    })
    fc.assert(
      fc.property(
        fc.record({
          version: fc.integer({ min: 1, max: 3 }),
          locktime: fc.nat({ max: 0xffffffff }),
          inputs: fc.array(input, { minLength: 1, maxLength: 4 }),
          outputs: fc.array(output, { minLength: 1, maxLength: 300 }),
        }),
        (d) => {
          // an all-empty witness list would be ambiguous in BIP144; bitcoinjs-lib parses it as legacy too
          const e = encodeTx(d)
          const t = Transaction.fromBuffer(e.bytes)
          expect(t.getId()).toBe(e.txid)
          expect(t.ins.length).toBe(d.inputs.length)
          expect(t.outs.map((o) => Number(o.value))).toEqual(d.outputs.map((o) => o.value))
          expect(t.byteLength()).toBe(e.size)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('ByteWriter writes CompactSize at every boundary and rejects unsafe u64', () => {
    const w = new ByteWriter(1)
    for (const v of [0, 0xfc, 0xfd, 0xffff, 0x10000, 0xffffffff, 0x100000000]) w.varint(v)
    expect(toHex(w.bytes())).toBe('00fcfdfd00fdfffffe00000100feffffffffff0000000001000000')
    expect(() => w.u64(-1)).toThrow(RangeError)
    expect(() => w.u64(2 ** 53)).toThrow(RangeError)
  })
})

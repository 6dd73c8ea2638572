import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { dataPath } from '../core/_testData.js'
import { DecodeError } from '../core/errors.js'
import { classifyScript } from './classifyScript.js'
import { decodeBlock } from './decodeBlock.js'
import { hash160, toHex } from './hash.js'
import { networks } from './networks.js'
import { readUndoFile } from './readUndoFile.js'

const block = decodeBlock(new Uint8Array(readFileSync(dataPath('btc/bcoin/block300025.raw'))))
const undoBytes = new Uint8Array(readFileSync(dataPath('btc/bcoin/block300025-undo.raw')))

describe('readUndoFile on block 300,025', () => {
  const undo = readUndoFile(undoBytes, 'block300025-undo.raw')

  test('one record per non-coinbase input; fees = 7,773,345 sat; coinbase = subsidy + fees', () => {
    const inputs = block.txs.slice(1).flatMap((t) => t.inputs)
    expect(undo.length).toBe(1427)
    expect(inputs.length).toBe(1427)
    const spent = undo.reduce((s, r) => s + r.value, 0)
    const paid = block.txs.slice(1).reduce((s, t) => s + t.outputs.reduce((a, o) => a + o.value, 0), 0)
    expect(spent - paid).toBe(7773345)
    const coinbase = block.txs[0]!.outputs.reduce((a, o) => a + o.value, 0)
    expect(coinbase).toBe(2507773345)
    expect(coinbase - 25e8).toBe(spent - paid)
    // no transaction spends more than it has
    let k = 0
    for (const t of block.txs.slice(1)) {
      const inSum = t.inputs.reduce((s) => s + undo[k++]!.value, 0)
      expect(inSum).toBeGreaterThanOrEqual(t.outputs.reduce((a, o) => a + o.value, 0))
    }
  })

  test('1,424 P2PKH prevouts whose hash equals hash160 of the spending pubkey; 3 bare multisig', () => {
    const inputs = block.txs.slice(1).flatMap((t) => t.inputs)
    const types = new Map<string, number>()
    undo.forEach((r, i) => {
      const c = classifyScript(r.script, networks.mainnet)
      types.set(c.type, (types.get(c.type) ?? 0) + 1)
      if (c.type === 'p2pkh') {
        const sig = inputs[i]!.scriptSig
        const sigLen = sig[0]!
        const key = sig.subarray(2 + sigLen, 2 + sigLen + sig[1 + sigLen]!)
        expect(toHex(hash160(key))).toBe(toHex(r.script.subarray(3, 23)))
      } else {
        expect(c.type).toBe('multisig')
        expect(r.value).toBe(5460)
      }
    })
    expect(Object.fromEntries(types)).toEqual({ p2pkh: 1424, multisig: 3 })
  })

  test('scripts are views into the file bytes', () => {
    expect(undo[0]!.script.buffer).toBe(undoBytes.buffer)
  })

  test('a truncated undo file names where and the offset', () => {
    for (const cut of [3, 9, 20, undoBytes.length - 1]) {
      try {
        readUndoFile(undoBytes.subarray(0, cut), 'u.raw')
        expect.unreachable()
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError)
        expect((e as DecodeError).details.where).toBe('u.raw')
        expect((e as DecodeError).message).toMatch(/u\.raw at offset \d+/)
      }
    }
  })
})

import { describe, expect, test } from 'vitest'
import { first600Blocks, singleBlocks } from './_realBlocks.js'
import { classifyOutputs } from './classifyOutputs.js'
import { classifyScript } from './classifyScript.js'
import { decodeBlock } from './decodeBlock.js'
import { networks } from './networks.js'

describe('classifyOutputs', () => {
  test('gives exactly classifyScript’s type and address for every output of every real block (mainnet, testnet)', () => {
    let legacy = 0
    let total = 0
    for (const b of [...singleBlocks(), ...first600Blocks()]) {
      const block = decodeBlock(b.bytes)
      for (const net of [networks.mainnet, networks.testnet]) {
        const got = classifyOutputs(block, net)
        const want = block.txs.flatMap((tx) => tx.outputs.map((o) => classifyScript(o.script, net)))
        expect(got.length).toBe(want.length)
        for (let i = 0; i < want.length; i++) {
          expect(got[i]!.type).toBe(want[i]!.type)
          expect(got[i]!.address).toBe(want[i]!.address)
          if (want[i]!.type === 'p2pkh' || want[i]!.type === 'p2sh') legacy++
        }
        total += want.length
      }
    }
    expect(legacy).toBeGreaterThan(10_000) // the batching path was exercised, with partial final batches
    expect(total).toBeGreaterThan(legacy)
  })
})

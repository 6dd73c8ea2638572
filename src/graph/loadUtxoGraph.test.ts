import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { classifyScript } from '../btc/classifyScript.js'
import { decodeBlock } from '../btc/decodeBlock.js'
import { networks } from '../btc/networks.js'
import type { BtcBlock } from '../btc/types.js'
import { dataPath } from '../core/_testData.js'
import { InvariantError } from '../core/errors.js'
import { readBlkFramed } from '../ingest/_testDecode.js'
import { BtcIngestor } from '../ingest/BtcIngestor.js'
import { HoundStore } from '../store/HoundStore.js'
import { buildUtxoGraph, type TxSpec } from './buildUtxoGraph.js'
import { loadUtxoGraph } from './loadUtxoGraph.js'
import { feeOf, spendingTx, type UtxoGraph, voutOf } from './UtxoGraph.js'

const net = networks.mainnet
const HAL_TX = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16'
const blocks: BtcBlock[] = [
  ...readBlkFramed(dataPath('btc/nbitcoin/blk00000.dat')),
  ...readBlkFramed(dataPath('btc/nbitcoin/blk00001.dat')),
].map((b) => decodeBlock(b))

/** The reference graph of the same blocks, built independently of the store with buildUtxoGraph. */
function referenceGraph(): UtxoGraph {
  const specs: TxSpec[] = []
  const nameOf = new Map<string, string>()
  blocks.forEach((b, height) => {
    for (const tx of b.txs) {
      const name = `${tx.txid}@${height}`
      specs.push({
        name,
        txid: tx.txid,
        height,
        time: b.header.time,
        version: tx.version,
        locktime: tx.locktime,
        vsize: tx.vsize,
        coinbase: tx.coinbase,
        segwit: tx.segwit,
        inputs: tx.coinbase ? undefined : tx.inputs.map((i) => `${nameOf.get(i.prevTxid)}:${i.prevVout}`),
        sequences: tx.inputs.map((i) => i.sequence),
        outputs: tx.outputs.map((o) => {
          const c = classifyScript(o.script, net)
          return { address: c.address, value: o.value, type: c.type }
        }),
      })
      nameOf.set(tx.txid, name)
    }
  })
  return buildUtxoGraph(specs)
}

describe('loadUtxoGraph', () => {
  let store: HoundStore
  beforeAll(async () => {
    store = await HoundStore.open(':memory:')
    const ing = await BtcIngestor.open(store, net, (s) => classifyScript(s, net))
    await ing.ingestBatch(blocks.map((block, height) => ({ height, block })))
  })
  afterAll(() => store.close())

  test('the whole store equals the graph built independently from the same blocks', async () => {
    const g = await loadUtxoGraph(store)
    const ref = referenceGraph()
    expect(g.txCount).toBe(616)
    for (const k of [
      'txHeight',
      'txTime',
      'txVersion',
      'txLocktime',
      'txVsize',
      'txFlags',
      'txInStart',
      'txOutStart',
      'inTx',
      'inPrevOut',
      'inSequence',
      'inAddr',
      'outTx',
      'outValue',
      'outAddr',
      'outType',
      'outSpentBy',
      'addrOutStart',
      'addrOuts',
    ] as const) {
      expect(Array.from(g[k]), k).toEqual(Array.from(ref[k]))
    }
    // the reference marks coinbase input values 0 and resolved ones from prevouts: same as the loader
    expect(Array.from(g.inValue)).toEqual(Array.from(ref.inValue))
    for (let t = 0; t < g.txCount; t++) {
      expect(g.names.txid(t)).toBe(ref.names.txid(t))
      expect(g.names.txIndex(g.names.txid(t))).toBe(t)
    }
    for (let a = 0; a < g.addressCount; a++) {
      expect(g.names.address(a)).toBe(ref.names.address(a))
      expect(g.names.addressIndex(g.names.address(a)!)).toBe(a)
    }
    expect(g.names.txIndex('00'.repeat(32))).toBe(-1)
    expect(g.names.txIndex('nonsense')).toBe(-1)
    expect(g.names.addressIndex('1BitcoinEaterAddressDontSendf59kuE')).toBe(-1)
    const hal = g.names.txIndex(HAL_TX)
    expect(g.txHeight[hal]).toBe(170)
    expect(feeOf(g, hal)).toBe(0)
    const o = g.txOutStart[hal]!
    expect(g.names.address(g.outAddr[o]!)).toBe('1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3')
    expect(g.outValue[o]).toBe(1_000_000_000)
    const funding = g.inPrevOut[g.txInStart[hal]!]!
    expect(g.txHeight[g.outTx[funding]!]).toBe(9)
    expect(voutOf(g, funding)).toBe(0)
    expect(spendingTx(g, funding)).toBe(hal)
  })

  test('names: false loads the same arrays and no names; only knownAddresses resolve, other lookups throw', async () => {
    const full = await loadUtxoGraph(store)
    const known = full.names.address(full.outAddr[full.txOutStart[full.names.txIndex(HAL_TX)]!]!)!
    const g = await loadUtxoGraph(store, {
      names: false,
      knownAddresses: [known, '1BitcoinEaterAddressDontSendf59kuE'],
    })
    expect(g.txCount).toBe(full.txCount)
    expect(g.addressCount).toBe(full.addressCount)
    for (const k of [
      'txHeight',
      'txTime',
      'txVersion',
      'txFlags',
      'txInStart',
      'inPrevOut',
      'inValue',
      'inAddr',
      'outValue',
      'outAddr',
      'outType',
      'outSpentBy',
      'addrOuts',
    ] as const) {
      expect(Array.from(g[k]), k).toEqual(Array.from(full[k]))
    }
    const id = full.names.addressIndex(known)
    expect(g.names.addressIndex(known)).toBe(id)
    expect(g.names.address(id)).toBe(known)
    expect(g.names.addressIndex('1BitcoinEaterAddressDontSendf59kuE')).toBe(-1)
    const code = new InvariantError('x').code
    expect(() => g.names.txid(0)).toThrowError(expect.objectContaining({ code }))
    expect(() => g.names.addressIndex(full.names.address(0)!)).toThrowError(expect.objectContaining({ code }))
    expect(() => g.names.address(id === 0 ? 1 : 0)).toThrowError(expect.objectContaining({ code }))
  })

  test('a height slice: prevouts before it are outside the graph but keep their stored value and address', async () => {
    const g = await loadUtxoGraph(store, { fromHeight: 170, toHeight: 300 })
    const full = await loadUtxoGraph(store)
    const t0 = full.names.txIndex(g.names.txid(0))
    expect(g.txHeight[0]).toBe(170)
    expect(g.txHeight[g.txCount - 1]).toBeLessThanOrEqual(300)
    const hal = g.names.txIndex(HAL_TX)
    const i = g.txInStart[hal]!
    expect(g.inPrevOut[i]).toBe(-1) // block 9 is outside the slice
    expect(g.inValue[i]).toBe(5_000_000_000)
    expect(g.names.address(g.inAddr[i]!)).toBe('12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S')
    for (let t = 0; t < g.txCount; t++) expect(g.names.txid(t)).toBe(full.names.txid(t0 + t))
    const empty = await loadUtxoGraph(store, { fromHeight: 10_000 })
    expect(empty.txCount).toBe(0)
  })
})

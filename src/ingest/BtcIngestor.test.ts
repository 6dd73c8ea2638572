import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { classifyScript } from '../btc/classifyScript.js'
import { decodeBlock } from '../btc/decodeBlock.js'
import { networks } from '../btc/networks.js'
import { readUndoFile } from '../btc/readUndoFile.js'
import type { BtcTx } from '../btc/types.js'
import { dataPath } from '../core/_testData.js'
import { storeDigest } from '../store/_testDigest.js'
import { HoundStore } from '../store/HoundStore.js'
import { readBlkFramed, testClassify, testDecodeBlock } from './_testDecode.js'
import { BtcIngestor, type HeightBlock } from './BtcIngestor.js'

const net = networks.mainnet
const chainBlocks: HeightBlock[] = [
  ...readBlkFramed(dataPath('btc/nbitcoin/blk00000.dat')),
  ...readBlkFramed(dataPath('btc/nbitcoin/blk00001.dat')),
].map((b, height) => ({ height, block: decodeBlock(b) }))
const classify = (script: Uint8Array) => classifyScript(script, net)

async function ingestAll(store: HoundStore, blocks: readonly HeightBlock[], batch: number): Promise<BtcIngestor> {
  const ing = await BtcIngestor.open(store, net, classify)
  for (let i = 0; i < blocks.length; i += batch) await ing.ingestBatch(blocks.slice(i, i + batch))
  return ing
}

describe('BtcIngestor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hound-ingest-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('heights 0-599 ingest to 600 blocks and 616 txs; block 170 spends block 9 coinbase, pays Hal 10 BTC', async () => {
    const s = await HoundStore.open(':memory:')
    const ing = await ingestAll(s, chainBlocks, 64)
    expect(ing.checkpoint).toMatchObject({ height: 599, blocks: 600, nextTxId: 616 })
    expect(await s.one('SELECT count(*)::INT AS b FROM blocks')).toEqual({ b: 600 })
    expect(await s.one('SELECT count(*)::INT AS t FROM txs')).toEqual({ t: 616 })
    const spend = await s.all<Record<string, unknown>>(`
      SELECT ft.height AS funding_height, ft.coinbase AS funding_coinbase, i.value::BIGINT AS in_value, t.fee
      FROM txs t JOIN inputs i ON i.tx_id = t.tx_id JOIN outputs o ON o.output_id = i.prev_output_id
      JOIN txs ft ON ft.tx_id = o.tx_id
      WHERE t.txid = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16'`)
    expect(spend).toEqual([{ funding_height: 9, funding_coinbase: true, in_value: 5_000_000_000n, fee: 0n }])
    const outs = await s.all(`SELECT o.n, o.value, o.script_type, a.address FROM outputs o JOIN txs t USING (tx_id)
      LEFT JOIN addresses a USING (address_id)
      WHERE t.txid = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16' ORDER BY o.n`)
    // output 0: 10 BTC to Hal Finney's P2PK key; output 1: 40 BTC change back to Satoshi
    expect(outs).toEqual([
      { n: 0, value: 1_000_000_000n, script_type: 1, address: '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3' },
      { n: 1, value: 4_000_000_000n, script_type: 1, address: '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S' },
    ])
    // every non-coinbase input of a contiguous chain from genesis resolves; spent-by is derivable
    expect(
      await s.one(`SELECT count(*)::INT AS n FROM inputs i JOIN txs t USING (tx_id)
      WHERE NOT t.coinbase AND i.prev_output_id IS NULL`),
    ).toEqual({ n: 0 })
    expect(await s.one('SELECT count(*)::INT AS n FROM txs WHERE fee IS NULL')).toEqual({ n: 0 })
    // dense ids: outputs of a tx are a contiguous range
    expect(
      await s.one(`SELECT count(*)::INT AS bad FROM outputs o JOIN txs t USING (tx_id)
      WHERE o.output_id <> t.first_output_id + o.n`),
    ).toEqual({ bad: 0 })
    s.close()
  })

  test('cross-check: an independent decoder (bitcoinjs-lib) gives the identical store', async () => {
    const a = await HoundStore.open(':memory:')
    await ingestAll(a, chainBlocks, 100)
    const b = await HoundStore.open(':memory:')
    const other = await BtcIngestor.open(b, net, testClassify)
    const raw = [
      ...readBlkFramed(dataPath('btc/nbitcoin/blk00000.dat')),
      ...readBlkFramed(dataPath('btc/nbitcoin/blk00001.dat')),
    ]
    for (let i = 0; i < raw.length; i += 100)
      await other.ingestBatch(raw.slice(i, i + 100).map((r, k) => ({ height: i + k, block: testDecodeBlock(r) })))
    expect(await storeDigest(b)).toEqual(await storeDigest(a))
    a.close()
    b.close()
  })

  test('a restart between batches gives the same store as one run; batch size does not matter', async () => {
    const a = await HoundStore.open(join(dir, 'a.duckdb'))
    await ingestAll(a, chainBlocks, 600)
    const one = await storeDigest(a)
    a.close()
    const p = join(dir, 'b.duckdb')
    let b = await HoundStore.open(p)
    await ingestAll(b, chainBlocks.slice(0, 171), 7)
    b.close()
    b = await HoundStore.open(p)
    const ing = await ingestAll(b, chainBlocks.slice(171), 50)
    expect(ing.checkpoint?.height).toBe(599)
    expect(await storeDigest(b)).toEqual(one)
    b.close()
  })

  test('a failed batch rolls back everything, including the checkpoint', async () => {
    const p = join(dir, 'c.duckdb')
    const s = await HoundStore.open(p)
    const ing = await ingestAll(s, chainBlocks.slice(0, 10), 10)
    const before = await storeDigest(s)
    const bad = chainBlocks.slice(10, 20)
    // fault injection: the checkpoint write fails after every row of the batch was appended
    const ing2 = await BtcIngestor.open(s, net, classify)
    const run = s.run.bind(s)
    s.run = async (sql, params) => {
      if (sql.includes('INTO ingest_checkpoint')) throw new Error('disk on fire')
      return run(sql, params)
    }
    await expect(ing2.ingestBatch(bad)).rejects.toThrow('disk on fire')
    s.run = run
    expect(await storeDigest(s)).toEqual(before)
    await expect(ing2.ingestBatch(bad)).rejects.toMatchObject({ code: 'HOUND_ERR_STORE' })
    // a fresh ingestor over the same store carries on from the committed checkpoint
    const ing3 = await BtcIngestor.open(s, net, classify)
    await ing3.ingestBatch(bad)
    expect(ing3.checkpoint?.height).toBe(19)
    expect(ing.checkpoint?.height).toBe(9)
    s.close()
  })

  test('refuses a block that does not extend the tip, and another chain in the same store', async () => {
    const s = await HoundStore.open(':memory:')
    const ing = await ingestAll(s, chainBlocks.slice(0, 5), 5)
    await expect(ing.ingestBatch(chainBlocks.slice(3, 4))).rejects.toMatchObject({ code: 'HOUND_ERR_USAGE' })
    await expect(BtcIngestor.open(s, networks.testnet, classify)).rejects.toMatchObject({
      code: 'HOUND_ERR_USAGE',
    })
    s.close()
  })

  test('block 300025 alone: prevouts unresolved (NULL value and fee), never invented', async () => {
    const { readFileSync } = await import('node:fs')
    const s = await HoundStore.open(':memory:')
    const block = decodeBlock(readFileSync(dataPath('btc/bcoin/block300025.raw')))
    const ing = await BtcIngestor.open(s, net, classify)
    await ing.ingestBatch([{ height: 300025, block }])
    const r =
      await s.one(`SELECT count(*)::INT AS n, count(prev_output_id)::INT AS resolved, count(value)::INT AS valued
      FROM inputs i JOIN txs t USING (tx_id) WHERE NOT t.coinbase`)
    // in-block spends (a tx spending an earlier tx of the same block) are the only resolvable ones
    const inBlock = new Set(block.txs.map((t) => t.txid))
    const expected = block.txs.flatMap((t) => (t.coinbase ? [] : t.inputs)).filter((i) => inBlock.has(i.prevTxid))
    expect(r).toEqual({ n: 1427, resolved: expected.length, valued: expected.length })
    const fees = await s.one<{ known: number }>('SELECT count(fee)::INT AS known FROM txs WHERE NOT coinbase')
    // cross-check with the block's undo data (the real spent prevouts, in input order): every value the store
    // resolved equals the real one, and its address is the real prevout script's address
    const undo = readUndoFile(readFileSync(dataPath('btc/bcoin/block300025-undo.raw')))
    expect(undo).toHaveLength(1427)
    const stored = await s.all<{ value: bigint | null; address: string | null }>(`SELECT i.value, a.address
      FROM inputs i JOIN txs t USING (tx_id) LEFT JOIN addresses a ON a.address_id = i.address_id
      WHERE NOT t.coinbase ORDER BY i.input_id`)
    let checked = 0
    stored.forEach((r, k) => {
      if (r.value === null) return
      expect(Number(r.value)).toBe(undo[k]!.value)
      expect(r.address).toBe(classify(undo[k]!.script).address)
      checked++
    })
    expect(checked).toBe(expected.length)
    expect(checked).toBeGreaterThan(10)
    // fees only where every input spends an earlier tx of the same block
    const allInBlock = block.txs.filter((t) => !t.coinbase && t.inputs.every((i) => inBlock.has(i.prevTxid)))
    expect(fees?.known).toBe(allInBlock.length)
    expect(allInBlock.length).toBeLessThan(block.txs.length - 1)
    s.close()
  })

  test('an input whose funding tx arrives in a later batch is resolved then, with its fee', async () => {
    const s = await HoundStore.open(':memory:')
    const ing = await BtcIngestor.open(s, net, classify)
    const p2pkh = (b: number) => Uint8Array.of(0x76, 0xa9, 0x14, ...new Array(20).fill(b), 0x88, 0xac)
    const tx = (txid: string, inputs: BtcTx['inputs'], values: number[], coinbase = false): BtcTx => ({
      txid,
      wtxid: txid,
      version: 1,
      locktime: 0,
      inputs,
      outputs: values.map((value, k) => ({ value, script: p2pkh(k + txid.charCodeAt(0)) })),
      segwit: false,
      coinbase,
      size: 200,
      weight: 800,
      vsize: 200,
    })
    const cb = (h: number) =>
      tx(
        `c${String(h).padStart(63, '0')}`,
        [
          {
            prevTxid: '0'.repeat(64),
            prevVout: 0xffffffff,
            scriptSig: new Uint8Array(),
            sequence: 0xffffffff,
            witness: [],
          },
        ],
        [50],
      )
    const funding = tx(`f${'0'.repeat(63)}`, [], [700, 300])
    const spender = tx(
      `e${'0'.repeat(63)}`,
      [{ prevTxid: funding.txid, prevVout: 1, scriptSig: new Uint8Array(), sequence: 1, witness: [] }],
      [250],
    )
    const block = (h: number, prev: string, txs: BtcTx[]): HeightBlock => ({
      height: h,
      block: {
        header: {
          hash: `${h}`.padStart(64, 'b'),
          version: 1,
          prevHash: prev,
          merkleRoot: '',
          time: h,
          bits: 0,
          nonce: 0,
        },
        txs,
        size: 1000,
      },
    })
    const b1 = block(1, '0'.repeat(64), [cb(1), spender])
    const b2 = block(2, b1.block.header.hash, [cb(2), funding])
    await ing.ingestBatch([b1])
    expect(await s.one(`SELECT value, prev_output_id FROM inputs WHERE tx_id = 1`)).toEqual({
      value: null,
      prev_output_id: null,
    })
    expect(await s.one('SELECT fee FROM txs WHERE tx_id = 1')).toEqual({ fee: null })
    const r = await ing.ingestBatch([b2])
    expect(r.lateResolved).toBe(1)
    expect(await s.one(`SELECT value, prev_output_id FROM inputs WHERE tx_id = 1`)).toEqual({
      value: 300n,
      prev_output_id: 4n,
    })
    expect(await s.one('SELECT fee FROM txs WHERE tx_id = 1')).toEqual({ fee: 50n })
    expect(await s.one('SELECT spent_by_tx_id FROM outputs_spent WHERE output_id = 4')).toEqual({ spent_by_tx_id: 1n })
    // the resolved output is spent: the UTXO index must not offer it again
    expect(ing.utxos.spend(funding.txid, 1)).toBeNull()
    expect(ing.utxos.spend(funding.txid, 0)).toMatchObject({ outputId: 3, value: 700 })
    s.close()
  })
})

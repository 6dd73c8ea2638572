import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { buildUtxoGraph, txidOfName } from '../../graph/buildUtxoGraph.js'
import { evalTrace } from './evalTrace.js'
import { labelsFromTruth } from './labelsFromTruth.js'
import { readTruth } from './readTruth.js'

const id = txidOfName
/**
 * theft pays the thief T 1000; T → exchange deposit D1 600 + thief T2 390 (fee 10); T2 + an innocent's 500 →
 * mixer deposit M 380, innocent change I 500 (fee 10). A second incident with a CoinJoin is present in the truth.
 */
const g = buildUtxoGraph([
  { name: 'victim', coinbase: true, outputs: [{ address: 'V', value: 2000 }] },
  {
    name: 'theft',
    inputs: ['victim:0'],
    outputs: [
      { address: 'T', value: 1000 },
      { address: 'V', value: 990 },
    ],
  },
  {
    name: 'split',
    inputs: ['theft:0'],
    outputs: [
      { address: 'D1', value: 600 },
      { address: 'T2', value: 390 },
    ],
  },
  { name: 'inno', coinbase: true, outputs: [{ address: 'I', value: 500 }] },
  {
    name: 'mix',
    inputs: ['split:1', 'inno:0'],
    outputs: [
      { address: 'M', value: 380 },
      { address: 'I', value: 500 },
    ],
  },
])

function truthDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hound-truth-'))
  const t = join(dir, 'truth')
  mkdirSync(t)
  const jsonl = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`
  writeFileSync(
    join(t, 'incidents.jsonl'),
    jsonl([
      {
        incident: 'inc-1',
        name: 'Hot wallet',
        victim: 'ex-0',
        height: 1,
        time: 0,
        stolenOutputs: [`${id('theft')}:0`],
        stolenAmount: 1000,
        feesPaid: 20,
        coinjoin: false,
      },
    ]),
  )
  const flow = (tx: string, vout: number, address: string, kind: string, amount: number, hops: number) => ({
    incident: 'inc-1',
    txid: id(tx),
    vout,
    address,
    entity: 'e',
    entityType: 'exchange',
    kind,
    amount,
    hops,
  })
  writeFileSync(
    join(t, 'flows.jsonl'),
    jsonl([flow('split', 0, 'D1', 'exchange_deposit', 600, 2), flow('mix', 0, 'M', 'mixer', 380, 3)]),
  )
  writeFileSync(
    join(t, 'labels.jsonl'),
    jsonl([
      { address: 'D1', chain: 'btc-regtest', category: 'exchange', entity: 'ex-1', source: 'simulator' },
      { address: 'M', chain: 'btc-regtest', category: 'mixer', entity: 'mx-1', source: 'simulator' },
    ]),
  )
  return dir
}

describe('evalTrace against ground truth', () => {
  const truth = readTruth(truthDir())
  const labels = labelsFromTruth(g, truth.labels)

  test('FIFO finds every cash-out exactly; haircut loses what it spreads to the innocent', () => {
    const r = evalTrace(g, truth, { labels, minAmount: 1, policies: ['haircut', 'fifo', 'lifo', 'tiho'] })
    const fifo = r.summary.fifo!.noCoinJoin
    // mix FIFO: T2's 390 first → M gets 380 stolen, I gets 10 stolen + 490 clean (10 of I is stolen but not a flow)
    expect(fifo).toMatchObject({ cashOuts: 2, found: 2, foundAmount: 980, recallAmount: 1 })
    expect(fifo.endpointOutputs).toBe(3)
    expect(fifo.correctAmount).toBe(980)
    expect(fifo.precisionAmount).toBeCloseTo(980 / 990, 10)
    const hc = r.summary.haircut!.all
    // haircut at mix: r = 390/890; M = ⌊390·380/890⌋ = 166
    expect(hc.foundAmount).toBe(600 + 166)
    expect(r.incidents[0]!.byPolicy.haircut!.missed).toEqual([
      { kind: 'mixer', outputs: 1, amount: 380 - 166, examples: [`${id('mix')}:0`] },
    ])
  })

  test('hop limit misses the mixer; truth read errors are typed', () => {
    const r = evalTrace(g, truth, { labels, minAmount: 1, maxHops: 1, policies: ['fifo'] })
    expect(r.summary.fifo!.all.recallAmount).toBeCloseTo(600 / 980, 10)
    expect(() => readTruth(join(tmpdir(), 'no-such-truth-dir'))).toThrow(
      expect.objectContaining({ code: 'HOUND_ERR_NOT_FOUND' }),
    )
    const bad = truthDir()
    writeFileSync(join(bad, 'truth', 'flows.jsonl'), '{"incident":1}\n')
    expect(() => readTruth(bad)).toThrow(expect.objectContaining({ code: 'HOUND_ERR_INVALID_INPUT' }))
  })
})

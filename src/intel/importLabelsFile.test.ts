import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBtcSchema } from '../store/btcSchema.js'
import { HoundStore } from '../store/HoundStore.js'
import { importLabelsFile } from './importLabelsFile.js'
import { LabelIndex } from './LabelIndex.js'
import { queryLabels } from './labels.js'
import { loadServiceLabels } from './loadServiceLabels.js'

const dir = mkdtempSync(join(tmpdir(), 'hound-labels-'))
const A = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080'
const B = '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'
const C = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96'

describe('importLabelsFile', () => {
  let store: HoundStore
  beforeAll(async () => {
    store = await HoundStore.open(':memory:')
  })
  afterAll(() => store.close())

  it('imports the simulator truth/labels.jsonl format', async () => {
    const f = join(dir, 'labels.jsonl')
    writeFileSync(
      f,
      [
        {
          address: A,
          chain: 'btc-regtest',
          category: 'exchange',
          entity: 'SimEx',
          source: 'simulator',
          confidence: 'ownership',
          tlp: 'clear',
        },
        {
          address: B,
          chain: 'btc',
          category: 'mixer',
          entity: 'SimMix',
          source: 'simulator',
          confidence: 'ownership',
          tlp: 'clear',
        },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    )
    const r = await importLabelsFile(store, f)
    expect(r).toMatchObject({ format: 'jsonl', rows: 2, added: 2, known: 0 })
    const again = await importLabelsFile(store, f)
    expect(again).toMatchObject({ added: 0, known: 2 })
  })

  it('imports CSV (quoted fields, eth alias, TLP 1.0 white) and keeps a second source beside the first', async () => {
    const f = join(dir, 'tags.csv')
    writeFileSync(
      f,
      'address,chain,category,entity,actor,source,confidence,tlp,valid_from,note\n' +
        `${C},eth,stolen funds,"Ronin Bridge, exploiter",Lazarus Group,analyst,forensic investigation,white,2022-03-29,"said ""hi"""\n` +
        `${A.toUpperCase()},btc-regtest,gambling,OtherView,,crawler,web_crawl,green,,\n`,
    )
    const r = await importLabelsFile(store, f)
    expect(r).toMatchObject({ format: 'csv', rows: 2, added: 2 })
    const c = await queryLabels(store, { address: C.toLowerCase() })
    expect(c[0]).toMatchObject({
      chain: 'evm-1',
      category: 'stolen_funds',
      entity: 'Ronin Bridge, exploiter',
      actor: 'Lazarus Group',
      confidence: 'forensic_investigation',
      tlp: 'clear',
      validFrom: '2022-03-29',
      note: 'said "hi"',
    })
    const a = await queryLabels(store, { address: A })
    expect(a.map((l) => `${l.source}:${l.category}`).sort()).toEqual(['crawler:gambling', 'simulator:exchange'])
  })

  it('rejects a file with one bad row, naming the line, and imports nothing', async () => {
    const f = join(dir, 'bad.jsonl')
    const good = {
      address: B,
      chain: 'btc',
      category: 'scam',
      entity: 'X',
      source: 'bad-src',
      confidence: 'heuristic',
      tlp: 'amber',
    }
    writeFileSync(f, `${JSON.stringify(good)}\n${JSON.stringify({ ...good, category: 'pirate' })}\n`)
    await expect(importLabelsFile(store, f)).rejects.toMatchObject({
      code: 'HOUND_ERR_IMPORT',
      message: expect.stringContaining(':2:'),
    })
    writeFileSync(f, `${JSON.stringify({ ...good, address: '0x1234' })}\n`)
    await expect(importLabelsFile(store, f)).rejects.toMatchObject({ code: 'HOUND_ERR_IMPORT' })
    expect(await queryLabels(store, { source: 'bad-src' })).toHaveLength(0)
  })

  it('LabelIndex looks labels up by canonical address; maxTlp filters restricted ones', async () => {
    const idx = await LabelIndex.load(store)
    expect(idx.size).toBe(4)
    expect(idx.lookup(C.toUpperCase().replace('0X', '0x'))).toHaveLength(1)
    expect(idx.lookup(A.toUpperCase())).toHaveLength(2)
    const pub = await LabelIndex.load(store, { maxTlp: 'clear' })
    expect(pub.lookup(A)).toHaveLength(1)
  })

  it('loadServiceLabels maps store address ids, services first, cluster labels through the hook', async () => {
    await ensureBtcSchema(store)
    await store.run(`INSERT INTO addresses VALUES (0, '${A}', 1), (1, '${B}', 2), (2, 'bcrt1qnotlabelled', 3)`)
    const m = await loadServiceLabels(store)
    expect(m.get(0)).toEqual({ category: 'exchange', entity: 'SimEx' })
    expect(m.get(1)).toEqual({ category: 'mixer', entity: 'SimMix' })
    expect(m.has(2)).toBe(false)
    const f = join(dir, 'cluster.jsonl')
    writeFileSync(
      f,
      `${JSON.stringify({ address: B, chain: 'btc', category: 'darknet', entity: 'Hydra', source: 'cl', confidence: 'heuristic', tlp: 'clear', scope: 'cluster' })}\n`,
    )
    await importLabelsFile(store, f)
    const m2 = await loadServiceLabels(store, { clusterMembers: (id) => (id === 1 ? [1, 2] : [id]) })
    expect(m2.get(2)).toEqual({ category: 'darknet', entity: 'Hydra' })
    expect(m2.get(1)).toEqual({ category: 'mixer', entity: 'SimMix' })
    const onlyMixers = await loadServiceLabels(store, { categories: ['mixer'] })
    expect([...onlyMixers.keys()]).toEqual([1])
  })
})

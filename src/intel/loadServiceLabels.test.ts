import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listApiKeys } from '../server/apiKeys.js'
import { ensureBtcSchema } from '../store/btcSchema.js'
import { HoundStore } from '../store/HoundStore.js'
import { importLabelsFile } from './importLabelsFile.js'
import { LabelIndex } from './LabelIndex.js'
import { queryLabels } from './labels.js'
import { loadServiceLabels } from './loadServiceLabels.js'

const ADDR = '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'

describe('intelligence readers work on a store opened read-only', () => {
  it('no intel tables yet: empty answers, nothing created; after an import: the labels, still read-only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hound-ro-'))
    const db = join(dir, 'h.duckdb')
    let w = await HoundStore.open(db)
    await ensureBtcSchema(w)
    await w.run("INSERT INTO addresses VALUES (7, ?, 1), (8, 'bc1qunlabelled', 1)", [ADDR])
    w.close()

    let ro = await HoundStore.open(db, { readOnly: true })
    try {
      const idx = await LabelIndex.load(ro)
      expect([idx.size, idx.version]).toEqual([0, 0])
      expect((await loadServiceLabels(ro)).size).toBe(0)
      expect(await listApiKeys(ro)).toEqual([])
      expect(await queryLabels(ro)).toEqual([])
      expect((await ro.tables()).filter((t) => t.startsWith('intel_'))).toEqual([])
    } finally {
      ro.close()
    }

    const f = join(dir, 'l.jsonl')
    const label = {
      chain: 'btc',
      category: 'exchange',
      entity: 'Ex',
      source: 't',
      confidence: 'ownership',
      tlp: 'clear',
    }
    writeFileSync(f, `${JSON.stringify({ ...label, address: ADDR })}\n`)
    w = await HoundStore.open(db)
    await importLabelsFile(w, f)
    w.close()

    ro = await HoundStore.open(db, { readOnly: true })
    try {
      const idx = await LabelIndex.load(ro)
      expect(idx.size).toBe(1)
      expect(idx.version).toBeGreaterThan(0)
      expect(idx.lookup(ADDR)[0]!.entity).toBe('Ex')
      expect([...(await loadServiceLabels(ro))]).toEqual([[7, { category: 'exchange', entity: 'Ex' }]])
      expect((await queryLabels(ro)).map((l) => l.entity)).toEqual(['Ex'])
    } finally {
      ro.close()
    }
  })
})

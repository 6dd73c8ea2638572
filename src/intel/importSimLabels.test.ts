import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { simulate } from '../sim/simulate.js'
import { HoundStore } from '../store/HoundStore.js'
import { importLabelsFile } from './importLabelsFile.js'
import { LabelIndex } from './LabelIndex.js'

describe('importing the simulator truth/labels.jsonl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hound-simlabels-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('imports every line of a real simulator run, idempotently, and indexes them', async () => {
    simulate({ seed: 'intel-labels', txs: 5_000, network: 'regtest', outDir: dir })
    const file = join(dir, 'truth', 'labels.jsonl')
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean)
    expect(lines.length).toBeGreaterThan(0)
    const first = JSON.parse(lines[0]!) as { source: string; confidence: string }
    expect(first).toMatchObject({ source: 'simulator', confidence: 'ownership' })
    const store = await HoundStore.open(':memory:')
    try {
      const r = await importLabelsFile(store, file)
      expect(r).toMatchObject({ format: 'jsonl', rows: lines.length, added: lines.length, known: 0 })
      expect((await importLabelsFile(store, file)).added).toBe(0)
      const idx = await LabelIndex.load(store)
      expect(idx.size).toBe(lines.length)
      const sample = JSON.parse(lines[lines.length - 1]!) as { address: string; category: string; entity: string }
      expect(idx.lookup(sample.address).map((l) => [l.category, l.entity])).toContainEqual([
        sample.category,
        sample.entity,
      ])
    } finally {
      store.close()
    }
  }, 120_000)
})

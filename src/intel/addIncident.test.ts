import { describe, expect, it } from 'vitest'
import { buildUtxoGraph } from '../graph/buildUtxoGraph.js'
import { Screener } from '../risk/Screener.js'
import { HoundStore } from '../store/HoundStore.js'
import { addIncident, listIncidents } from './addIncident.js'
import { LabelIndex } from './LabelIndex.js'
import { insertLabels } from './labels.js'

describe('addIncident', () => {
  it('traces the seeds (haircut) and labels every tainted address stolen_funds with amount and policy; services are not labelled', async () => {
    // heuristics.md §4.3 worked example as the first hop: I1 = 3 BTC stolen, I2 = 7 BTC clean → O1 6 BTC, O2 3.99 BTC
    const g = buildUtxoGraph([
      { name: 'theft', coinbase: true, outputs: [{ address: 'thief', value: 300_000_000 }] },
      { name: 'clean', coinbase: true, outputs: [{ address: 'other', value: 700_000_000 }] },
      {
        name: 'mix',
        inputs: ['theft:0', 'clean:0'],
        outputs: [
          { address: 'o1', value: 600_000_000 },
          { address: 'o2', value: 399_000_000 },
        ],
      },
      { name: 'cashout', inputs: ['mix:0'], outputs: [{ address: 'exchange', value: 599_990_000 }] },
    ])
    const store = await HoundStore.open(':memory:')
    try {
      await insertLabels(store, [
        {
          chain: 'btc',
          address: 'exchange',
          category: 'exchange',
          entity: 'Ex',
          source: 't',
          confidence: 'ownership',
          tlp: 'clear',
        },
      ])
      const index = await LabelIndex.load(store)
      const seed = `${g.names.txid(g.names.txIndex('theft'))}:0`
      const r = await addIncident(
        store,
        { name: 'Test heist', seeds: [seed], actor: 'Lazarus Group', occurredAt: '2025-01-01' },
        { graph: g, index },
      )
      expect(r.traced).toBe(true)
      expect(r.policy).toBe('haircut')
      expect(r.labelled).toEqual([
        { address: 'thief', amount: 300_000_000, minHop: 0 },
        { address: 'o1', amount: 180_000_000, minHop: 1 },
        { address: 'o2', amount: 119_700_000, minHop: 1 },
      ])
      expect(r.services).toEqual([{ address: 'exchange', category: 'exchange', entity: 'Ex', amount: 179_997_000 }])
      const idx2 = await LabelIndex.load(store)
      const o1 = idx2.lookup('o1')
      expect(o1[0]).toMatchObject({
        category: 'stolen_funds',
        entity: 'Test heist',
        actor: 'Lazarus Group',
        amount: '180000000',
        policy: 'haircut',
        incidentId: r.incidentId,
      })
      expect(idx2.lookup('exchange').map((l) => l.category)).toEqual(['exchange'])
      expect(idx2.version).toBeGreaterThan(index.version)
      const screened = new Screener({ index: idx2 }).screen('o2')
      // an address we hold intelligence on is screened even when its string is not a checkable address
      expect(screened).toMatchObject({ risk: 'high', categories: ['stolen_funds'] })
      const list = await listIncidents(store)
      expect(list).toEqual([expect.objectContaining({ name: 'Test heist', seeds: 1, labels: 3, policy: 'haircut' })])
      await expect(addIncident(store, { name: 'x', seeds: ['nope'] }, { graph: g, index })).rejects.toMatchObject({
        code: 'HOUND_ERR_INVALID_INPUT',
      })
      await expect(
        addIncident(store, { name: 'x', seeds: [`${'ab'.repeat(32)}:0`] }, { graph: g, index }),
      ).rejects.toMatchObject({ code: 'HOUND_ERR_NOT_FOUND' })
    } finally {
      store.close()
    }
  })
})

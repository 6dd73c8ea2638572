import { describe, expect, it } from 'vitest'
import { LabelIndex } from '../intel/LabelIndex.js'
import { insertLabels } from '../intel/labels.js'
import { Screener } from '../risk/Screener.js'
import { ApiKeyRegistry, createApiKey } from '../server/apiKeys.js'
import { createApp } from '../server/createApp.js'
import { HoundStore } from '../store/HoundStore.js'
import { lazarusLabels } from './_shareTestData.js'
import { TLP2_IDS } from './markings.js'
import { COLLECTIONS, micros, TaxiiCollections } from './TaxiiCollections.js'
import { taxiiRoutes } from './taxiiRoutes.js'

const ind = (modified: string) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: 'indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a11',
  created: '2024-03-01T12:00:00.000Z',
  modified,
  pattern_type: 'stix',
  pattern: "[cryptocurrency-wallet:value = 'bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6']",
  valid_from: '2024-03-01T12:00:00.000Z',
  object_marking_refs: [TLP2_IDS.green],
})

describe('TAXII collections: versions, added_after, next', () => {
  it('match[version] last (default) / first / all / a timestamp; added_after at any precision; next resumes exactly', async () => {
    const store = await HoundStore.open(':memory:')
    try {
      const { key } = await createApiKey(store, { name: 'P', maxTlp: 'green' })
      const col = await TaxiiCollections.open(':memory:')
      const green = COLLECTIONS.find((c) => c.alias === 'intel-green')!.id
      await col.add(green, [ind('2024-03-01T12:00:00.000Z')])
      // the same version again is a no-op; a newer one and another object are added; RED is never stored
      await col.add(green, [ind('2024-03-01T12:00:00.000Z'), ind('2024-03-02T12:00:00.000Z')])
      const added = await col.add(green, [
        { ...ind('2024-03-02T12:00:00.000Z'), id: 'indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a12' },
        {
          ...ind('2024-03-02T12:00:00.000Z'),
          id: 'indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a13',
          object_marking_refs: [TLP2_IDS.red],
        },
      ])
      expect(added).toEqual(['2024-03-02T12:00:00.000Z', null])
      expect(await col.count(green)).toBe(3)
      const { app } = createApp({
        screener: new Screener({ index: await LabelIndex.load(store) }),
        keys: await ApiKeyRegistry.load(store),
        modules: [taxiiRoutes({ collections: col })],
      })
      const get = async (q: string) => {
        const r = await app.request(`/taxii2/api/collections/${green}/objects/${q}`, { headers: { 'x-api-key': key } })
        return {
          body: (await r.json()) as { objects: { id: string; modified: string }[]; more: boolean; next?: string },
          h: r.headers,
        }
      }
      const mods = (b: { objects: { modified: string }[] }) => b.objects.map((o) => o.modified)
      expect(mods((await get('')).body)).toEqual(['2024-03-02T12:00:00.000Z', '2024-03-02T12:00:00.000Z'])
      expect((await get('?match[version]=all')).body.objects).toHaveLength(3)
      expect(
        mods((await get('?match[version]=first&match[id]=indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a11')).body),
      ).toEqual(['2024-03-01T12:00:00.000Z'])
      expect((await get('?match[version]=2024-03-01T12:00:00Z')).body.objects).toHaveLength(1)
      const p1 = await get('?match[version]=all&limit=1')
      expect(p1.body.more).toBe(true)
      const last = p1.h.get('x-taxii-date-added-last')!
      // added_after = the page's X-TAXII-Date-Added-Last continues right after it
      const p2 = await get(`?match[version]=all&limit=5&added_after=${last}`)
      expect(p2.body.objects).toHaveLength(2)
      const p3 = await get(`?match[version]=all&limit=1&next=${p1.body.next}`)
      expect(p3.body.objects[0]!.modified).toBe('2024-03-02T12:00:00.000Z')
      expect(micros('2024-03-01T12:00:00.5Z')).toBe(micros('2024-03-01T12:00:00.500000Z'))
      // versions endpoint and manifest come from the store too
      const v = await app.request(
        `/taxii2/api/collections/${green}/objects/indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a11/versions/`,
        { headers: { 'x-api-key': key } },
      )
      expect(((await v.json()) as { versions: string[] }).versions).toEqual([
        '2024-03-01T12:00:00.000Z',
        '2024-03-02T12:00:00.000Z',
      ])
      const m = await app.request(`/taxii2/api/collections/${green}/manifest/?match[version]=all`, {
        headers: { 'x-api-key': key },
      })
      expect(((await m.json()) as { objects: unknown[] }).objects).toHaveLength(3)
      // deleting the newest version makes the older one the last again
      const id = 'indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a11'
      expect(await col.remove(green, id, { versions: ['last'] })).toBe(1)
      const left = await col.page(green, { maxTlp: 'green', limit: 10, withJson: false, ids: [id] })
      expect(left.items.map((e) => e.version)).toEqual(['2024-03-01T12:00:00.000Z'])
      expect(await col.remove(green, id)).toBe(1)
      expect(await col.count(green)).toBe(1)
      col.close()
    } finally {
      store.close()
    }
  })
})

describe('TAXII collections: withdrawn intelligence', () => {
  it('a published AMBER label raised to RED, or deleted, leaves the collections at the next refresh', async () => {
    const store = await HoundStore.open(':memory:')
    const col = await TaxiiCollections.open(':memory:')
    try {
      const [l1, l2] = lazarusLabels()
      await insertLabels(store, [
        { ...l1!, tlp: 'amber', source: 'case-1' },
        { ...l2!, tlp: 'green', source: 'case-1' },
      ])
      await col.load(store, 'Institution A')
      const id = (alias: string) => COLLECTIONS.find((c) => c.alias === alias)!.id
      const all = async (alias: string) => {
        const p = await col.page(id(alias), {
          maxTlp: 'amber+strict',
          limit: 10_000,
          withJson: true,
          versions: ['all'],
        })
        return p.items.map((e) => e.json!).join('\n')
      }
      expect(await all('intel-amber')).toContain(l1!.address)
      expect(await all('intel-amber-strict')).toContain(l1!.address)
      expect(await all('intel-green')).not.toContain(l1!.address)
      expect(await all('intel-green')).toContain(l2!.address)
      // raised to RED: gone from every collection, every version; the GREEN label stays
      await store.run("UPDATE intel_labels SET tlp = 'red' WHERE address = ?", [l1!.address])
      await col.load(store, 'Institution A')
      for (const c of ['intel-clear', 'intel-green', 'intel-amber', 'intel-amber-strict'])
        expect(await all(c)).not.toContain(l1!.address)
      expect(await all('intel-amber')).toContain(l2!.address)
      // GREEN raised to AMBER: leaves the GREEN audience, stays for AMBER
      await store.run("UPDATE intel_labels SET tlp = 'amber' WHERE address = ?", [l2!.address])
      await col.load(store, 'Institution A')
      expect(await all('intel-green')).not.toContain(l2!.address)
      expect(await all('intel-amber')).toContain(l2!.address)
      // deleted: gone
      await store.run('DELETE FROM intel_labels WHERE address = ?', [l2!.address])
      await col.load(store, 'Institution A')
      expect(await all('intel-amber')).not.toContain(l2!.address)
    } finally {
      col.close()
      store.close()
    }
  })
})

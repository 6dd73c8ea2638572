import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { insertLabels } from '../intel/labels.js'
import { lazarusLabels, withStore } from './_shareTestData.js'
import { buildMispEvent, exportMispFeed } from './exportMispFeed.js'

describe('MISP feed', () => {
  it('golden hashes.csv line of sharing.md §3.2', () => {
    const { hashes, event } = buildMispEvent({
      uuid: '5e1f6a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
      info: 'Exchange hack 2024-02: laundering addresses',
      date: '2024-03-01',
      tlp: 'amber',
      actor: 'Lazarus Group',
      org: { name: 'Example Exchange FIU desk', uuid: '8f7b0c7e-1f0b-4b8e-9a56-2a4b0f1f3b11' },
      addresses: [
        { chain: 'btc', address: 'bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6', createdAt: '2026-11-24T01:05:53Z' },
      ],
    })
    expect(hashes).toEqual(['01eb5df1761701272324804502fd8313,5e1f6a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b'])
    const ev = event.Event as Record<string, unknown[]>
    expect(ev.Attribute![0]).toMatchObject({ type: 'btc', category: 'Financial fraud', to_ids: true })
    expect(ev.Object![0]).toMatchObject({ name: 'coin-address', template_uuid: 'd0e6997e-78da-4815-a6a1-cfc1c1cb8a46' })
    expect((ev.Tag as { name: string }[]).map((t) => t.name)).toEqual([
      'tlp:amber',
      'misp-galaxy:threat-actor="Lazarus Group"',
      'misp-galaxy:mitre-intrusion-set="Lazarus Group - G0032"',
    ])
  })

  it('exports the OFAC Lazarus addresses as a feed: manifest, one event file, hashes for every address', async () => {
    await withStore(async (s, dir) => {
      const laz = lazarusLabels()
      await insertLabels(s, laz)
      const r = await exportMispFeed(s, dir, { institution: 'Institution A' })
      expect(r.events).toBe(1)
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
      const [uuid] = Object.keys(manifest)
      expect(readdirSync(dir).sort()).toEqual([`${uuid}.json`, 'hashes.csv', 'manifest.json'].sort())
      const ev = JSON.parse(readFileSync(join(dir, `${uuid}.json`), 'utf8')).Event
      expect(ev.Object).toHaveLength(laz.length)
      const eth = ev.Object.find((o: { Attribute: { value: string }[] }) => o.Attribute[0]!.value.startsWith('0x'))
      expect(eth.Attribute.map((a: { object_relation: string }) => a.object_relation)).toEqual([
        'address-crypto',
        'symbol',
      ])
      const lines = readFileSync(join(dir, 'hashes.csv'), 'utf8').trim().split('\n')
      expect(lines).toHaveLength(laz.length)
      expect(lines.every((l) => l.endsWith(`,${uuid}`))).toBe(true)
      expect(manifest[uuid!].Tag.map((t: { name: string }) => t.name)).toContain(
        'misp-galaxy:threat-actor="Lazarus Group"',
      )
    })
  })
})

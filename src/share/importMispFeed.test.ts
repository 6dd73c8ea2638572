import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { insertLabels, queryLabels } from '../intel/labels.js'
import { lazarusLabels, withStores } from './_shareTestData.js'
import { exportMispFeed } from './exportMispFeed.js'
import { importMispFeed, mispTlp } from './importMispFeed.js'

describe('MISP feed import', () => {
  it('the OFAC Lazarus feed exported by A imports into B: every BTC/ETH address, provenance, idempotent', async () => {
    await withStores(async (a, b, dir) => {
      const laz = lazarusLabels()
      await insertLabels(a, laz)
      await exportMispFeed(a, dir, { institution: 'Institution A', maxTlp: 'amber' })
      await insertLabels(b, [{ ...laz[0]!, source: 'analyst', category: 'exchange', entity: 'Our view' }])
      const r = await importMispFeed(b, dir)
      expect(r.skippedCount).toBe(0)
      expect(r.institutions).toEqual(['Institution A'])
      expect(r.labelsAdded).toBe(laz.length)
      const got = await queryLabels(b, { currentOnly: false })
      const received = got.filter((l) => l.source === 'share:Institution A')
      expect(received).toHaveLength(laz.length)
      expect(new Set(received.map((l) => l.address))).toEqual(new Set(laz.map((l) => l.address)))
      expect(received[0]).toMatchObject({
        category: 'sanctioned',
        entity: 'Lazarus Group',
        actor: 'Lazarus Group',
        tlp: 'clear',
      })
      // local judgement untouched, side by side
      expect(got.filter((l) => l.source === 'analyst').map((l) => l.category)).toEqual(['exchange'])
      const again = await importMispFeed(b, dir)
      expect([again.labelsAdded, again.labelsKnown]).toEqual([0, laz.length])
      const prov = await b.one<{ n: bigint }>(
        "SELECT count(*) AS n FROM share_received WHERE institution = 'Institution A'",
      )
      expect(Number(prov?.n)).toBe(2 * laz.length)
    })
  })

  it('RED events are skipped; a bad manifest or a missing event file rejects the feed with nothing imported', async () => {
    await withStores(async (a, b, dir) => {
      await insertLabels(a, lazarusLabels().slice(0, 5))
      await exportMispFeed(a, dir, { institution: 'Institution A' })
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
      const [uuid] = Object.keys(manifest)
      const evFile = join(dir, `${uuid}.json`)
      const ev = JSON.parse(readFileSync(evFile, 'utf8'))
      const good = JSON.stringify(ev)
      ev.Event.Tag = [{ name: 'tlp:red' }]
      writeFileSync(evFile, JSON.stringify(ev))
      const red = await importMispFeed(b, dir)
      expect(red.labelsAdded).toBe(0)
      expect(red.skipped.every((s) => s.reason === 'TLP:RED is not imported')).toBe(true)
      writeFileSync(evFile, good)
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, '../../etc/passwd': {} }))
      await expect(importMispFeed(b, dir)).rejects.toMatchObject({ code: 'HOUND_ERR_IMPORT' })
      writeFileSync(
        join(dir, 'manifest.json'),
        JSON.stringify({ ...manifest, '5e1f6a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b': {} }),
      )
      await expect(importMispFeed(b, dir)).rejects.toMatchObject({ code: 'HOUND_ERR_IMPORT' })
      expect(await queryLabels(b, { currentOnly: false })).toEqual([])
      expect([mispTlp([{ name: 'tlp:white' }]), mispTlp([]), mispTlp([{ name: 'TLP:AMBER+STRICT' }])]).toEqual([
        'clear',
        'amber',
        'amber+strict',
      ])
    })
  })
})

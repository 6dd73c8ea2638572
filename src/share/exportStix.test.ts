import { createWriteStream, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { describe, expect, it } from 'vitest'
import { insertLabels, queryLabels } from '../intel/labels.js'
import type { HoundStore } from '../store/HoundStore.js'
import { lazarusLabels, withStore, withStores } from './_shareTestData.js'
import { type ExportStats, stixBundleLines } from './exportStix.js'
import { importStixFile } from './importStix.js'
import { tlp2Marking } from './markings.js'
import { LAZARUS_ID } from './stixCommon.js'
import { validateStixBundle } from './validateStix.js'

async function exportTo(store: HoundStore, file: string, o: Parameters<typeof stixBundleLines>[1]) {
  const stats: ExportStats = { objects: 0, indicators: 0, wallets: 0, incidents: 0 }
  const w = createWriteStream(file)
  for await (const s of stixBundleLines(store, o, stats))
    if (!w.write(s)) await new Promise<void>((r) => w.once('drain', () => r()))
  w.end()
  await finished(w)
  return stats
}

const LOCAL = [
  {
    chain: 'btc',
    address: 'bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6',
    category: 'stolen_funds' as const,
    entity: 'Exchange hack 2024-02',
    actor: 'Lazarus Group',
    source: 'incident:1',
    confidence: 'forensic_investigation' as const,
    tlp: 'amber' as const,
    validFrom: '2024-02-29',
    reference: 'incident:1',
    note: "traced haircut, hop 1, it's 'quoted'",
    amount: '125000000',
    policy: 'haircut',
  },
  {
    chain: 'btc',
    address: '1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V',
    category: 'stolen_funds' as const,
    entity: 'Internal case',
    source: 'analyst',
    confidence: 'heuristic' as const,
    tlp: 'red' as const,
  },
]

describe('STIX export', () => {
  it('exports OFAC Lazarus addresses and an incident label as a valid bundle; RED stays home; round trip is lossless', async () => {
    await withStores(async (a, b, dir) => {
      const laz = lazarusLabels()
      expect(laz.length).toBeGreaterThanOrEqual(8)
      await insertLabels(a, [...laz, ...LOCAL])
      await a.run(
        "INSERT INTO intel_screenings VALUES ('bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6', 'bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6', 'h', 'high', '{}', '1', 'k', '2026-11-20T10:00:00.000Z'), ('bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6', 'bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6', 'h', 'high', '{}', '1', 'k', '2026-11-21T10:00:00.000Z')",
      )
      const file = join(dir, 'a.json')
      const stats = await exportTo(a, file, { institution: 'Institution A', maxTlp: 'amber' })
      const bundle = JSON.parse(readFileSync(file, 'utf8'))
      expect(validateStixBundle(bundle)).toEqual([])
      const objs = bundle.objects as Record<string, unknown>[]
      expect(stats.objects).toBe(objs.length)
      expect(stats.indicators).toBe(laz.length + 1)
      // TLP:RED label absent; the marking definition for RED is not even shipped
      expect(JSON.stringify(bundle)).not.toContain('1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V')
      expect(objs.some((o) => o.id === 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1')).toBe(false)
      // TLP 2.0 AMBER marking exactly as in the reference
      expect(objs.find((o) => o.id === 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421')).toEqual({
        type: 'marking-definition',
        spec_version: '2.1',
        id: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
        created: '2022-10-01T00:00:00.000Z',
        name: 'TLP:AMBER',
        extensions: {
          'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': {
            extension_type: 'property-extension',
            tlp_2_0: 'amber',
          },
        },
      })
      // the EIP-55 OFAC address is emitted canonical with the golden id
      const w = objs.find((o) => o.id === 'cryptocurrency-wallet--97217aa6-bb46-50a7-9295-dda5b965e236')
      expect(w?.value).toBe('0x098b716b8aaf21512996dc57eb0615e2383e2f96')
      expect(objs.find((o) => o.id === 'cryptocurrency-wallet--e4aefff8-f7e9-5846-b684-5329b23bdf45')).toBeTruthy()
      // Lazarus intrusion set with its ATT&CK id, indicated by every Lazarus indicator
      const indicates = objs.filter((o) => o.relationship_type === 'indicates' && o.target_ref === LAZARUS_ID)
      expect(indicates.length).toBe(laz.length + 1)
      expect(objs.filter((o) => o.id === LAZARUS_ID)).toHaveLength(1)
      const ind = objs.find(
        (o) => o.type === 'indicator' && String(o.pattern).includes('bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6'),
      )!
      expect(ind.pattern).toBe("[cryptocurrency-wallet:value = 'bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6']")
      expect(ind.confidence).toBe(80)
      expect(ind.object_marking_refs).toEqual([tlp2Marking('amber').id])
      // a deposit seen: the two screenings of that address are one sighting of its indicator
      const sight = objs.filter((o) => o.type === 'sighting')
      expect(sight).toHaveLength(1)
      expect(sight[0]).toMatchObject({ sighting_of_ref: ind.id, count: 2, first_seen: '2026-11-20T10:00:00.000Z' })

      // import into B: every exported label comes back with every field; provenance kept
      const r = await importStixFile(b, file)
      expect(r.skippedCount).toBe(0)
      expect(r.institutions).toEqual(['Institution A'])
      expect(r.labelsAdded).toBe(laz.length + 1)
      const got = await queryLabels(b, { currentOnly: false })
      const strip = (l: Record<string, unknown>) => {
        const { labelId, source, reference, importId, incidentId, canonical, ...rest } = l
        return rest
      }
      const sent = (await queryLabels(a, { currentOnly: false })).filter((l) => l.tlp !== 'red')
      const key = (l: { address: string; entity: string }) => `${l.address}|${l.entity}`
      expect(got.map(strip).sort((x, y) => key(x as never).localeCompare(key(y as never)))).toEqual(
        sent.map(strip).sort((x, y) => key(x as never).localeCompare(key(y as never))),
      )
      expect(new Set(got.map((l) => l.source))).toEqual(new Set(['share:Institution A']))
      const prov = await b.all<Record<string, string>>("SELECT * FROM share_received WHERE orig_source = 'incident:1'")
      expect(prov).toHaveLength(1)
      expect(prov[0]!.orig_reference).toBe('incident:1')
      expect(prov[0]!.institution).toBe('Institution A')
      expect(prov[0]!.object_id).toBe(ind.id)
      // re-import is a no-op
      const again = await importStixFile(b, file)
      expect(again.labelsAdded).toBe(0)
      expect(again.labelsKnown).toBe(laz.length + 1)
      // B re-exports: received intelligence is not re-shared by default
      const stats2 = await exportTo(b, join(dir, 'b.json'), { institution: 'B' })
      expect(stats2.indicators).toBe(0)
    })
  })

  it('--incident exports only that incident, with its seeds as transactions and a campaign attributed to Lazarus', async () => {
    await withStore(async (a, dir) => {
      const { ensureIntelSchema } = await import('../store/intelSchema.js')
      await ensureIntelSchema(a)
      await a.run(
        "INSERT INTO intel_incidents VALUES (1, 'Exchange hack 2024-02', 'btc', '2024-02-29', 'Lazarus Group', 'hot wallet drain', 'amber', 'haircut', 10, now(), now())",
      )
      await a.run(
        "INSERT INTO intel_incident_seeds VALUES (1, 'd63a3757a2a7b4c58e49f5a2e4236b1d4cbc2e4ffc9aa04c636707cb0bbbee7b:0', 125000000)",
      )
      await insertLabels(a, [{ ...LOCAL[0]!, incidentId: 1 }, ...lazarusLabels()])
      const file = join(dir, 'inc.json')
      const st = await exportTo(a, file, { institution: 'A', incidentId: 1 })
      const bundle = JSON.parse(readFileSync(file, 'utf8'))
      expect(validateStixBundle(bundle)).toEqual([])
      expect(st.indicators).toBe(1)
      expect(st.incidents).toBe(1)
      const objs = bundle.objects as Record<string, unknown>[]
      expect(objs.find((o) => o.type === 'cryptocurrency-transaction')?.id).toBe(
        'cryptocurrency-transaction--64032380-c12c-54a9-88ff-4f102d082ee2',
      )
      const camp = objs.find((o) => o.type === 'campaign')!
      expect(
        objs.some(
          (o) => o.relationship_type === 'attributed-to' && o.source_ref === camp.id && o.target_ref === LAZARUS_ID,
        ),
      ).toBe(true)
      const inc = objs.find((o) => o.type === 'incident')!
      expect(objs.some((o) => o.relationship_type === 'related-to' && o.target_ref === inc.id)).toBe(true)
    })
  })
})

import { describe, expect, it } from 'vitest'
import { insertLabels, queryLabels } from '../intel/labels.js'
import { withStore, writeTemp } from './_shareTestData.js'
import { importStixFile, walletPatternAddresses } from './importStix.js'
import { TLP1_IDS } from './markings.js'
import { walletId } from './stixIds.js'

const B = 'bundle--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a11'
const ORG = 'identity--8f7b0c7e-1f0b-4b8e-9a56-2a4b0f1f3b11'
const ADDR = 'bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6'
const T = '2024-03-01T12:00:00.000Z'

const identity = {
  type: 'identity',
  spec_version: '2.1',
  id: ORG,
  created: T,
  modified: T,
  name: 'Example Exchange FIU desk',
}
const tlp1Amber = {
  type: 'marking-definition',
  spec_version: '2.1',
  id: TLP1_IDS.amber,
  created: '2017-01-20T00:00:00.000Z',
  definition_type: 'tlp',
  definition: { tlp: 'amber' },
}
function indicator(id: string, pattern: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: T,
    modified: T,
    created_by_ref: ORG,
    indicator_types: ['malicious-activity'],
    pattern_type: 'stix',
    pattern,
    valid_from: T,
    confidence: 80,
    labels: ['laundering', 'stolen_funds'],
    object_marking_refs: [TLP1_IDS.amber],
    ...extra,
  }
}
const bundle = (objects: unknown[]) => JSON.stringify({ type: 'bundle', id: B, objects })

describe('STIX import', () => {
  it('a foreign bundle (TLP 1.0 marking, IN pattern) imports with provenance and never overwrites local judgement', async () => {
    await withStore(async (s, dir) => {
      await insertLabels(s, [
        {
          chain: 'btc',
          address: ADDR,
          category: 'exchange',
          entity: 'Our customer',
          source: 'analyst',
          confidence: 'ownership',
          tlp: 'amber',
        },
      ])
      const file = writeTemp(
        dir,
        'foreign.json',
        bundle([
          identity,
          tlp1Amber,
          indicator(
            'indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a12',
            `[cryptocurrency-wallet:value = '${ADDR.toUpperCase()}']`,
          ),
          indicator(
            'indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a13',
            "[cryptocurrency-wallet:value IN ('0x098B716B8Aaf21512996dC57EB0615e2383E2f96', '1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V')]",
          ),
          {
            type: 'x-unknown-thing',
            spec_version: '2.1',
            id: 'x-unknown-thing--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a14',
            created: T,
            modified: T,
          },
        ]),
      )
      const r = await importStixFile(s, file)
      expect(r.indicators).toBe(2)
      expect(r.labelsAdded).toBe(3)
      expect(r.skipped.map((x) => x.reason)).toEqual(['unsupported object type x-unknown-thing'])
      const at = await queryLabels(s, { address: ADDR })
      expect(at.map((l) => [l.source, l.category, l.tlp]).sort()).toEqual([
        ['analyst', 'exchange', 'amber'],
        ['share:Example Exchange FIU desk', 'stolen_funds', 'amber'],
      ])
      const evm = await queryLabels(s, { address: '0x098b716b8aaf21512996dc57eb0615e2383e2f96' })
      expect(evm[0]!.chain).toBe('evm-1')
      expect(evm[0]!.confidence).toBe('forensic_investigation')
      const imp = await s.one<{ kind: string; file_sha256: string }>('SELECT kind, file_sha256 FROM intel_imports')
      expect(imp?.kind).toBe('stix')
      expect(imp?.file_sha256).toMatch(/^[0-9a-f]{64}$/)
    })
  })

  it('bad objects are skipped with a reason: bad id, bad timestamp, unknown extension, non-wallet pattern, bad address, RED', async () => {
    await withStore(async (s, dir) => {
      const good = indicator(
        'indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a20',
        `[cryptocurrency-wallet:value = '${ADDR}']`,
      )
      const file = writeTemp(
        dir,
        'mixed.json',
        bundle([
          identity,
          tlp1Amber,
          good,
          { ...good, id: 'indicator--not-a-uuid' },
          { ...good, id: 'indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a21', valid_from: 'yesterday' },
          {
            ...good,
            id: 'indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a22',
            extensions: {
              'extension-definition--11111111-2222-4333-8444-555555555555': { extension_type: 'property-extension' },
            },
          },
          indicator('indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a23', "[ipv4-addr:value = '10.0.0.1']"),
          indicator(
            'indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a24',
            "[cryptocurrency-wallet:value = 'bc1qnotvalid']",
          ),
          indicator('indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a25', `[cryptocurrency-wallet:value = '${ADDR}']`, {
            object_marking_refs: [TLP1_IDS.red],
          }),
          42,
        ]),
      )
      const r = await importStixFile(s, file)
      expect(r.labelsAdded).toBe(1)
      expect(r.skippedCount).toBe(7)
      const reasons = r.skipped.map((x) => x.reason).join('\n')
      for (const w of [
        'bad id',
        'valid_from',
        'unknown extension',
        'not a cryptocurrency-wallet pattern',
        'implausible address',
        'TLP:RED',
        'not an object',
      ])
        expect(reasons).toContain(w)
    })
  })

  it('hostile bundles are rejected whole and nothing is imported', async () => {
    await withStore(async (s, dir) => {
      const good = indicator(
        'indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a30',
        `[cryptocurrency-wallet:value = '${ADDR}']`,
      )
      let deep: unknown = 'x'
      for (let i = 0; i < 3000; i++) deep = [deep]
      const cases: [string, string, Record<string, number>?][] = [
        ['deep.json', bundle([good, { ...good, id: 'indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a31', x_deep: deep }])],
        ['many.json', bundle([good, good, good, good]), { maxObjects: 3 }],
        ['notbundle.json', JSON.stringify({ type: 'report', id: B, objects: [good] })],
        ['badid.json', JSON.stringify({ type: 'bundle', id: 'bundle--nope', objects: [good] })],
        ['objects.json', JSON.stringify({ type: 'bundle', id: B, objects: { a: good } })],
        ['syntax.json', `${bundle([good]).slice(0, -5)}`],
        ['truncated-lines.json', `{"type":"bundle","id":"${B}","objects":[\n${JSON.stringify(good)},\n`],
        ['big.json', bundle([good]), { maxBytes: 100 }],
      ]
      for (const [name, text, limits] of cases) {
        const f = writeTemp(dir, name, text)
        await expect(importStixFile(s, f, { limits: limits ?? {} }), name).rejects.toMatchObject({
          code: 'HOUND_ERR_IMPORT',
        })
      }
      expect(await queryLabels(s, { currentOnly: false })).toEqual([])
      // the line format streams: a good one imports
      const ok = writeTemp(dir, 'lines.json', `{"type":"bundle","id":"${B}","objects":[\n${JSON.stringify(good)}\n]}\n`)
      expect((await importStixFile(s, ok)).labelsAdded).toBe(1)
    })
  })

  it('any JSON layout streams: members in any order, actor from a later relationship, rejections found at the end', async () => {
    await withStore(async (s, dir) => {
      const iid = 'indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a50'
      const set = {
        type: 'intrusion-set',
        spec_version: '2.1',
        id: 'intrusion-set--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a51',
        created: T,
        modified: T,
        name: 'Lazarus Group',
      }
      const rel = {
        type: 'relationship',
        spec_version: '2.1',
        id: 'relationship--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a52',
        created: T,
        modified: T,
        relationship_type: 'indicates',
        source_ref: iid,
        target_ref: set.id,
      }
      // indicator before its identity, relationship and set; `type`/`id` after `objects`; pretty-printed
      const objects = [
        indicator(iid, `[cryptocurrency-wallet:value = '${ADDR}']`, { labels: [] }),
        identity,
        tlp1Amber,
        rel,
        set,
      ]
      const text = JSON.stringify({ objects, id: B, type: 'bundle' }, null, 2)
      // a bad type only seen after every object was read: rejected, nothing written, no scratch table left
      const late = writeTemp(dir, 'late.json', text.replace('"type": "bundle"', '"type": "report"'))
      await expect(importStixFile(s, late)).rejects.toMatchObject({ code: 'HOUND_ERR_IMPORT' })
      expect(await queryLabels(s, { currentOnly: false })).toEqual([])
      const r = await importStixFile(s, writeTemp(dir, 'pretty.json', text))
      expect(r.labelsAdded).toBe(1)
      const [l] = await queryLabels(s, { currentOnly: false })
      expect([l?.actor, l?.category, l?.entity, l?.source]).toEqual([
        'Lazarus Group',
        'hacker',
        'Lazarus Group',
        'share:Example Exchange FIU desk',
      ])
      expect((await importStixFile(s, writeTemp(dir, 'again.json', text))).labelsKnown).toBe(1)
      expect((await s.tables()).filter((t) => t.startsWith('share_stage_'))).toEqual([])
    })
  })

  it('a newer version closing an indicator (valid_until) closes the received label, never a local one', async () => {
    await withStore(async (s, dir) => {
      await insertLabels(s, [
        {
          chain: 'btc',
          address: ADDR,
          category: 'stolen_funds',
          entity: 'ours',
          source: 'analyst',
          confidence: 'ownership',
          tlp: 'amber',
        },
      ])
      const id = 'indicator--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a40'
      const v1 = indicator(id, `[cryptocurrency-wallet:value = '${ADDR}']`)
      await importStixFile(s, writeTemp(dir, 'v1.json', bundle([identity, tlp1Amber, v1])))
      const v2 = { ...v1, modified: '2024-04-01T00:00:00.000Z', valid_until: '2024-04-01T00:00:00.000Z' }
      await importStixFile(s, writeTemp(dir, 'v2.json', bundle([identity, tlp1Amber, v2])))
      const all = await queryLabels(s, { currentOnly: false, address: ADDR })
      expect(all.map((l) => [l.source, l.validTo]).sort()).toEqual([
        ['analyst', null],
        ['share:Example Exchange FIU desk', '2024-04-01T00:00:00.000Z'],
      ])
    })
  })

  it('pattern parsing: equality, OR, IN, escapes; anything else is not a wallet pattern', () => {
    expect(walletPatternAddresses("[cryptocurrency-wallet:value = 'a''b']")).toBeNull()
    expect(
      walletPatternAddresses("[cryptocurrency-wallet:value = 'abc' OR cryptocurrency-wallet:value = 'def']"),
    ).toEqual(['abc', 'def'])
    expect(walletPatternAddresses("[x-opencti-cryptocurrency-wallet:value = 'abc']")).toEqual(['abc'])
    expect(walletPatternAddresses("[cryptocurrency-wallet:value IN ('a', 'b')]")).toEqual(['a', 'b'])
    expect(walletPatternAddresses("[cryptocurrency-wallet:value = 'a\\'b']")).toEqual(["a'b"])
    expect(walletPatternAddresses("[file:name = 'a']")).toBeNull()
    expect(walletId(ADDR.toUpperCase())).toBe('cryptocurrency-wallet--e4aefff8-f7e9-5846-b684-5329b23bdf45')
  })
})

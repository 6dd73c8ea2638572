import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { labelCategories, labelConfidences, tlpLevels } from '../core/model.js'
import { insertLabels, type LabelInput, queryLabels } from '../intel/labels.js'
import { HoundStore } from '../store/HoundStore.js'
import { tempDir } from './_shareTestData.js'
import { stixBundleLines } from './exportStix.js'
import { importStixFile } from './importStix.js'
import { validateStixBundle } from './validateStix.js'

const hex40 = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${Buffer.from(b).toString('hex')}`)
const text = fc.string({ minLength: 1, maxLength: 30 })
const label: fc.Arbitrary<LabelInput> = fc.record({
  chain: fc.constantFrom('evm-1', 'evm-56'),
  address: hex40,
  category: fc.constantFrom(...labelCategories),
  entity: text,
  actor: fc.option(fc.constantFrom('Lazarus Group', 'APT38', 'someone'), { nil: null }),
  source: fc.constantFrom('a', 'b', 'incident:1'),
  confidence: fc.constantFrom(...labelConfidences),
  tlp: fc.constantFrom(...tlpLevels),
  validFrom: fc.option(fc.constantFrom('2024-02-29', '2019-09-13T00:00:00.000Z'), { nil: null }),
  validTo: fc.option(fc.constantFrom('2025-03-21'), { nil: null }),
  note: fc.option(fc.string({ maxLength: 40 }), { nil: null }),
  reference: fc.option(text, { nil: null }),
  amount: fc.option(fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String), { nil: null }),
})

describe('STIX round trip (property)', () => {
  it('export → import preserves every non-RED label field, and every bundle passes the offline checks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(label, { minLength: 1, maxLength: 12 }), async (labels) => {
        const a = await HoundStore.open(':memory:')
        const b = await HoundStore.open(':memory:')
        try {
          await insertLabels(a, labels)
          const file = join(tempDir(), 'rt.json')
          const w = createWriteStream(file)
          for await (const s of stixBundleLines(a, { institution: 'X', maxTlp: 'amber+strict' })) w.write(s)
          w.end()
          await finished(w)
          const { readFileSync } = await import('node:fs')
          expect(validateStixBundle(JSON.parse(readFileSync(file, 'utf8')))).toEqual([])
          const r = await importStixFile(b, file)
          expect(r.skippedCount).toBe(0)
          const strip = ({ labelId, source, reference, importId, incidentId, ...rest }: Record<string, unknown>) => rest
          const key = (l: Record<string, unknown>) => JSON.stringify(l)
          const sent = (await queryLabels(a, { currentOnly: false }))
            .filter((l) => l.tlp !== 'red')
            .map(strip)
            .map(key)
            .sort()
          const got = (await queryLabels(b, { currentOnly: false })).map(strip).map(key).sort()
          expect(got).toEqual(sent)
        } finally {
          a.close()
          b.close()
        }
      }),
      { numRuns: 15 },
    )
  })
})

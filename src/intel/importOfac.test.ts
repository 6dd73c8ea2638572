import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataPath } from '../core/_testData.js'
import { HoundStore } from '../store/HoundStore.js'
import { importOfacFile, importOfacIssue, OFAC_SOURCE } from './importOfac.js'
import { queryLabels } from './labels.js'
import { openSdnFile } from './openSdnFile.js'
import { type OfacIssue, parseOfacSdn } from './parseOfacSdn.js'

const MARCH = dataPath('ofac/sdn_advanced_2025-03-04.xml.bz2')
const NOV = dataPath('ofac/sdn_advanced_2025-11-19.xml.bz2')
const RONIN = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96'

describe('importOfac', () => {
  let store: HoundStore
  let mar: OfacIssue
  let marSha: string
  let nov: OfacIssue
  let novSha: string

  beforeAll(async () => {
    store = await HoundStore.open(':memory:')
    const a = openSdnFile(MARCH)
    mar = await parseOfacSdn(a.stream, MARCH)
    marSha = a.fileSha256()
    const b = openSdnFile(NOV)
    nov = await parseOfacSdn(b.stream, NOV)
    novSha = b.fileSha256()
  }, 300_000)
  afterAll(() => store.close())

  it('imports March: Tornado Cash in force, per-ticker counts, file and XML hashes recorded', async () => {
    const r = await importOfacIssue(store, mar, { file: MARCH, fileSha256: marSha })
    expect(r.alreadyImported).toBe(false)
    expect(r.issueDate).toBe('2025-03-04')
    expect(r.entries).toBe(717)
    expect(r.delisted).toBe(0)
    const tornado = await queryLabels(store, { source: OFAC_SOURCE })
    expect(tornado.filter((l) => l.entity === 'TORNADO CASH').length).toBeGreaterThan(0)
    const imp = await store.one<{ file_sha256: string; content_sha256: string; issue_date: string }>(
      'SELECT file_sha256, content_sha256, issue_date FROM intel_imports',
    )
    expect(imp?.content_sha256).toBe('3f55a900e828ad33d5b4c6d1b895d28fabe039e48d46f19e2de060200fc33430')
    expect(imp?.file_sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('imports November: Tornado Cash de-listed (valid_to = 2025-11-19), Lazarus/Ronin in force', async () => {
    const r = await importOfacIssue(store, nov, { file: NOV, fileSha256: novSha })
    expect(r.alreadyImported).toBe(false)
    expect(r.perTicker).toMatchObject({ XBT: 517, ETH: 77, USDT: 93, TRX: 29 })
    expect(r.delisted).toBeGreaterThanOrEqual(90)
    const delisted = await store.all<{ name: string; delisted_issue: string; last_listed_issue: string }>(
      'SELECT name, delisted_issue, last_listed_issue FROM ofac_delistings',
    )
    const tc = delisted.filter((d) => d.name === 'TORNADO CASH')
    expect(tc).toHaveLength(90)
    expect(tc.every((d) => d.delisted_issue === '2025-11-19' && d.last_listed_issue === '2025-03-04')).toBe(true)
    const current = await queryLabels(store, { source: OFAC_SOURCE })
    expect(current.some((l) => l.entity === 'TORNADO CASH')).toBe(false)
    const all = await queryLabels(store, { source: OFAC_SOURCE, currentOnly: false })
    const tcLabels = all.filter((l) => l.entity === 'TORNADO CASH')
    expect(tcLabels.length).toBeGreaterThan(0)
    expect(tcLabels.every((l) => l.validTo === '2025-11-19')).toBe(true)
    const ronin = await queryLabels(store, { address: RONIN.toLowerCase() })
    expect(ronin).toHaveLength(1)
    expect(ronin[0]).toMatchObject({
      address: RONIN,
      chain: 'evm-1',
      category: 'sanctioned',
      entity: 'Lazarus Group',
      confidence: 'official_list',
      validFrom: '2019-09-13',
      validTo: null,
      asset: 'ETH',
    })
    expect(ronin[0]!.note).toContain('DPRK3')
    // an address listed for two parties keeps both statements
    const two = await queryLabels(store, { address: 'LeKvNdNEzgQkzVVnRdV3fAu2DSF1nLsNw6' })
    expect(new Set(two.map((l) => l.entity)).size).toBe(2)
  })

  it('re-importing the same issue is a no-op; importing an older issue after a newer one changes nothing in force', async () => {
    const before = await store.one<{ n: bigint }>('SELECT count(*) AS n FROM intel_labels')
    const again = await importOfacFile(store, NOV)
    expect(again.alreadyImported).toBe(true)
    const after = await store.one<{ n: bigint }>('SELECT count(*) AS n FROM intel_labels')
    expect(after?.n).toBe(before?.n)

    const s2 = await HoundStore.open(':memory:')
    try {
      await importOfacIssue(s2, nov, { file: NOV, fileSha256: novSha })
      const r = await importOfacIssue(s2, mar, { file: MARCH, fileSha256: marSha })
      const forward = await store.one<{ n: bigint }>('SELECT count(*) AS n FROM ofac_delistings')
      expect(r.delisted).toBe(Number(forward!.n))
      const current = await queryLabels(s2, { source: OFAC_SOURCE })
      expect(current.some((l) => l.entity === 'TORNADO CASH')).toBe(false)
      expect(current.length).toBe((await queryLabels(store, { source: OFAC_SOURCE })).length)
    } finally {
      s2.close()
    }
  }, 300_000)
})

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { dataPath } from '../core/_testData.js'
import { openSdnFile } from './openSdnFile.js'
import { parseCsvRecords } from './parseCsv.js'
import { type OfacIssue, parseOfacSdn } from './parseOfacSdn.js'

async function parseFile(rel: string): Promise<OfacIssue & { fileSha256: string }> {
  const src = openSdnFile(dataPath(rel))
  const issue = await parseOfacSdn(src.stream, rel)
  return { ...issue, fileSha256: src.fileSha256() }
}

function golden(date: string): Record<string, string>[] {
  const text = readFileSync(dataPath(`ofac/ofac_sdn_digital_currency_addresses_with_entities_${date}.csv`), 'utf8')
  return parseCsvRecords(text).records
}

const rowKey = (r: { currency: string; address: string; profile: string }) => `${r.currency}|${r.address}|${r.profile}`

describe('parseOfacSdn on the real issues', () => {
  let nov: OfacIssue & { fileSha256: string }
  let mar: OfacIssue & { fileSha256: string }

  it('parses the 2025-11-19 issue exactly like the derived CSV (761 rows, 758 pairs, 79 profiles)', async () => {
    nov = await parseFile('ofac/sdn_advanced_2025-11-19.xml.bz2')
    expect(nov.issueDate).toBe('2025-11-19')
    expect(nov.xmlBytes).toBe(120_977_559)
    expect(nov.xmlSha256).toBe('36c517bd264d8d97eff353eadd8d84427d5eb293505a8ce07271a5bc258c3117')
    expect(nov.entries).toHaveLength(761)
    expect(new Set(nov.entries.map((e) => `${e.ticker}|${e.address}`)).size).toBe(758)
    expect(new Set(nov.entries.map((e) => e.profileId)).size).toBe(79)

    const gold = golden('2025-11-19')
    expect(gold).toHaveLength(761)
    const mine = new Map(
      nov.entries.map((e) => [rowKey({ currency: e.ticker, address: e.address, profile: String(e.profileId) }), e]),
    )
    for (const g of gold) {
      const e = mine.get(rowKey({ currency: g.currency!, address: g.address!, profile: g.sdn_profile_id! }))
      expect(e, `${g.currency} ${g.address}`).toBeDefined()
      expect(e!.name).toBe(g.sdn_primary_name)
      expect(e!.partyType).toBe(g.party_type)
      expect(e!.programs.join(';')).toBe(g.programs)
      expect(e!.entryDate).toBe(g.sdn_entry_date)
      expect(e!.aliases.slice(0, 8).join(' | ')).toBe(g.aliases_first8)
    }
  }, 300_000)

  it('per-ticker counts equal the published sanctioned_addresses_<TICKER>.txt lists', () => {
    const tickers = [...new Set(nov.entries.map((e) => e.ticker))].sort()
    expect(tickers).toHaveLength(19)
    const counts: Record<string, number> = {}
    for (const t of tickers) {
      const list = readFileSync(dataPath(`ofac/sanctioned_addresses_${t}.txt`), 'utf8')
        .split('\n')
        .filter(Boolean)
      const mine = new Set(nov.entries.filter((e) => e.ticker === t).map((e) => e.address))
      expect([...mine].sort(), t).toEqual([...new Set(list)].sort())
      counts[t] = mine.size
    }
    expect(counts).toMatchObject({
      XBT: 517,
      USDT: 93,
      ETH: 77,
      TRX: 29,
      LTC: 10,
      XMR: 8,
      BCH: 7,
      DASH: 3,
      ZEC: 3,
      USDC: 2,
    })
  })

  it('has Lazarus Group (27307, DPRK3, 2019-09-13) with 8 ETH addresses including the Ronin exploiter', () => {
    const laz = nov.entries.filter((e) => e.profileId === 27307 && e.ticker === 'ETH')
    expect(laz).toHaveLength(8)
    expect(laz.every((e) => e.name === 'Lazarus Group' && e.programs.join() === 'DPRK3')).toBe(true)
    expect(laz[0]!.entryDate).toBe('2019-09-13')
    const ronin = laz.find((e) => e.address === '0x098B716B8Aaf21512996dC57EB0615e2383E2f96')
    expect(ronin?.canonical).toBe('0x098b716b8aaf21512996dc57eb0615e2383e2f96')
    expect(ronin?.reliability).toBe('Confirmed')
  })

  it('parses the 2025-03-04 issue (717 rows, 90 Tornado Cash ETH rows) and its checksum', async () => {
    mar = await parseFile('ofac/sdn_advanced_2025-03-04.xml.bz2')
    expect(mar.issueDate).toBe('2025-03-04')
    expect(mar.xmlSha256).toBe('3f55a900e828ad33d5b4c6d1b895d28fabe039e48d46f19e2de060200fc33430')
    expect(mar.entries).toHaveLength(717)
    expect(new Set(mar.entries.map((e) => e.profileId)).size).toBe(65)
    expect(mar.entries.filter((e) => e.ticker === 'ETH')).toHaveLength(153)
    expect(mar.entries.filter((e) => e.name === 'TORNADO CASH')).toHaveLength(90)
    expect(nov.entries.filter((e) => e.name === 'TORNADO CASH')).toHaveLength(0)
    const gold = new Set(
      golden('2025-03-04').map((g) =>
        rowKey({ currency: g.currency!, address: g.address!, profile: g.sdn_profile_id! }),
      ),
    )
    const mine = new Set(
      mar.entries.map((e) => rowKey({ currency: e.ticker, address: e.address, profile: String(e.profileId) })),
    )
    expect(mine).toEqual(gold)
  }, 300_000)
})

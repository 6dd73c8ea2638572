import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataPath, hasSharedData } from '../core/_testData.js'
import { HoundStore } from '../store/HoundStore.js'
import { loadAccountTransferSet } from '../trace/account/loadAccountTransferSet.js'
import { traceAccounts } from '../trace/account/traceAccounts.js'
import { importTransfersCsv } from './importTransfersCsv.js'
import { parseCsv } from './parseCsv.js'

const EXPLOITER = '0x47666fab8bd0ac7003bce3f5c3585383f09486e2'
const dir = mkdtempSync(join(tmpdir(), 'hound-evm-csv-'))

/** Convert the phvaz export to the documented header (chain,tx_hash,block,time,from,to,asset,amount). */
function toDocumentedCsv(src: string): string {
  const t = parseCsv(readFileSync(src, 'utf8'))
  const h = t[0]!
  const c = (n: string) => h.indexOf(n)
  const out = ['chain,tx_hash,block,time,from,to,asset,amount']
  for (const r of t.slice(1)) {
    if (r.length < h.length) continue
    const asset = r[c('kind')] === 'native' ? 'ETH' : r[c('token_contract')]!
    const time = `${r[c('timestamp_utc')]!.replace(' ', 'T')}Z`
    out.push(
      ['ethereum', r[c('tx_hash')], r[c('block')], time, r[c('from')], r[c('to')], asset, r[c('amount')]].join(','),
    )
  }
  return `${out.join('\n')}\n`
}

describe.skipIf(!hasSharedData)('ingest transfers: the real Bybit 2025 trace reaches all 51 FBI addresses', () => {
  let store: HoundStore
  const fbi = parseCsv(readFileSync(dataPath('flows/fbi_psa250226_bybit_eth_addresses.csv'), 'utf8'))
    .slice(1)
    .filter((r) => r[0])
    .map((r) => r[0]!.toLowerCase())
  beforeAll(async () => {
    store = await HoundStore.open(':memory:')
  })
  afterAll(() => store.close())

  it('imports the documented header exactly (amounts in wei, tokens flagged with assumed decimals)', async () => {
    const file = join(dir, 'bybit.csv')
    writeFileSync(file, toDocumentedCsv(dataPath('flows/bybit_2025_trace_5hops_phvaz.csv')))
    const r = await importTransfersCsv(store, file)
    expect(r.format).toBe('documented')
    expect(r.rows).toBe(306)
    expect(r.chains).toEqual(['evm-1'])
    // re-import is idempotent
    await importTransfersCsv(store, file)
    expect((await store.one<{ n: bigint }>('SELECT count(*) AS n FROM evm_transfers'))!.n).toBe(306n)
    // hop 1 native ETH out of the exploiter: 400,001 ETH (data README), exact in wei
    const s = await store.all<{ value: string }>(
      "SELECT value FROM evm_transfers WHERE from_addr = $1 AND asset = 'ETH'",
      [EXPLOITER],
    )
    expect(s.reduce((a, x) => a + BigInt(x.value), 0n)).toBe(400_001n * 10n ** 18n)
    const unverified = await store.all<{ asset: string; verified: boolean; decimals_source: string }>(
      'SELECT asset, verified, decimals_source FROM evm_assets',
    )
    expect(unverified.length).toBeGreaterThan(5)
    expect(unverified.every((a) => !a.verified && a.decimals_source === 'assumed')).toBe(true)
  })

  it('the phvaz header is accepted as is and gives the same rows', async () => {
    const s2 = await HoundStore.open(':memory:')
    const r = await importTransfersCsv(s2, dataPath('flows/bybit_2025_trace_5hops_phvaz.csv'))
    expect(r.format).toBe('phvaz')
    const q = 'SELECT tx_hash, from_addr, to_addr, asset, value FROM evm_transfers ORDER BY ALL'
    expect(await s2.all(q)).toEqual(await store.all(q))
    s2.close()
  })

  it('traces forward from the exploiter and reaches all 51 FBI-listed addresses (poison and haircut)', async () => {
    expect(new Set(fbi).size).toBe(51)
    const set = await loadAccountTransferSet(store)
    for (const policy of ['poison', 'haircut'] as const) {
      const res = traceAccounts(set, { policy, seeds: [EXPLOITER], maxOutputs: 1_000_000 })
      const reached = new Set(res.outputs.filter((o) => BigInt(o.amount) > 0n).map((o) => o.to))
      const missing = fbi.filter((a) => !reached.has(a))
      expect(missing, `${policy} misses ${missing.join(',')}`).toEqual([])
      // every endpoint amount is a decimal string of wei; hops ≥ 1; paths start at an exploiter tx
      for (const e of res.endpoints) {
        expect(e.amount).toMatch(/^\d+$/)
        expect(e.path.length).toBeGreaterThan(0)
      }
      expect(res.taintedIn.find((a) => a.asset === 'ETH')!.amount).toBe((400_001n * 10n ** 18n).toString())
    }
  })
})

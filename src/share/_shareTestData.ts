/**
 * Test-only: the OFAC Lazarus Group addresses (27307) from the derived CSV of the 2025-11-19 issue as labels,
 * plus helpers to write bundles to temp files and run a test against a fresh in-memory store.
 * @internal
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dataPath } from '../core/_testData.js'
import type { LabelInput } from '../intel/labels.js'
import { parseCsvRecords } from '../intel/parseCsv.js'
import { HoundStore } from '../store/HoundStore.js'

export const OFAC_CSV = 'ofac/ofac_sdn_digital_currency_addresses_with_entities_2025-11-19.csv'

const TICKER_CHAIN: Record<string, string> = {
  XBT: 'btc',
  ETH: 'evm-1',
  LTC: 'ltc',
  XMR: 'xmr',
  BSC: 'evm-56',
  ARB: 'evm-42161',
}

/** OFAC SDN Lazarus Group rows as labels (sanctioned, official_list, clear). */
export function lazarusLabels(): LabelInput[] {
  const { records } = parseCsvRecords(readFileSync(dataPath(OFAC_CSV), 'utf8'), OFAC_CSV)
  return records
    .filter((r) => r.sdn_primary_name === 'Lazarus Group')
    .map((r) => ({
      chain: TICKER_CHAIN[r.currency!] ?? r.currency!.toLowerCase(),
      address: r.address!,
      category: 'sanctioned' as const,
      entity: r.sdn_primary_name!,
      source: 'ofac-sdn',
      confidence: 'official_list' as const,
      tlp: 'clear' as const,
      validFrom: r.sdn_entry_date!,
      asset: r.currency!,
      reference: `ofac:${r.sdn_profile_id}`,
    }))
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'hound-share-'))
}

export function writeTemp(dir: string, name: string, content: string): string {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}

/** Runs a test body against a fresh in-memory store and a new temp dir; the store is closed afterwards. */
export async function withStore(body: (s: HoundStore, dir: string) => Promise<void>): Promise<void> {
  const s = await HoundStore.open(':memory:')
  const dir = tempDir()
  try {
    await body(s, dir)
  } finally {
    s.close()
  }
}

/** withStore with a second fresh in-memory store (A exports, B imports, say); both are closed afterwards. */
export async function withStores(body: (a: HoundStore, b: HoundStore, dir: string) => Promise<void>): Promise<void> {
  await withStore(async (a, dir) => {
    const b = await HoundStore.open(':memory:')
    try {
      await body(a, b, dir)
    } finally {
      b.close()
    }
  })
}

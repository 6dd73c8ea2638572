/**
 * End-to-end: the real CLI (dist/cli/main.js) ingesting from a live Hardhat node and importing an explorer
 * CSV; JSON summaries, exit codes for bad usage.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createWalletClient, http } from 'viem'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dataPath, hasSharedData } from '../core/_testData.js'
import { type HardhatNode, startHardhat } from '../evm/_testHardhat.js'
import { HoundStore } from '../store/HoundStore.js'
import { hound } from './_runHound.js'

describe('hound ingest evm / ingest transfers', () => {
  let node: HardhatNode
  const dir = mkdtempSync(join(tmpdir(), 'hound-cli-evm-'))
  beforeAll(async () => {
    node = await startHardhat()
    const w = createWalletClient({ transport: http(node.url) })
    const [a, b, c] = await w.getAddresses()
    await w.sendTransaction({ account: a!, to: b!, value: 10n ** 18n, chain: null })
    await w.sendTransaction({ account: b!, to: c!, value: 5n * 10n ** 17n, chain: null })
  }, 120_000)
  afterAll(async () => {
    await node?.stop()
  })

  test('ingest evm --rpc … --json: blocks, txs and transfers; a second run resumes with nothing to do', async () => {
    const db = join(dir, 'a.duckdb')
    const r = await hound(['--db', db, 'ingest', 'evm', '--rpc', node.url, '--json', '--quiet'])
    expect(r.code, r.stderr).toBe(0)
    const s = JSON.parse(r.stdout)
    expect(s).toMatchObject({ chain: 'evm-31337', chainId: 31337, blocks: 3, txs: 2, transfers: 2, tip: 2, reorgs: 0 })
    const again = JSON.parse(
      (await hound(['--db', db, 'ingest', 'evm', '--rpc', node.url, '--json', '--quiet'])).stdout,
    )
    expect(again).toMatchObject({ blocks: 0, tip: 2 })
    const store = await HoundStore.open(db, { readOnly: true })
    const v = await store.all<{ value: string }>('SELECT value FROM evm_transfers ORDER BY block')
    store.close()
    expect(v.map((x) => x.value)).toEqual(['1000000000000000000', '500000000000000000'])
  })

  test('ingest transfers <csv> --json imports the documented header exactly', async () => {
    const csv = join(dir, 't.csv')
    writeFileSync(
      csv,
      'chain,tx_hash,block,time,from,to,asset,amount\n' +
        `ethereum,0x${'a'.repeat(64)},100,2025-02-21T14:29:47Z,0x${'1'.repeat(40)},0x${'2'.repeat(40)},ETH,10000.5\n` +
        `1,0x${'b'.repeat(64)},101,2025-02-21T14:30:00Z,0x${'2'.repeat(40)},0x${'3'.repeat(40)},0x${'c'.repeat(40)},0.000001\n`,
    )
    const db = join(dir, 'b.duckdb')
    const r = await hound(['--db', db, 'ingest', 'transfers', csv, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 2, txs: 2, chains: ['evm-1'], format: 'documented' })
    const store = await HoundStore.open(db, { readOnly: true })
    const v = await store.all<{ value: string; time: bigint }>('SELECT value, time FROM evm_transfers ORDER BY block')
    store.close()
    expect(v).toEqual([
      { value: '10000500000000000000000', time: 1740148187n },
      { value: '1000000000000', time: 1740148200n },
    ])
  })

  test.skipIf(!hasSharedData)(
    'hound trace with an EVM seed: the Bybit exploiter reaches all 51 FBI addresses (JSON, text, all policies)',
    async () => {
      const db = join(dir, 'bybit.duckdb')
      const imp = await hound([
        '--db',
        db,
        'ingest',
        'transfers',
        dataPath('flows/bybit_2025_trace_5hops_phvaz.csv'),
        '--json',
      ])
      expect(imp.code, imp.stderr).toBe(0)
      const r = await hound([
        '--db',
        db,
        'trace',
        '--from',
        '0x47666Fab8bd0Ac7003bce3f5C3585383F09486E2',
        '--policy',
        'haircut',
        '--json',
      ])
      expect(r.code, r.stderr).toBe(0)
      const res = JSON.parse(r.stdout)
      expect(res).toMatchObject({ policy: 'haircut', direction: 'forward', model: 'account' })
      const reached = new Set(res.outputs.map((o: { to: string }) => o.to))
      const fbi = (await import('node:fs'))
        .readFileSync(dataPath('flows/fbi_psa250226_bybit_eth_addresses.csv'), 'utf8')
        .split('\n')
        .slice(1)
        .filter(Boolean)
        .map((l) => l.split(',')[0]!.toLowerCase())
      expect(fbi.filter((a) => !reached.has(a))).toEqual([])
      for (const e of res.endpoints) expect(typeof e.amount).toBe('string')
      const t = await hound([
        '--db',
        db,
        'trace',
        '--from',
        '0x47666fab8bd0ac7003bce3f5c3585383f09486e2',
        '--policy',
        'all',
      ])
      expect(t.code, t.stderr).toBe(0)
      for (const p of ['poison', 'haircut', 'fifo', 'lifo', 'dirty-first', 'clean-first'])
        expect(t.stdout).toContain(`policy ${p}:`)
      // backward from an FBI-listed address (hound trace --direction backward): same JSON shape, attribution conserved
      const back = await hound([
        '--db',
        db,
        'trace',
        '--from',
        fbi[0]!,
        '--direction',
        'backward',
        '--policy',
        'haircut',
        '--json',
      ])
      expect(back.code, back.stderr).toBe(0)
      const bres = JSON.parse(back.stdout)
      expect(bres).toMatchObject({ policy: 'haircut', direction: 'backward', model: 'account' })
      expect(bres.endpoints.length).toBeGreaterThan(0)
      for (const e of bres.endpoints) expect(typeof e.amount).toBe('string')
      for (const x of bres.taintedIn as { asset: string; amount: string }[]) {
        const got = (bres.endpoints as { asset: string; amount: string }[])
          .filter((e) => e.asset === x.asset)
          .reduce((s, e) => s + BigInt(e.amount), 0n)
        expect(got, x.asset).toBe(BigInt(x.amount))
      }
      const bad = await hound(['--db', db, 'trace', '--from', `0x${'9'.repeat(40)}`, '--json'])
      expect(bad.code).toBe(1)
      expect(JSON.parse(bad.stdout).error.code).toBe('HOUND_ERR_NOT_FOUND')
    },
  )

  test('usage errors exit 2 with a stable code', async () => {
    const r = await hound(['ingest', 'evm', '--rpc', 'ftp://x', '--json'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout).error.code).toBe('HOUND_ERR_USAGE')
    const csv = join(dir, 'bad.csv')
    writeFileSync(csv, 'a,b,c\n1,2,3\n')
    const b = await hound(['--db', join(dir, 'c.duckdb'), 'ingest', 'transfers', csv, '--json'])
    expect(b.code).toBe(2)
    expect(JSON.parse(b.stdout).error.code).toBe('HOUND_ERR_INVALID_INPUT')
  })
})

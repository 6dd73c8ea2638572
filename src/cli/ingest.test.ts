/**
 * End-to-end tests of `hound ingest btc`, `stats`, `tx` and `address`: the real CLI (dist/cli/main.js) spawned
 * on real blocks, bad inputs, a real RPC test node, and a SIGKILL mid-ingest.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nbitcoinBlocks, startTestRpcServer } from '../btc/_testRpcServer.js'
import { dataPath, repoRoot } from '../core/_testData.js'
import { storeDigest } from '../store/_testDigest.js'
import { HoundStore } from '../store/HoundStore.js'
import { ensureBuilt as ensureBuiltFrom } from './_runHound.js'

const main = join(repoRoot, 'dist/cli/main.js')
const nbitcoin = dataPath('btc/nbitcoin')
const HAL_TX = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16'

type Run = { code: number; stdout: string; stderr: string }

function hound(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [main, ...args], { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d) => {
      stdout += d
    })
    p.stderr.on('data', (d) => {
      stderr += d
    })
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

const json = (r: Run): unknown => JSON.parse(r.stdout)

async function digest(db: string): Promise<Record<string, string>> {
  const s = await HoundStore.open(db, { readOnly: true })
  try {
    return await storeDigest(s)
  } finally {
    s.close()
  }
}

const ensureBuilt = () =>
  ensureBuiltFrom([
    'cli/ingest.ts',
    'cli/stats.ts',
    'cli/tx.ts',
    'cli/address.ts',
    'ingest/BtcIngestor.ts',
    'store/btcTx.ts',
  ])

const frame = (b: Uint8Array, magic = [0xf9, 0xbe, 0xb4, 0xd9]) => {
  const out = new Uint8Array(8 + b.length)
  out.set(magic, 0)
  new DataView(out.buffer).setUint32(4, b.length, true)
  out.set(b, 8)
  return out
}
const concat = (parts: Uint8Array[]) => Buffer.concat(parts.map((p) => Buffer.from(p)))

describe('hound ingest btc / stats / tx / address', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hound-cli-'))
  const full = join(dir, 'full.duckdb')
  beforeAll(async () => {
    ensureBuilt()
    const r = await hound(['ingest', 'btc', '--blocks', nbitcoin, '--db', full, '--json'])
    expect(r.code, r.stderr).toBe(0)
  }, 180_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('600 blocks, 616 txs; stats JSON shape exact; re-running resumes with nothing to do', async () => {
    const stats = {
      blocks: 600,
      txs: 616,
      inputs: 625,
      outputs: 627,
      addresses: 614,
      tipHeight: 599,
      tipHash: '0000000042844571bc6bce8e1c0fbec99466971eaff89fef8c0d123582181d4d',
    }
    expect(json(await hound(['stats', '--json', '--db', full]))).toEqual(stats)
    const again = await hound(['ingest', 'btc', '--blocks', nbitcoin, '--db', full, '--json'])
    expect(again.code).toBe(0)
    expect(json(again)).toMatchObject({ resumedFrom: 599, blocks: 0, txs: 0, tipHeight: 599 })
    expect(json(await hound(['stats', '--json', '--db', full]))).toEqual(stats)
    // HOUND_DB is the default store
    expect(json(await hound(['stats', '--json'], { HOUND_DB: full }))).toEqual(stats)
  })

  test('tx JSON: block 170 spends block 9 coinbase and pays Hal Finney 10 BTC', async () => {
    const r = await hound(['tx', HAL_TX, '--json', '--db', full])
    expect(r.code).toBe(0)
    expect(json(r)).toEqual({
      txid: HAL_TX,
      blockHash: '00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee',
      height: 170,
      time: 1231731025,
      coinbase: false,
      fee: 0,
      inputs: [
        {
          prevTxid: '0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9',
          prevVout: 0,
          value: 5_000_000_000,
          address: '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S',
        },
      ],
      outputs: [
        {
          n: 0,
          value: 1_000_000_000,
          scriptType: 'p2pk',
          address: '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3',
          spentBy: null,
        },
        {
          n: 1,
          value: 4_000_000_000,
          scriptType: 'p2pk',
          address: '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S',
          spentBy: { txid: 'a16f3ce4dd5deb92d98ef5cf8afeaf0775ebca408f708b2146c4fb42b41e14be', vin: 0 },
        },
      ],
    })
    // the funding coinbase (block 9): coinbase input shape, output spent by Hal's tx
    const cb = json(
      await hound(['tx', '0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9', '--json', '--db', full]),
    ) as {
      coinbase: boolean
      height: number
      inputs: unknown[]
      outputs: { spentBy: unknown }[]
    }
    expect(cb.coinbase).toBe(true)
    expect(cb.height).toBe(9)
    expect(cb.inputs).toEqual([{ prevTxid: '0'.repeat(64), prevVout: 4294967295, value: null, address: null }])
    expect(cb.outputs[0]!.spentBy).toEqual({ txid: HAL_TX, vin: 0 })
    const human = await hound(['tx', HAL_TX, '--db', full])
    expect(human.stdout).toContain('10.00000000')
  })

  test('address JSON; malformed address exit 2, unknown address exit 1, unknown tx exit 1', async () => {
    const r = await hound(['address', '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S', '--json', '--db', full])
    expect(r.code).toBe(0)
    const a = json(r) as Record<string, unknown>
    expect(Object.keys(a).sort()).toEqual(
      [
        'address',
        'addressId',
        'balance',
        'firstSeen',
        'lastSeen',
        'outputs',
        'outputsTruncated',
        'received',
        'spent',
      ].sort(),
    )
    expect(a.firstSeen).toEqual({ height: 9, time: expect.any(Number) })
    const outs = a.outputs as { value: number; spentBy: unknown }[]
    expect(a.received).toEqual({ outputs: outs.length, value: outs.reduce((x, o) => x + o.value, 0) })
    const spent = outs.filter((o) => o.spentBy !== null)
    expect(a.spent).toEqual({ outputs: spent.length, value: spent.reduce((x, o) => x + o.value, 0) })
    expect(a.received).toEqual({ outputs: 6, value: 19_500_000_000 })
    expect(a.balance).toBe((a.received as { value: number }).value - (a.spent as { value: number }).value)
    expect((a.outputs as { txid: string }[])[0]).toMatchObject({
      txid: '0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9',
      n: 0,
      value: 5_000_000_000,
      height: 9,
      spentBy: { txid: HAL_TX, vin: 0, height: 170 },
    })
    const bad = await hound(['address', '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3T', '--json', '--db', full])
    expect(bad.code).toBe(2)
    expect(json(bad)).toMatchObject({ error: { code: 'HOUND_ERR_INVALID_INPUT' } })
    const unknown = await hound(['address', '1BitcoinEaterAddressDontSendf59kuE', '--db', full])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('HOUND_ERR_NOT_FOUND')
    expect((await hound(['tx', 'ab'.repeat(32), '--db', full])).code).toBe(1)
    expect((await hound(['tx', 'xyz', '--db', full])).code).toBe(2)
  })

  test('--help on every command; usage errors exit 2', async () => {
    for (const c of [['ingest'], ['ingest', 'btc'], ['stats'], ['tx'], ['address']]) {
      const r = await hound([...c, '--help'])
      expect(r.code, c.join(' ')).toBe(0)
      expect(r.stdout).toContain('Usage:')
    }
    expect((await hound(['ingest', 'btc', '--db', join(dir, 'u.duckdb')])).code).toBe(2)
    expect(
      (await hound(['ingest', 'btc', '--blocks', nbitcoin, '--to', 'x', '--db', join(dir, 'u.duckdb')])).code,
    ).toBe(2)
    expect((await hound(['ingest', 'btc', '--blocks', nbitcoin, '--network', 'moon'])).code).toBe(2)
  })

  test('a different chain into the same store is refused clearly (exit 2), store unchanged', async () => {
    const db = join(dir, 'other.duckdb')
    expect((await hound(['ingest', 'btc', '--blocks', nbitcoin, '--to', '5', '--db', db])).code).toBe(0)
    const before = (await hound(['stats', '--json', '--db', db])).stdout
    const srv = await startTestRpcServer({ chain: 'test' }) // a node that says it is on testnet
    try {
      const r = await hound(['ingest', 'btc', '--rpc', srv.url, '--db', db])
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toContain("holds chain 'btc'")
    } finally {
      await srv.close()
    }
    expect((await hound(['stats', '--json', '--db', db])).stdout).toBe(before)
  })

  test('bad input: cut, wrong magic, bad merkle, garbage, truncated block: exit 1, store unchanged', async () => {
    const db = join(dir, 'bad.duckdb')
    expect((await hound(['ingest', 'btc', '--blocks', nbitcoin, '--to', '598', '--db', db])).code).toBe(0)
    const before = await hound(['stats', '--json', '--db', db])
    const blocks = nbitcoinBlocks()
    const base = concat(blocks.slice(0, 599).map((b) => frame(b)))
    const last = blocks[599]!
    const badMerkle = Uint8Array.from(last)
    badMerkle[40]! ^= 1
    const garbage = Uint8Array.from(last)
    for (let i = 80; i < garbage.length; i++) garbage[i] = (i * 7919) & 0xff
    const cases: Record<string, Buffer> = {
      cut: concat([base, frame(last).subarray(0, 8 + last.length / 2)]),
      magic: concat([base, frame(last, [0x0b, 0x11, 0x09, 0x08])]),
      merkle: concat([base, frame(badMerkle)]),
      garbage: concat([base, frame(garbage)]),
      truncated: concat([base, frame(last.subarray(0, last.length - 10))]),
    }
    mkdirSync(join(dir, 'bad'), { recursive: true })
    for (const [name, bytes] of Object.entries(cases)) {
      const f = join(dir, 'bad', `${name}.dat`)
      writeFileSync(f, bytes)
      const r = await hound(['ingest', 'btc', '--blocks', f, '--db', db, '--json'])
      expect(r.code, `${name}: ${r.stderr}`).toBe(1)
      expect((json(r) as { error: { code: string } }).error.code, name).toMatch(
        /HOUND_ERR_(DECODE|MERKLE_MISMATCH|SOURCE)/,
      )
      expect(r.stderr, name).toContain(f)
      expect((await hound(['stats', '--json', '--db', db])).stdout, name).toBe(before.stdout)
    }
  }, 60_000)

  test('RPC: ingest over RPC equals ingest from files; an RPC that fails or sends malformed JSON: exit 1, store unchanged', async () => {
    const srv = await startTestRpcServer()
    try {
      const db = join(dir, 'rpc.duckdb')
      const r = await hound(['ingest', 'btc', '--rpc', srv.url, '--db', db, '--json'])
      expect(r.code, r.stderr).toBe(0)
      expect(await digest(db)).toEqual(await digest(full))

      const db2 = join(dir, 'rpc2.duckdb')
      expect((await hound(['ingest', 'btc', '--rpc', srv.url, '--to', '99', '--db', db2])).code).toBe(0)
      const before = (await hound(['stats', '--json', '--db', db2])).stdout
      srv.setFaults({ failFirst: Number.POSITIVE_INFINITY, failWith: 'malformed' })
      const bad = await hound(['ingest', 'btc', '--rpc', srv.url, '--db', db2, '--json'])
      expect(bad.code, bad.stderr).toBe(1)
      expect((await hound(['stats', '--json', '--db', db2])).stdout).toBe(before)
      srv.setFaults({})
      const wrongPass = srv.url.replace(srv.password.replaceAll(' ', '%20'), 'nope')
      const auth = await hound(['ingest', 'btc', '--rpc', wrongPass, '--db', db2])
      expect(auth.code).toBe(1)
      expect((await hound(['stats', '--json', '--db', db2])).stdout).toBe(before)
    } finally {
      await srv.close()
    }
  }, 120_000)

  test('SIGKILL mid-ingest, then rerun: identical store to an uninterrupted run', async () => {
    const db = join(dir, 'kill.duckdb')
    const child: ChildProcess = spawn(
      process.execPath,
      [main, 'ingest', 'btc', '--blocks', nbitcoin, '--batch-blocks', '10', '--db', db, '--quiet'],
      { env: { ...process.env, HOUND_TEST_BATCH_DELAY_MS: '100' }, stdio: ['ignore', 'ignore', 'pipe'] },
    )
    // wait until a batch at height ≥ 200 is committed, then kill without warning (mid-run: more batches follow)
    let committed = -1
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        for (const m of d.toString().matchAll(/test: committed (\d+)/g)) committed = Number(m[1])
        if (committed >= 200) resolve()
      })
      child.once('exit', () => reject(new Error('ingest finished before it could be killed')))
    })
    child.kill('SIGKILL')
    await new Promise((r) => child.once('close', r))
    const partial = await hound(['stats', '--json', '--db', db])
    const tip = (json(partial) as { tipHeight: number | null }).tipHeight
    expect(tip).toBeGreaterThanOrEqual(200)
    expect(tip).toBeLessThan(599)
    const again = await hound(['ingest', 'btc', '--blocks', nbitcoin, '--db', db, '--json'])
    expect(again.code, again.stderr).toBe(0)
    expect(await digest(db)).toEqual(await digest(full))
  }, 60_000)
})

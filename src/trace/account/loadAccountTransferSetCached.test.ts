import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, hound } from '../../cli/_runHound.js'
import { hasSharedData } from '../../core/_testData.js'
import { rollbackAbove } from '../../evm/ingestEvm.js'
import { HoundStore } from '../../store/HoundStore.js'
import { BRIDGE, DEST, MIXER, PAIR, richStore, TOKB, TX, X } from './_testRichStore.js'
import { setView } from './_testSetView.js'
import { type FeeConvention, KIND_ERC20, linkKinds } from './AccountTransferSet.js'
import { accountStoreFingerprint, loaderModules } from './accountStoreFingerprint.js'
import { loadAccountTransferSet } from './loadAccountTransferSet.js'
import { loadAccountTransferSetCached, snapshotFile } from './loadAccountTransferSetCached.js'

describe('loaderModules: the code hash covers the loader', () => {
  it('every module the loader and the snapshot reader import at run time is hashed (or cannot shape the set)', () => {
    const here = new URL('.', import.meta.url)
    const key = (u: URL) => relative(fileURLToPath(here), fileURLToPath(u)).replace(/\.ts$/, '')
    // raise errors or run DDL only: nothing they do ends up in a loaded set
    const inert = new Set(['../../core/errors', '../../store/evmSchema'])
    const seen = new Set<string>()
    const todo = ['loadAccountTransferSet', 'accountSetSnapshot'].map((m) => new URL(`${m}.ts`, here))
    for (let u = todo.pop(); u; u = todo.pop()) {
      const k = key(u)
      if (seen.has(k) || inert.has(k)) continue
      seen.add(k)
      for (const [, spec] of readFileSync(u, 'utf8').matchAll(/^import (?!type )[^;]*? from '(\.[^']*)\.js'/gm))
        todo.push(new URL(`${spec}.ts`, u))
    }
    const listed = new Set(loaderModules.map((m) => m.replace(/^\.\//, '')))
    expect([...seen].filter((m) => !listed.has(m))).toEqual([])
  })
})

const probes = [TX.swap, TX.avax, '0x'.padEnd(66, '0'), 'withdrawal:0:0']

describe.skipIf(!hasSharedData)('loadAccountTransferSetCached: the snapshot beside a real store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hound-acct-cache-'))
  const path = join(dir, 'rich.duckdb')
  let store: HoundStore
  beforeAll(async () => {
    store = await richStore(path)
  }, 60_000)
  afterAll(() => {
    store?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Load through the cache; the set must equal the SQL-built one whatever the cache did. */
  async function cached(fee: FeeConvention = 'last', s = store) {
    const r = await loadAccountTransferSetCached(s, { fee })
    const want = await loadAccountTransferSet(s, { fee })
    expect(setView(r.set, probes)).toStrictEqual(setView(want, probes))
    return r
  }
  const missThenHit = async (reason: RegExp) => {
    const r = await cached()
    expect(r.snapshot.status).toBe('miss')
    expect(r.snapshot.reason).toMatch(reason)
    expect(r.snapshot.written).toBe(true)
    expect((await cached()).snapshot.status).toBe('hit')
    return r
  }

  it('the store holds what the snapshot must carry: ERC-20, fees, swap/mixer/bridge links, wide values, odd tx ids', async () => {
    const s = await loadAccountTransferSet(store)
    expect(s.n).toBeGreaterThan(300)
    expect(s.kind.includes(KIND_ERC20)).toBe(true)
    expect(s.kind.includes(3)).toBe(true) // fee rows
    const kinds = new Set([...s.linkFrom].flatMap((f, p) => (f >= 0 ? [linkKinds[s.linkKind[p]!]] : [])))
    expect([...kinds].sort()).toEqual(['bridge', 'mixer', 'swap'])
    expect(s.linkInfo.size).toBe(2) // mixer and bridge evidence
    expect(s.bridgeDestinations.size).toBe(1)
    expect([...s.pools.values()].sort()).toEqual(['bridge', 'mixer', 'swap'])
    expect(s.value.some((v) => v >= 2n ** 128n)).toBe(true)
    expect(s.value.some((v) => v >= 2n ** 64n && v < 2n ** 128n)).toBe(true)
    expect(s.txIdsOf('withdrawal:0:0')).toEqual([])
    expect(
      Array.from({ length: s.txHashes.length }, (_, i) => s.txHashes[i]).some((h) => h?.startsWith('withdrawal:')),
    ).toBe(true)
    expect(s.assets.some((a) => a.unverified && a.symbol === 'USDT')).toBe(true)
    expect(s.addressIndex.has(DEST) && s.addressIndex.has(MIXER) && s.addressIndex.has(BRIDGE)).toBe(true)
  })

  it('first load builds from SQL and writes the snapshot; the next reads it: equal sets, each fee convention its own file', async () => {
    for (const fee of ['last', 'first', 'ignore'] as const) {
      const first = await cached(fee)
      expect(first.snapshot).toMatchObject({ status: 'miss', reason: 'absent', written: true })
      expect(first.snapshot.file).toBe(snapshotFile(path, fee, []))
      const second = await cached(fee)
      expect(second.snapshot).toMatchObject({ status: 'hit', written: false, buildMs: 0 })
    }
    expect(readdirSync(`${path}.cache`).sort()).toEqual(['account-first.bin', 'account-ignore.bin', 'account-last.bin'])
    // the conventions give different sets, so a file of one must never serve another
    const f = (fee: FeeConvention) => snapshotFile(path, fee, [])
    writeFileSync(f('last'), readFileSync(f('first')))
    const r = await cached('last')
    expect(r.snapshot).toMatchObject({ status: 'miss', reason: 'built for other options', written: true })
    expect((await cached('ignore')).set.n).toBeLessThan(r.set.n)
  })

  it('invalidated by a new transfer, a reorg rollback, and a changed pool, link, asset, event or fee row', async () => {
    await cached()
    const stale = /^stale: the store changed$/
    await store.run(
      `INSERT INTO evm_transfers (chain, block, time, tx_index, sub_index, tx_hash, kind, from_addr, to_addr, asset, value, source)
       SELECT 'evm-1', max(block) + 100, max(time) + 1200, 0, 0, '0x${'9'.repeat(64)}', 0, $1, $2, 'ETH', '5', 'rpc'
       FROM evm_transfers WHERE chain = 'evm-1'`,
      [X, DEST],
    )
    expect((await missThenHit(stale)).set.txIdsOf(`0x${'9'.repeat(64)}`)).toHaveLength(1)
    // reorg: everything above the bridge deposit's block goes (the withdrawal and the wide ERC-20 row too)
    const b = (await store.one<{ b: bigint }>('SELECT block AS b FROM evm_transfers WHERE tx_hash = $1', [TX.bridge]))!
      .b
    const before = (await cached()).set.n
    await rollbackAbove(store, 'evm-1', Number(b))
    expect((await missThenHit(stale)).set.n).toBe(before - 3)
    await store.run(`UPDATE evm_pools SET role = 'service' WHERE address = $1`, [PAIR])
    await missThenHit(stale)
    await store.run('UPDATE evm_links SET confidence = 0.5')
    await missThenHit(stale)
    await store.run(`UPDATE evm_assets SET symbol = 'TOKB' WHERE asset = $1`, [TOKB]) // token metadata refresh
    expect((await missThenHit(stale)).set.assets.find((a) => a.asset === TOKB)?.symbol).toBe('TOKB')
    await store.run(`DELETE FROM evm_events WHERE kind = 'mixer-withdrawal'`)
    expect((await missThenHit(stale)).set.linkInfo.size).toBe(1)
    await store.run(`UPDATE evm_txs SET fee = '1' WHERE hash = $1`, [TX.deposit])
    await missThenHit(stale)
    // a column the loader does not read changes nothing it loads: the snapshot stays valid
    await store.run(`UPDATE evm_transfers SET source = 'csv' WHERE to_addr = $1`, [X])
    expect((await cached()).snapshot.status).toBe('hit')
  })

  it('a corrupted, truncated, foreign or future-version snapshot is ignored and rebuilt, never an error', async () => {
    const file = snapshotFile(path, 'last', [])
    await cached()
    const good = readFileSync(file)
    const flip = (at: (b: Buffer) => number) => (b: Buffer) => {
      b[at(b)]! ^= 0x10
      return b
    }
    const damage: [string, (b: Buffer) => Buffer, RegExp][] = [
      ['flip a payload byte', flip((b) => b.length >> 1), /payload checksum/],
      ['flip the last byte', flip((b) => b.length - 1), /payload checksum/],
      ['flip a header byte', flip(() => 60), /not a snapshot or damaged header/],
      ['truncate', (b) => b.subarray(0, b.length - 1000), /^length|payload|section/],
      ['truncate to the prefix', (b) => b.subarray(0, 20), /not a snapshot/],
      ['future version', (b) => b.fill(Buffer.from([99, 0, 0, 0]), 8, 12), /not a snapshot/],
      ['not a snapshot', () => Buffer.from('{"hello":"world"}'), /not a snapshot/],
    ]
    for (const [what, f, reason] of damage) {
      writeFileSync(file, f(Buffer.from(good)))
      const r = await cached()
      expect(r.snapshot.status, what).toBe('miss')
      expect(r.snapshot.reason, what).toMatch(reason)
      expect(r.snapshot.written, what).toBe(true)
      expect(readFileSync(file).equals(good), what).toBe(true) // rebuilt byte for byte
    }
    truncateSync(file, 0)
    expect((await cached()).snapshot.status).toBe('miss')
    // a directory where the file should be: read fails, write fails, the load still succeeds
    rmSync(file)
    mkdirSync(file)
    const r = await cached()
    expect(r.snapshot).toMatchObject({ status: 'miss', written: false })
    expect(r.snapshot.reason).toMatch(/^unreadable: EISDIR; not written: E/)
    rmSync(file, { recursive: true })
    expect(readdirSync(`${path}.cache`).filter((n) => n.includes('.tmp-'))).toEqual([]) // no temporary left
  })

  it('a write removes the temporary files of killed writers, not those of live processes', async () => {
    const file = snapshotFile(path, 'last', [])
    await cached()
    const dead = spawnSync(process.execPath, ['-e', '']).pid! // exited: its pid names no process now
    const names = [dead, process.pid, process.ppid].map((pid) => `account-last.bin.tmp-${pid}-k1ll3d`)
    for (const n of names) writeFileSync(join(`${path}.cache`, n), 'partial')
    rmSync(file)
    expect((await cached()).snapshot.written).toBe(true)
    const left = readdirSync(`${path}.cache`).filter((n) => n.includes('.tmp-'))
    expect(left.sort()).toEqual(names.slice(1).sort())
    for (const n of left) rmSync(join(`${path}.cache`, n))
  })

  it('an unwritable location or a read-only store only skips the write; :memory: and --no-cache use none', async () => {
    const file = snapshotFile(path, 'last', [])
    await cached()
    const fp = await accountStoreFingerprint(store)
    store.close()
    // read-only (screen, serve): reads a valid snapshot, never writes one
    const ro = await HoundStore.open(path, { readOnly: true })
    try {
      expect(await accountStoreFingerprint(ro)).toBe(fp)
      expect((await cached('last', ro)).snapshot.status).toBe('hit')
      rmSync(file)
      const r = await cached('last', ro)
      expect(r.snapshot).toMatchObject({ status: 'miss', written: false })
      expect(r.snapshot.reason).toMatch(/read-only/)
      expect(existsSync(file)).toBe(false)
    } finally {
      ro.close()
    }
    store = await HoundStore.open(path)
    // the cache directory cannot be created (a file is in the way)
    rmSync(`${path}.cache`, { recursive: true })
    writeFileSync(`${path}.cache`, 'not a directory')
    const r = await cached()
    expect(r.snapshot).toMatchObject({ status: 'miss', written: false })
    expect(r.snapshot.reason).toMatch(/not written: (EEXIST|ENOTDIR)/)
    rmSync(`${path}.cache`)
    // cache off: nothing read or written
    const off = await loadAccountTransferSetCached(store, { cache: false })
    expect(off.snapshot).toMatchObject({ status: 'off', file: null, written: false })
    expect(existsSync(`${path}.cache`)).toBe(false)
    const mem = await HoundStore.open(':memory:')
    try {
      await mem.run(
        `ATTACH '${path}' AS src (READ_ONLY); CREATE TABLE evm_transfers AS FROM src.evm_transfers; DETACH src`,
      )
      const m = await loadAccountTransferSetCached(mem)
      expect(m.snapshot).toMatchObject({ status: 'off', file: null })
      expect(m.set.n).toBeGreaterThan(300)
    } finally {
      mem.close()
    }
  })

  it('hound trace gives byte-identical JSON with and without the snapshot (cold, warm, --no-cache)', async () => {
    ensureBuilt([
      'cli/trace.ts',
      'trace/account/runAccountTrace.ts',
      'trace/account/loadAccountTransferSetCached.ts',
      'trace/account/accountSetSnapshot.ts',
      'trace/account/accountStoreFingerprint.ts',
      'trace/account/txHashColumns.ts',
      'trace/account/loadAccountTransferSet.ts',
    ])
    store.close()
    rmSync(`${path}.cache`, { recursive: true, force: true })
    const file = snapshotFile(path, 'last', [])
    const noMs = (s: string) => s.replace(/"ms": \d+/g, '"ms": 0')
    try {
      for (const args of [
        ['--from', X, '--policy', 'all', '--json'],
        ['--from', X, '--direction', 'backward', '--policy', 'fifo', '--json'],
        ['--from', TX.swap, '--policy', 'haircut'],
      ]) {
        rmSync(file, { force: true })
        const cold = await hound(['--db', path, 'trace', ...args])
        expect(cold.code, cold.stderr).toBe(0)
        expect(existsSync(file)).toBe(true)
        const written = statSync(file).mtimeMs
        const warm = await hound(['--db', path, 'trace', ...args])
        const none = await hound(['--db', path, 'trace', ...args, '--no-cache'])
        expect(noMs(warm.stdout)).toBe(noMs(cold.stdout))
        expect(noMs(none.stdout)).toBe(noMs(cold.stdout))
        expect(statSync(file).mtimeMs).toBe(written) // warm and --no-cache runs did not rewrite it
      }
    } finally {
      store = await HoundStore.open(path)
    }
  }, 60_000)
})

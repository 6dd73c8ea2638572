/**
 * The snapshot on a store written by `hound ingest evm` from a live Hardhat node playing the laundering scenario
 * (src/evm/_testScenario.ts: theft, fan-out, ERC-20s, a fake token, a Uniswap-v2 swap, mixer deposits and
 * withdrawals, THORChain bridge deposits, gas fees on every transaction).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, hound } from '../../cli/_runHound.js'
import { type HardhatNode, startHardhat } from '../../evm/_testHardhat.js'
import { playScenario, type Scenario } from '../../evm/_testScenario.js'
import { EvmRpc } from '../../evm/EvmRpc.js'
import { ingestEvm, rollbackAbove } from '../../evm/ingestEvm.js'
import { HoundStore } from '../../store/HoundStore.js'
import { setView } from './_testSetView.js'
import { linkKinds } from './AccountTransferSet.js'
import { loadAccountTransferSet } from './loadAccountTransferSet.js'
import { loadAccountTransferSetCached, snapshotFile } from './loadAccountTransferSetCached.js'

describe('loadAccountTransferSetCached: a store ingested from a live Hardhat node', () => {
  let node: HardhatNode
  let sc: Scenario
  let store: HoundStore
  const dir = mkdtempSync(join(tmpdir(), 'hound-acct-cache-hh-'))
  const path = join(dir, 'scenario.duckdb')
  beforeAll(async () => {
    node = await startHardhat()
    sc = await playScenario(node.url)
    store = await HoundStore.open(path)
    await ingestEvm(store, new EvmRpc(node.url), {})
  }, 180_000)
  afterAll(async () => {
    store?.close()
    await node?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('for every fee convention the snapshot gives the SQL-built set, links and evidence included', async () => {
    for (const fee of ['last', 'first', 'ignore'] as const) {
      const want = await loadAccountTransferSet(store, { fee })
      const probes = sc.txs.map((t) => t.hash.toLowerCase())
      const cold = await loadAccountTransferSetCached(store, { fee })
      const warm = await loadAccountTransferSetCached(store, { fee })
      expect([cold.snapshot.status, cold.snapshot.written, warm.snapshot.status]).toEqual(['miss', true, 'hit'])
      expect(setView(warm.set, probes)).toStrictEqual(setView(want, probes))
      expect(setView(cold.set, probes)).toStrictEqual(setView(want, probes))
      const kinds = new Set([...want.linkFrom].flatMap((f, p) => (f >= 0 ? [linkKinds[want.linkKind[p]!]] : [])))
      expect([...kinds].sort()).toEqual(['mixer', 'swap']) // bridge links need the other chain in the store
      expect(want.bridgeDestinations.size).toBe(2) // BTC and Avalanche, named by the THORChain memos
      expect(want.assets.some((a) => a.asset === sc.contracts.fake && a.symbol === 'ЕТН')).toBe(true)
    }
  })

  it('hound trace JSON is identical cold, warm and with --no-cache', async () => {
    store.close()
    ensureBuilt([
      'cli/trace.ts',
      'trace/account/loadAccountTransferSetCached.ts',
      'trace/account/accountSetSnapshot.ts',
    ])
    const noMs = (s: string) => s.replace(/"ms": \d+/g, '"ms": 0')
    try {
      for (const args of [
        ['--from', sc.accounts.thief!, '--policy', 'all', '--json'],
        ['--from', sc.txs.find((t) => t.label === 'deposit sweep')!.hash, '--direction', 'backward', '--json'],
      ]) {
        rmSync(snapshotFile(path, 'last', []), { force: true })
        const cold = await hound(['--db', path, 'trace', ...args])
        expect(cold.code, cold.stderr).toBe(0)
        expect(existsSync(snapshotFile(path, 'last', []))).toBe(true)
        const warm = await hound(['--db', path, 'trace', ...args])
        const none = await hound(['--db', path, 'trace', ...args, '--no-cache'])
        expect(JSON.parse(cold.stdout).runs ?? JSON.parse(cold.stdout).endpoints).not.toHaveLength(0)
        expect(noMs(warm.stdout)).toBe(noMs(cold.stdout))
        expect(noMs(none.stdout)).toBe(noMs(cold.stdout))
      }
    } finally {
      store = await HoundStore.open(path)
    }
  }, 60_000)

  it('a reorg rollback of the last block (rollbackAbove, as ingest does) invalidates it', async () => {
    const top = Number((await store.one<{ b: bigint }>('SELECT max(block) AS b FROM evm_transfers'))!.b)
    await loadAccountTransferSetCached(store) // the CLI's snapshot is for the compiled loader (another code hash)
    expect((await loadAccountTransferSetCached(store)).snapshot.status).toBe('hit')
    await rollbackAbove(store, 'evm-31337', top - 1)
    const r = await loadAccountTransferSetCached(store)
    expect(r.snapshot).toMatchObject({ status: 'miss', reason: 'stale: the store changed', written: true })
    expect(setView(r.set)).toStrictEqual(setView(await loadAccountTransferSet(store)))
    expect((await loadAccountTransferSetCached(store)).snapshot.status).toBe('hit')
  })
})

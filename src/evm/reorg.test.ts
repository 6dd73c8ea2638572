/**
 * Reorg while following: the test replaces the last blocks on a live Hardhat node (evm_snapshot /
 * evm_revert, then different transactions) while `ingestEvm` follows the tip, and checks that the store
 * then matches the new chain exactly, with nothing from the orphaned blocks left.
 */
import { type Address, createPublicClient, createWalletClient, http } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HoundStore } from '../store/HoundStore.js'
import { type HardhatNode, startHardhat } from './_testHardhat.js'
import { EvmRpc } from './EvmRpc.js'
import { type IngestEvmStats, ingestEvm } from './ingestEvm.js'

describe('reorg while following a live node', () => {
  let node: HardhatNode
  let store: HoundStore
  beforeAll(async () => {
    node = await startHardhat()
    store = await HoundStore.open(':memory:')
  }, 120_000)
  afterAll(async () => {
    store?.close()
    await node?.stop()
  })

  it('rolls back orphaned blocks (same height and longer replacement chains) and matches the new chain', async () => {
    const pub = createPublicClient({ transport: http(node.url) })
    const w = createWalletClient({ transport: http(node.url) })
    const [a, b, c, d] = (await w.getAddresses()) as Address[]
    const pay = async (to: Address, value: bigint) =>
      pub.waitForTransactionReceipt({ hash: await w.sendTransaction({ account: a!, to, value, chain: null }) })
    for (let i = 1n; i <= 3n; i++) await pay(b!, i)
    const snap = (await pub.request({ method: 'evm_snapshot' as never, params: [] as never })) as string

    const ac = new AbortController()
    let last: IngestEvmStats | null = null
    const run = ingestEvm(store, new EvmRpc(node.url), {
      follow: true,
      confirmations: 0,
      pollMs: 50,
      batchBlocks: 2,
      signal: ac.signal,
      onProgress: (s) => {
        last = s
      },
    })
    const tip = async () => Number(await pub.getBlockNumber({ cacheTime: 0 })) // viem caches it for 4 s by default
    const caughtUp = async () => {
      for (let i = 0; i < 400; i++) {
        const cp = await store.one<{ number: bigint; hash: string }>('SELECT number, hash FROM evm_checkpoint')
        const n = await tip()
        if (cp && Number(cp.number) === n) {
          const blk = await pub.getBlock({ blockNumber: BigInt(n) })
          if (blk.hash === cp.hash) return
        }
        await new Promise((r) => setTimeout(r, 50))
      }
      throw new Error('ingest did not catch up')
    }
    // old branch: 3 more blocks paying b (blocks 4–6)
    for (let i = 4n; i <= 6n; i++) await pay(b!, i)
    await caughtUp()
    expect((await store.one<{ n: bigint }>('SELECT count(*) AS n FROM evm_txs'))!.n).toBe(6n)

    // reorg 1: same height — revert to block 3, mine 3 different blocks paying c
    await pub.request({ method: 'evm_revert' as never, params: [snap] as never })
    const snap2 = (await pub.request({ method: 'evm_snapshot' as never, params: [] as never })) as string
    for (let i = 1n; i <= 3n; i++) await pay(c!, 100n + i)
    await caughtUp()
    // reorg 2: longer — revert again to block 3, mine 5 blocks paying d
    await pub.request({ method: 'evm_revert' as never, params: [snap2] as never })
    for (let i = 1n; i <= 5n; i++) await pay(d!, 200n + i)
    await caughtUp()
    ac.abort()
    const stats = await run
    expect(stats.reorgs).toBeGreaterThanOrEqual(2)
    expect(last).not.toBeNull()

    // the store equals the node's chain, block by block
    const n = await tip()
    // the node's final chain: blocks 1–3 pay b, the rest pay d (201, 202, …)
    const nodeTransfers: [string, string][] = []
    for (let i = 1; i <= n; i++) {
      const blk = await pub.getBlock({ blockNumber: BigInt(i), includeTransactions: true })
      for (const t of blk.transactions) nodeTransfers.push([t.to!.toLowerCase(), String(t.value)])
    }
    expect(nodeTransfers.slice(0, 3)).toEqual([1, 2, 3].map((v) => [b!.toLowerCase(), String(v)]))
    expect(nodeTransfers.some(([to]) => to === c!.toLowerCase())).toBe(false)
    const blocks = await store.all<{ number: bigint; hash: string; parent_hash: string }>(
      'SELECT number, hash, parent_hash FROM evm_blocks ORDER BY number',
    )
    expect(blocks.length).toBe(n + 1)
    for (const row of blocks) {
      const blk = await pub.getBlock({ blockNumber: row.number })
      expect(row.hash).toBe(blk.hash)
      expect(row.parent_hash).toBe(blk.parentHash)
    }
    const txs = await store.all<{ hash: string; block: bigint }>('SELECT hash, block FROM evm_txs ORDER BY block')
    const nodeTxs: string[] = []
    for (let i = 1; i <= n; i++)
      nodeTxs.push(...((await pub.getBlock({ blockNumber: BigInt(i) })).transactions as string[]))
    expect(txs.map((t) => t.hash)).toEqual(nodeTxs)
    // nothing orphaned: no transfer to b after block 3, none to c at all; d got 201..205 wei
    const to = await store.all<{ to_addr: string; value: string; block: bigint }>(
      'SELECT to_addr, value, block FROM evm_transfers ORDER BY block',
    )
    expect(to.map((t) => [t.to_addr, t.value])).toEqual(nodeTransfers)
    expect(n).toBe(8)
    expect(nodeTransfers.slice(3)).toEqual([201, 202, 203, 204, 205].map((v) => [d!.toLowerCase(), String(v)]))
    expect(
      (await store.one<{ n: bigint }>(
        'SELECT count(*) AS n FROM evm_transfers WHERE tx_hash NOT IN (SELECT hash FROM evm_txs)',
      ))!.n,
    ).toBe(0n)
  })
})

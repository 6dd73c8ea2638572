/**
 * `hound ingest evm`: ingest an EVM chain over JSON-RPC into the store, from a block range or following the
 * tip. Each batch of blocks is written in one store transaction together with the checkpoint, so a crash
 * leaves the store at a batch boundary.
 *
 * Reorgs: before a batch is written, its first block's parent hash must equal the stored hash of the block
 * below; while following, the stored tip's hash is also compared with the node's block at that height. On a
 * mismatch the ingest walks back to the highest block whose stored hash the node still has (the fork point),
 * deletes everything above it (blocks, transactions, transfers, events, links, pools first seen there), and
 * continues from there: nothing orphaned stays in the store. Only the last `confirmations` blocks below the
 * node's tip are left out, so a deep enough setting avoids most rollbacks.
 * @module
 */
import { NotSyncedError, SourceError } from '../core/errors.js'
import { ensureEvmSchema, recordEvmChain } from '../store/evmSchema.js'
import type { HoundStore } from '../store/HoundStore.js'
import type { EvmRpc } from './EvmRpc.js'
import { type FetchState, fetchEvmBlocks, type TraceMode } from './fetchEvmBlocks.js'
import { toHex } from './hex.js'
import { type EnrichCache, writeEvmBatch } from './writeEvmBatch.js'

export type IngestEvmOptions = {
  from?: number
  to?: number
  /** Keep following the tip until `signal` aborts. */
  follow?: boolean
  /** Blocks below the node's tip left out (default 0 for a range, 12 when following). */
  confirmations?: number
  /** Blocks per batch (one store transaction). Default 20. */
  batchBlocks?: number
  /**
   * Batches fetched ahead while the current one is decoded and written (default 2): the node works on the
   * next ranges instead of waiting for the store.
   */
  prefetch?: number
  /** Poll interval while following, ms. Default 2000. */
  pollMs?: number
  traceMode?: TraceMode | 'auto'
  signal?: AbortSignal
  onProgress?: (s: IngestEvmStats) => void
}

export type IngestEvmStats = {
  chain: string
  chainId: number
  from: number
  /** Last block written (or -1). */
  tip: number
  blocks: number
  txs: number
  transfers: number
  events: number
  reorgs: number
  rolledBack: number
  traceMode: string
  seconds: number
  /** Time spent waiting for the node (fetch + decode not overlapped with writing), and writing the store. */
  fetchSeconds: number
  writeSeconds: number
}

export async function ingestEvm(store: HoundStore, rpc: EvmRpc, o: IngestEvmOptions = {}): Promise<IngestEvmStats> {
  const t0 = performance.now()
  const chainId = Number(BigInt(await rpc.request<string>('eth_chainId')))
  await ensureEvmSchema(store)
  const chain = await recordEvmChain(store, chainId)
  const cp = await store.one<{ number: bigint; hash: string }>(
    'SELECT number, hash FROM evm_checkpoint WHERE chain = $1',
    [chain],
  )
  let next = o.from ?? (cp ? Number(cp.number) + 1 : 0)
  if (cp && o.from !== undefined && o.from <= Number(cp.number)) await rollbackAbove(store, chain, o.from - 1)
  const state: FetchState = { traceMode: o.traceMode ?? 'auto', blockReceipts: null }
  const cache: EnrichCache = { tokens: new Set(), pairTokens: new Map() }
  for (const r of await store.all<{ asset: string }>('SELECT asset FROM evm_assets WHERE chain = $1', [chain]))
    cache.tokens.add(r.asset)
  const stats: IngestEvmStats = {
    chain,
    chainId,
    from: next,
    tip: next - 1,
    blocks: 0,
    txs: 0,
    transfers: 0,
    events: 0,
    reorgs: 0,
    rolledBack: 0,
    traceMode: String(state.traceMode),
    seconds: 0,
    fetchSeconds: 0,
    writeSeconds: 0,
  }
  const conf = o.confirmations ?? (o.follow ? 12 : 0)
  const batch = Math.max(1, o.batchBlocks ?? 20)
  const sleep = (ms: number) =>
    new Promise<void>((res) => {
      const t = setTimeout(res, ms)
      o.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(t)
          res()
        },
        { once: true },
      )
    })

  type Pending = { from: number; to: number; p: Promise<Awaited<ReturnType<typeof fetchEvmBlocks>>> }
  // ranges being fetched ahead, in order; dropped whenever the plan changes (reorg, new target)
  let prefetch: Pending[] = []
  const depth = Math.max(0, o.prefetch ?? 2)
  let target = -1
  for (;;) {
    if (o.signal?.aborted) break
    if (next > target) {
      // Caught up with what we knew of the node: ask for its tip, and check our tip for a reorg at the
      // same or a lower height (the parent-hash check below catches reorgs under new blocks).
      const nodeTip = Number(BigInt(await rpc.request<string>('eth_blockNumber')))
      const stored = await store.one<{ number: bigint; hash: string }>(
        'SELECT number, hash FROM evm_checkpoint WHERE chain = $1',
        [chain],
      )
      if (stored && Number(stored.number) >= next - 1 && Number(stored.number) >= 0) {
        const h = await hashAt(rpc, Number(stored.number))
        if (h !== stored.hash) {
          next = (await rollbackToFork(store, rpc, chain, Number(stored.number), stats)) + 1
          prefetch = []
          continue
        }
      }
      target = Math.min(o.to ?? Number.POSITIVE_INFINITY, nodeTip - conf)
      if (next > target) {
        if (!o.follow || (o.to !== undefined && next > o.to)) break
        await sleep(o.pollMs ?? 2000)
        continue
      }
    }
    const hi = Math.min(next + batch - 1, target)
    // Pipelining: the next range is fetched while this one is decoded and written.
    const tf = performance.now()
    const head = prefetch[0]
    if (head && (head.from !== next || head.to !== hi)) prefetch = []
    const bundles = await (prefetch.shift()?.p ?? fetchEvmBlocks(rpc, next, hi, state))
    stats.fetchSeconds += (performance.now() - tf) / 1000
    if (state.traceMode !== 'auto') {
      let nf = prefetch.length ? prefetch[prefetch.length - 1]!.to + 1 : hi + 1
      while (prefetch.length < depth && nf <= target) {
        const nt = Math.min(nf + batch - 1, target)
        const p = fetchEvmBlocks(rpc, nf, nt, state)
        p.catch(() => {}) // a failure surfaces when (if) the range is awaited
        prefetch.push({ from: nf, to: nt, p })
        nf = nt + 1
      }
    }
    stats.traceMode = String(state.traceMode)
    // Parent-hash chain: first block against the store, the rest against each other.
    const below =
      next > 0
        ? await store.one<{ hash: string }>('SELECT hash FROM evm_blocks WHERE chain = $1 AND number = $2', [
            chain,
            next - 1,
          ])
        : undefined
    let broken = below !== undefined && bundles[0]!.block.parentHash !== below.hash
    for (let i = 1; i < bundles.length && !broken; i++)
      broken = bundles[i]!.block.parentHash !== bundles[i - 1]!.block.hash
    if (broken) {
      if (below !== undefined && bundles[0]!.block.parentHash !== below.hash)
        next = (await rollbackToFork(store, rpc, chain, next - 1, stats)) + 1
      prefetch = []
      target = -1
      continue // the node moved under us: fetch again
    }
    const last = bundles[bundles.length - 1]!.block
    const tw = performance.now()
    const w = await store.transaction(async () => {
      const s = await writeEvmBatch(store, rpc, chain, bundles, cache)
      await store.run(
        `INSERT INTO evm_checkpoint (chain, number, hash, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (chain) DO UPDATE SET number = excluded.number, hash = excluded.hash, updated_at = excluded.updated_at`,
        [chain, last.number, last.hash],
      )
      return s
    })
    stats.writeSeconds += (performance.now() - tw) / 1000
    stats.blocks += w.blocks
    stats.txs += w.txs
    stats.transfers += w.transfers
    stats.events += w.events
    stats.tip = last.number
    next = hi + 1
    stats.seconds = (performance.now() - t0) / 1000
    o.onProgress?.(stats)
  }
  stats.seconds = (performance.now() - t0) / 1000
  return stats
}

async function hashAt(rpc: EvmRpc, n: number): Promise<string | null> {
  const b = await rpc.request<{ hash: string } | null>('eth_getBlockByNumber', [toHex(n), false])
  return b ? b.hash.toLowerCase() : null
}

/** Walk back from `from` to the highest block whose stored hash the node still has; roll back above it. */
async function rollbackToFork(
  store: HoundStore,
  rpc: EvmRpc,
  chain: string,
  from: number,
  stats: IngestEvmStats,
): Promise<number> {
  let n = from
  for (; n >= 0; n--) {
    const s = await store.one<{ hash: string }>('SELECT hash FROM evm_blocks WHERE chain = $1 AND number = $2', [
      chain,
      n,
    ])
    if (!s) throw new NotSyncedError(`reorg deeper than the stored blocks (no block ${n} for ${chain})`)
    if ((await hashAt(rpc, n)) === s.hash) break
  }
  if (n < 0 && from >= 0) throw new SourceError(`${chain}: the node shares no block with the store (different chain?)`)
  stats.reorgs++
  stats.rolledBack += from - n
  await rollbackAbove(store, chain, n)
  return n
}

/** Delete every row of `chain` above block `n` (atomically) and move the checkpoint to n. */
export async function rollbackAbove(store: HoundStore, chain: string, n: number): Promise<void> {
  await store.transaction(async () => {
    await store.run(
      `DELETE FROM evm_links WHERE (chain_to = $1 AND tx_to IN (SELECT tx_hash FROM evm_transfers WHERE chain = $1 AND block > $2))
         OR (chain_from = $1 AND tx_from IN (SELECT tx_hash FROM evm_transfers WHERE chain = $1 AND block > $2))`,
      [chain, n],
    )
    await store.run(
      `DELETE FROM evm_pools p WHERE chain = $1 AND NOT EXISTS (SELECT 1 FROM evm_events e WHERE e.chain = $1 AND e.contract = p.address AND e.block <= $2)`,
      [chain, n],
    )
    for (const [t, col] of [
      ['evm_transfers', 'block'],
      ['evm_events', 'block'],
      ['evm_txs', 'block'],
      ['evm_blocks', 'number'],
    ] as const)
      await store.run(`DELETE FROM ${t} WHERE chain = $1 AND ${col} > $2`, [chain, n])
    const top = await store.one<{ number: bigint; hash: string }>(
      'SELECT number, hash FROM evm_blocks WHERE chain = $1 AND number = $2',
      [chain, n],
    )
    if (top)
      await store.run('UPDATE evm_checkpoint SET number = $2, hash = $3, updated_at = now() WHERE chain = $1', [
        chain,
        n,
        top.hash,
      ])
    else await store.run('DELETE FROM evm_checkpoint WHERE chain = $1', [chain])
  })
}

/**
 * The ingest pipeline: blocks from a source → decode (with merkle check) → atomic batches into the store.
 *
 * Resumes from the store's checkpoint: blocks at or below the stored tip are never re-read into the store.
 * A bad block (truncated, garbage, bad merkle root) or a failing source stops the run with the error; every
 * batch committed before it stays, nothing of the failing batch is written.
 * @module
 */

import { classifyScript } from '../btc/classifyScript.js'
import type { BtcNetwork } from '../btc/networks.js'
import { SourceError, UsageError } from '../core/errors.js'
import type { HoundStore } from '../store/HoundStore.js'
import { BtcIngestor } from './BtcIngestor.js'
import type { ColumnarBlock } from './columnarBlock.js'
import { DecodePool } from './DecodePool.js'
import { threadCpuSeconds } from './threadCpu.js'
import type { BtcBlockSource } from './types.js'

export type IngestBtcOptions = {
  network: BtcNetwork
  /** First height to ingest when the store is empty (default 0); ignored below the stored tip. */
  fromHeight?: number | undefined
  /** Last height to ingest (inclusive); default the source's tip. */
  toHeight?: number | undefined
  /** Blocks per atomic batch (default 500). A batch also closes once it holds `batchTxs` transactions. */
  batchBlocks?: number | undefined
  /** Transactions per atomic batch, at most (default 100,000). */
  batchTxs?: number | undefined
  signal?: AbortSignal | undefined
  /**
   * DuckDB buffer-pool cap while batches are written (DuckDB syntax, default '256MB'): keeps ingest RSS flat instead
   * of caching the growing database file in memory (appended blocks are already on disk, so evicting them is free).
   * Measured on a 5M-tx chain: RSS 1.2–1.3 GB from 2M to 5M txs with 256MB, 1.3 → 1.9 GB with 1GB, same CPU time.
   */
  memoryLimit?: string | undefined
  /**
   * DuckDB worker threads while batches are written (default 1): appends, commits and checkpoint compression then
   * run beside the decode worker and the main thread instead of competing with them for the cores (measured: ~0.6 µs
   * less CPU per transaction on 2 cores). The previous setting is restored at the end.
   */
  duckdbThreads?: number | undefined
  /** Decode worker threads (default: 1 when there are ≥ 2 cores, else decode in this thread). */
  decodeWorkers?: number | undefined
  /** Called after each committed batch. */
  onBatch?: ((p: IngestProgress) => void) | undefined
}

export type IngestProgress = {
  /** Blocks, transactions… written by this run so far. */
  blocks: number
  txs: number
  inputs: number
  outputs: number
  /** Inputs resolved late (their funding tx arrived after them). */
  lateResolved: number
  /** Last committed height (-1 when nothing is in the store). */
  height: number
  /** Height this run started at. */
  startHeight: number
  /**
   * Main-thread seconds spent waiting for the source, waiting for (or doing) decoding, and writing batches
   * (classify runs with decode; the write includes prevout resolution, appends and commit).
   */
  sourceSeconds: number
  decodeSeconds: number
  writeSeconds: number
  /** Split of writeSeconds: building rows, flushing appenders into DuckDB, commit. */
  writeSplit: { rows: number; flush: number; commit: number }
  /** Ingest's own off-heap tables after the last batch (UTXO index, address map): entries and bytes. */
  memory: { utxos: number; utxoBytes: number; addresses: number; addressBytes: number }
}

/**
 * CPU seconds of this run (user + system): all threads, the main thread, the decode workers; `other` is the rest
 * (DuckDB's threads, V8's GC helpers). Null where per-thread times are unavailable (not Linux).
 */
export type IngestCpu = { total: number; main: number; decode: number; other: number }

export type IngestSummary = IngestProgress & {
  cpu: IngestCpu | null
  /** Height of the store's tip before this run (-1 when it was empty). */
  resumedFrom: number
  tipHash: string | null
  seconds: number
}

/** Test hook: sleep this many ms after each committed batch and say so on stderr (to kill a run mid-way in tests). */
const batchDelayMs = Number(process.env.HOUND_TEST_BATCH_DELAY_MS ?? 0)

export async function ingestBtc(
  store: HoundStore,
  source: BtcBlockSource,
  opts: IngestBtcOptions,
): Promise<IngestSummary> {
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const main0 = threadCpuSeconds(process.pid)
  const network = opts.network
  const limit = opts.memoryLimit ?? '256MB'
  if (!/^\d+(\.\d+)?\s*[KMGT]i?B$/i.test(limit)) {
    throw new UsageError(`memory limit '${limit}' is not a size like 512MB or 2GB`, { details: { limit } })
  }
  const ing = await BtcIngestor.open(store, network, (s) => classifyScript(s, network))
  // both after open: rebuilding the in-memory state from a large store is a parallel, memory-hungry query
  const prevLimit = await store.one<{ m: string }>("SELECT current_setting('memory_limit') AS m")
  await store.run(`SET memory_limit = '${limit}'`)
  const threads = opts.duckdbThreads ?? 1
  if (!Number.isInteger(threads) || threads < 1) {
    throw new UsageError(`DuckDB threads must be a positive integer, got ${threads}`, { details: { threads } })
  }
  const prevThreads = await store.one<{ t: bigint | number }>("SELECT current_setting('threads') AS t")
  await store.run(`SET threads = ${threads}`)
  try {
    return await runIngest(source, opts, ing, t0, cpu0, main0)
  } finally {
    // both settings back as they were (best effort: a failure here must not hide the ingest's own error)
    if (prevThreads) await store.run(`SET threads = ${Number(prevThreads.t)}`).catch(() => {})
    if (prevLimit) await store.run(`SET memory_limit = '${prevLimit.m}'`).catch(() => {})
  }
}

async function runIngest(
  source: BtcBlockSource,
  opts: IngestBtcOptions,
  ing: BtcIngestor,
  t0: number,
  cpu0: NodeJS.CpuUsage,
  main0: number | null,
): Promise<IngestSummary> {
  const network = opts.network
  let decodeCpu: number | null = null
  const cp = ing.checkpoint
  const resumedFrom = cp?.height ?? -1
  const startHeight = cp ? Math.max(cp.height + 1, opts.fromHeight ?? 0) : (opts.fromHeight ?? 0)
  const progress: IngestProgress = {
    blocks: 0,
    txs: 0,
    inputs: 0,
    outputs: 0,
    lateResolved: 0,
    height: resumedFrom,
    startHeight,
    sourceSeconds: 0,
    decodeSeconds: 0,
    writeSeconds: 0,
    writeSplit: ing.timing,
    memory: ing.memory,
  }
  const cpuSplit = (): IngestCpu | null => {
    const c = process.cpuUsage(cpu0)
    const total = (c.user + c.system) / 1e6
    const main1 = threadCpuSeconds(process.pid)
    if (main0 === null || main1 === null) return null
    const main = main1 - main0
    const decode = decodeCpu ?? 0
    return { total, main, decode, other: Math.max(0, total - main - decode) }
  }
  const done = (): IngestSummary => ({
    ...progress,
    cpu: cpuSplit(),
    resumedFrom,
    tipHash: ing.checkpoint?.hash ?? null,
    seconds: (performance.now() - t0) / 1000,
  })
  if (opts.toHeight !== undefined && opts.toHeight < startHeight) return done()
  const maxBlocks = opts.batchBlocks ?? 500
  const maxTxs = opts.batchTxs ?? 100_000
  let batch: ColumnarBlock[] = []
  let batchTxs = 0
  let expect = startHeight
  const flush = async () => {
    if (batch.length === 0) return
    const tw = performance.now()
    const r = await ing.ingestColumnar(batch)
    progress.writeSeconds += (performance.now() - tw) / 1000
    progress.blocks += r.blocks
    progress.txs += r.txs
    progress.inputs += r.inputs
    progress.outputs += r.outputs
    progress.lateResolved += r.lateResolved
    progress.height = batch[batch.length - 1]!.height
    progress.memory = ing.memory
    batch = []
    batchTxs = 0
    opts.onBatch?.(progress)
    if (batchDelayMs > 0) {
      process.stderr.write(`test: committed ${progress.height}\n`)
      await new Promise((r) => setTimeout(r, batchDelayMs))
    }
  }
  const pool = new DecodePool(network, ing.addressSeeds, opts.decodeWorkers)
  const inFlight: { height: number; block: Promise<ColumnarBlock> }[] = []
  const maxInFlight = pool.threads > 0 ? 64 : 1
  const take = async () => {
    const next = inFlight.shift()!
    const td = performance.now()
    const block = await next.block
    progress.decodeSeconds += (performance.now() - td) / 1000
    batch.push(block)
    batchTxs += block.txCount
    if (batch.length >= maxBlocks || batchTxs >= maxTxs) await flush()
  }
  try {
    const iter = source.blocks({ fromHeight: startHeight, toHeight: opts.toHeight, signal: opts.signal })
    let ts = performance.now()
    for await (const raw of iter) {
      progress.sourceSeconds += (performance.now() - ts) / 1000
      if (
        raw.height !== expect &&
        !(progress.blocks === 0 && inFlight.length === 0 && batch.length === 0 && raw.height > expect)
      ) {
        throw new SourceError(`${source.describe()} gave height ${raw.height}, expected ${expect}`, {
          details: { height: raw.height, expected: expect },
        })
      }
      expect = raw.height + 1
      inFlight.push({ height: raw.height, block: pool.decode(raw) })
      while (inFlight.length >= maxInFlight) await take()
      if (opts.signal?.aborted) break
      ts = performance.now()
    }
    while (inFlight.length > 0) await take()
  } finally {
    decodeCpu = pool.workerCpuSeconds()
    await pool.close()
  }
  await flush()
  return done()
}

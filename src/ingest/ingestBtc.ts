/**
 * The ingest pipeline: blocks from a source → decode (with merkle check) → atomic batches into the store.
 *
 * Resumes from the store's checkpoint: blocks at or below the stored tip are never re-read into the store.
 * A bad block (truncated, garbage, bad merkle root) or a failing source stops the run with the error; every
 * batch committed before it stays, nothing of the failing batch is written.
 * @module
 */

import { classifyScript } from '../btc/classifyScript.js'
import { decodeBlock } from '../btc/decodeBlock.js'
import type { BtcNetwork } from '../btc/networks.js'
import { SourceError } from '../core/errors.js'
import type { HoundStore } from '../store/HoundStore.js'
import { BtcIngestor, type HeightBlock } from './BtcIngestor.js'
import type { BtcBlockSource, RawBlock } from './types.js'

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
}

export type IngestSummary = IngestProgress & {
  /** Height of the store's tip before this run (-1 when it was empty). */
  resumedFrom: number
  tipHash: string | null
  seconds: number
}

/** Test hook: milliseconds to sleep after each committed batch (used to kill a run mid-way in tests). */
const batchDelayMs = Number(process.env.HOUND_TEST_BATCH_DELAY_MS ?? 0)

export async function ingestBtc(
  store: HoundStore,
  source: BtcBlockSource,
  opts: IngestBtcOptions,
): Promise<IngestSummary> {
  const t0 = performance.now()
  const network = opts.network
  const ing = await BtcIngestor.open(store, network, (s) => classifyScript(s, network))
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
  }
  const done = (): IngestSummary => ({
    ...progress,
    resumedFrom,
    tipHash: ing.checkpoint?.hash ?? null,
    seconds: (performance.now() - t0) / 1000,
  })
  if (opts.toHeight !== undefined && opts.toHeight < startHeight) return done()
  const maxBlocks = opts.batchBlocks ?? 500
  const maxTxs = opts.batchTxs ?? 100_000
  let batch: HeightBlock[] = []
  let batchTxs = 0
  let expect = startHeight
  const flush = async () => {
    if (batch.length === 0) return
    const r = await ing.ingestBatch(batch)
    progress.blocks += r.blocks
    progress.txs += r.txs
    progress.inputs += r.inputs
    progress.outputs += r.outputs
    progress.lateResolved += r.lateResolved
    progress.height = batch[batch.length - 1]!.height
    batch = []
    batchTxs = 0
    opts.onBatch?.(progress)
    if (batchDelayMs > 0) await new Promise((r) => setTimeout(r, batchDelayMs))
  }
  const iter = source.blocks({ fromHeight: startHeight, toHeight: opts.toHeight, signal: opts.signal })
  for await (const raw of iter) {
    if (raw.height !== expect && !(progress.blocks === 0 && batch.length === 0 && raw.height > expect)) {
      throw new SourceError(`${source.describe()} gave height ${raw.height}, expected ${expect}`, {
        details: { height: raw.height, expected: expect },
      })
    }
    expect = raw.height + 1
    const block = decodeRaw(raw)
    batch.push({ height: raw.height, block })
    batchTxs += block.txs.length
    if (batch.length >= maxBlocks || batchTxs >= maxTxs) await flush()
    if (opts.signal?.aborted) break
  }
  await flush()
  return done()
}

/** Decode a raw block, naming its file and offset in errors, and check the source's hash claim. */
export function decodeRaw(raw: RawBlock): ReturnType<typeof decodeBlock> {
  const o = raw.origin
  const block =
    o.kind === 'file'
      ? decodeBlock(raw.bytes, { where: o.file, baseOffset: o.offset })
      : decodeBlock(raw.bytes, { where: `${o.url} block ${raw.height}` })
  if (raw.hash && block.header.hash !== raw.hash) {
    throw new SourceError(`block at height ${raw.height} hashes to ${block.header.hash}, source said ${raw.hash}`, {
      details: { height: raw.height },
    })
  }
  return block
}

/**
 * A BtcBlockSource over block files: Bitcoin Core blocks dirs (`blk*.dat`, with `xor.dat`), single blk files and
 * single-block raw or hex files, in any mix. The first call indexes everything (headers and positions only),
 * orders the blocks into the best chain, and only then yields, re-reading each block's bytes by position. So a
 * bad file anywhere (wrong magic, cut mid-block) fails before the first block is yielded.
 * @module
 */
import { type FileHandle, open, readdir, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { SourceError, UsageError } from '../core/errors.js'
import type { BlockSourceStats, BtcBlockSource, RawBlock } from '../ingest/types.js'
import { type BtcNetwork, getNetwork, networks } from './networks.js'
import { detectBlockFileKind, readRawBlockFile } from './rawBlockFile.js'
import { coinbaseHeight } from './readBlkCoinbaseHeight.js'
import { indexBlkFile, readBlkBytes, readXorKey } from './readBlkFile.js'
import { BlkIndexColumns } from './readBlkIndex.js'
import { sha256dInto } from './sha256dInto.js'
import type { BtcNetworkName } from './types.js'

export type ReadBlkDirOptions = {
  /** Expected network; detected from the blk magic when absent (mainnet for raw/hex files alone). */
  readonly network?: BtcNetworkName | undefined
  /** Height of the first block of the chain when it is not the genesis block. Else derived from BIP34. */
  readonly startHeight?: number | undefined
  /** Read runs kept in flight while yielding (default 4; a run is up to 4 MiB of adjacent blocks). */
  readonly readAhead?: number | undefined
}

/** Extended stats of a file source (a superset of BlockSourceStats). */
export type BlkDirStats = BlockSourceStats & {
  /** Second and later copies of a block already seen (ignored). */
  readonly duplicateBlocks: number
  /** Files indexed. */
  readonly files: number
  /** Blocks indexed (all files, every copy). */
  readonly blocksIndexed: number
}

type FileEntry = {
  readonly path: string
  readonly kind: 'framed' | 'hex' | 'raw'
  readonly xorKey: Uint8Array | null
  /** In-memory blocks of hex files (raw and framed files are re-read from disk). */
  readonly memory: Uint8Array[] | null
}

/** The result of the indexing pass. */
export type BlkDirIndex = {
  readonly network: BtcNetwork
  /** Height of the first block of the best chain. */
  readonly firstHeight: number
  /** Height of the last block of the best chain (firstHeight - 1 when empty). */
  readonly tipHeight: number
  /** Hash (display hex) of the best-chain block at `height`. */
  hashAt(height: number): string
  /** All best-chain hashes in height order (allocates; for tests and small sets). */
  hashes(): string[]
}

/** Open files of one iteration; few at a time, as the chain walks the files mostly in order. */
class HandleCache {
  private readonly open = new Map<number, Promise<FileHandle>>()
  /** `limit` must exceed the number of reads in flight. */
  constructor(private readonly limit = 8) {}
  get(fileId: number, path: string): Promise<FileHandle> {
    let h = this.open.get(fileId)
    if (h) {
      // Most recently used last: the handles of the runs in flight (fewer than `limit`) are never evicted.
      this.open.delete(fileId)
      this.open.set(fileId, h)
    } else {
      h = open(path, 'r')
      this.open.set(fileId, h)
      if (this.open.size > this.limit) {
        const [oldId, old] = this.open.entries().next().value!
        this.open.delete(oldId)
        old.then((f) => f.close()).catch(() => {})
      }
    }
    return h
  }
  async close(): Promise<void> {
    const hs = [...this.open.values()]
    this.open.clear()
    await Promise.all(hs.map((h) => h.then((f) => f.close()).catch(() => {})))
  }
}

/** Largest single read when yielding adjacent blocks. */
const RUN_BYTES = 4 * 1024 * 1024

const blkName = /^blk(\d+)\.dat$/

async function listBlkFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => blkName.test(n))
  names.sort((a, b) => Number(blkName.exec(a)![1]) - Number(blkName.exec(b)![1]))
  return names.map((n) => join(dir, n))
}

/**
 * Open a file source over `paths` (blocks dirs and/or files). Nothing is read until the first call to
 * `index()`, `tipHeight()` or `blocks()`.
 */
export function readBlkDir(paths: readonly string[], opts: ReadBlkDirOptions = {}): BlkDirSource {
  return new BlkDirSource(paths, opts)
}

export class BlkDirSource implements BtcBlockSource {
  private indexing: Promise<BlkDirIndex> | null = null
  private files: FileEntry[] = []
  private cols = new BlkIndexColumns()
  private chain: readonly number[] = []
  private st: BlkDirStats = { staleBlocks: 0, paddingBytes: 0, duplicateBlocks: 0, files: 0, blocksIndexed: 0 }
  private readonly paths: readonly string[]

  constructor(
    paths: readonly string[],
    private readonly opts: ReadBlkDirOptions = {},
  ) {
    if (paths.length === 0) throw new UsageError('no block files or directories given')
    if (opts.startHeight !== undefined && !(Number.isSafeInteger(opts.startHeight) && opts.startHeight >= 0)) {
      throw new UsageError(`startHeight must be a non-negative integer, got ${opts.startHeight}`)
    }
    this.paths = paths.map((p) => resolve(p))
  }

  describe(): string {
    if (this.paths.length === 1) return `block files ${this.paths[0]}`
    return `block files ${this.paths[0]} (+${this.paths.length - 1} more)`
  }

  /** Index all files and build the best chain (once; later calls return the same result). */
  index(): Promise<BlkDirIndex> {
    this.indexing ??= this.buildIndex()
    return this.indexing
  }

  async tipHeight(): Promise<number> {
    return (await this.index()).tipHeight
  }

  /** Height of the first block this source can yield. */
  async firstHeight(): Promise<number> {
    return (await this.index()).firstHeight
  }

  async network(): Promise<BtcNetworkName> {
    return (await this.index()).network.name
  }

  stats(): BlkDirStats {
    return this.st
  }

  /** Nothing to release: files are open only while `blocks()` iterates (closed when it ends or is abandoned). */
  async close(): Promise<void> {}

  /**
   * Blocks of the best chain from `fromHeight` (raised to the first height the files hold) to `toHeight`
   * (default: the tip), in order. Each block's header hash is re-checked against the index when it is read.
   */
  async *blocks(opts: {
    fromHeight: number
    toHeight?: number | undefined
    signal?: AbortSignal
  }): AsyncIterable<RawBlock> {
    const idx = await this.index()
    const first = idx.firstHeight
    const from = Math.max(opts.fromHeight, first) - first
    const to = Math.min(opts.toHeight ?? idx.tipHeight, idx.tipHeight) - first
    const ahead = Math.max(1, this.opts.readAhead ?? 4)
    const pending: Promise<RawBlock[]>[] = []
    const handles = new HandleCache(ahead + 4)
    let next = from
    const fill = (): void => {
      while (pending.length < ahead && next <= to) {
        const end = this.runEnd(next, to)
        const p = this.readRun(next, end, first, handles)
        p.catch(() => {}) // surfaced when awaited in order
        pending.push(p)
        next = end + 1
      }
    }
    try {
      fill()
      while (pending.length > 0) {
        const run = await pending.shift()!
        fill()
        for (const block of run) {
          opts.signal?.throwIfAborted()
          yield block
        }
      }
    } finally {
      await Promise.allSettled(pending)
      await handles.close()
    }
  }

  /** Last chain position of the run starting at `pos`: adjacent records of one file, up to RUN_BYTES. */
  private runEnd(pos: number, last: number): number {
    const c = this.cols
    let i = this.chain[pos]!
    let bytes = c.length[i]!
    let end = pos
    while (end < last && bytes < RUN_BYTES) {
      const j = this.chain[end + 1]!
      if (c.fileId[j] !== c.fileId[i] || c.offset[j] !== c.offset[i]! + c.length[i]! + 8) break
      if (this.files[c.fileId[j]!]!.memory) break
      bytes += c.length[j]! + 8
      end++
      i = j
    }
    return end
  }

  /** Read chain positions `a..b` (one run: one read), check each header hash against the index. */
  private async readRun(a: number, b: number, firstHeight: number, handles: HandleCache): Promise<RawBlock[]> {
    const c = this.cols
    const i0 = this.chain[a]!
    const f = this.files[c.fileId[i0]!]!
    const start = c.offset[i0]!
    let buf: Uint8Array | null = null
    if (!f.memory) {
      const ib = this.chain[b]!
      buf = await readBlkBytes(
        await handles.get(c.fileId[i0]!, f.path),
        f.path,
        start,
        c.offset[ib]! + c.length[ib]! - start,
        f.xorKey,
      )
    }
    const out: RawBlock[] = []
    const h = new Uint8Array(32)
    for (let pos = a; pos <= b; pos++) {
      const i = this.chain[pos]!
      const bytes = f.memory
        ? f.memory[c.slot[i]!]!
        : buf!.subarray(c.offset[i]! - start, c.offset[i]! - start + c.length[i]!)
      sha256dInto(bytes, 0, 80, h, 0)
      if (!c.hashEquals(i, h)) {
        throw new SourceError(`${f.path} changed since it was indexed: block at offset ${c.offset[i]} differs`, {
          details: { file: f.path, offset: c.offset[i] },
        })
      }
      out.push({
        height: firstHeight + pos,
        hash: c.hashHex(i),
        prevHash: c.prevHex(i),
        bytes,
        origin: { kind: 'file', file: f.path, offset: c.offset[i]! },
      })
    }
    return out
  }

  private async expand(): Promise<FileEntry[]> {
    const out: FileEntry[] = []
    const keys = new Map<string, Promise<Uint8Array | null>>()
    const keyFor = (dir: string): Promise<Uint8Array | null> => {
      let k = keys.get(dir)
      if (!k) keys.set(dir, (k = readXorKey(dir)))
      return k
    }
    for (const p of this.paths) {
      const s = await stat(p).catch((e: NodeJS.ErrnoException) => {
        throw new UsageError(`cannot read ${p}: ${e.code ?? e.message}`, { cause: e })
      })
      if (s.isDirectory()) {
        let files = await listBlkFiles(p)
        let dir = p
        if (files.length === 0) {
          // A Bitcoin Core datadir: its blocks live in blocks/.
          const sub = join(p, 'blocks')
          if (
            await stat(sub)
              .then((x) => x.isDirectory())
              .catch(() => false)
          ) {
            files = await listBlkFiles(sub)
            dir = sub
          }
        }
        if (files.length === 0) throw new UsageError(`no blk*.dat files in ${p}`)
        const xorKey = await keyFor(dir)
        for (const f of files) out.push({ path: f, kind: 'framed', xorKey, memory: null })
      } else {
        const key = await keyFor(dirname(p))
        let detected = await detectBlockFileKind(p, key)
        // A file named blk<N>.dat is a blk file even when it starts with padding (or garbage: then wrong magic).
        if (detected === 'raw' && blkName.test(basename(p))) detected = key ? 'framed-xor' : 'framed'
        const kind = detected === 'framed-xor' ? 'framed' : detected
        const xorKey = detected === 'framed-xor' ? key : null
        out.push({ path: p, kind, xorKey, memory: null })
      }
    }
    return out
  }

  private async buildIndex(): Promise<BlkDirIndex> {
    let network: BtcNetwork | null = this.opts.network ? getNetwork(this.opts.network) : null
    const files = await this.expand()
    const cols = new BlkIndexColumns()
    let paddingBytes = 0
    for (let fileId = 0; fileId < files.length; fileId++) {
      const f = files[fileId]!
      if (f.kind === 'framed') {
        const ix = await indexBlkFile(f.path, (header, offset, length) => cols.add(header, fileId, offset, length), {
          xorKey: f.xorKey,
          network,
        })
        network ??= ix.network
        paddingBytes += ix.paddingBytes
      } else {
        const blocks = await readRawBlockFile(f.path, f.kind)
        blocks.forEach((b, slot) => {
          cols.add(b.bytes, fileId, b.offset, b.bytes.length, slot)
        })
        files[fileId] = { ...f, memory: f.kind === 'hex' ? blocks.map((b) => b.bytes) : null }
      }
    }
    cols.trim()
    network ??= networks.mainnet
    const best = cols.best(network.genesisHash)
    this.files = files
    this.cols = cols
    this.chain = best.chain
    this.st = {
      staleBlocks: best.staleBlocks,
      paddingBytes,
      duplicateBlocks: best.duplicateBlocks,
      files: files.length,
      blocksIndexed: cols.n,
    }
    const firstHeight =
      best.chain.length === 0 ? (this.opts.startHeight ?? 0) : await this.startHeightOf(best.chain[0]!)
    const chain = best.chain
    return {
      network,
      firstHeight,
      tipHeight: firstHeight + chain.length - 1,
      hashAt: (height: number) => {
        const i = chain[height - firstHeight]
        if (i === undefined)
          throw new RangeError(`height ${height} is outside ${firstHeight}..${firstHeight + chain.length - 1}`)
        return cols.hashHex(i)
      },
      hashes: () => chain.map((i) => cols.hashHex(i)),
    }
  }

  private async startHeightOf(entryIndex: number): Promise<number> {
    const c = this.cols
    const hash = c.hashHex(entryIndex)
    const e = {
      fileId: c.fileId[entryIndex]!,
      slot: c.slot[entryIndex]!,
      offset: c.offset[entryIndex]!,
      length: c.length[entryIndex]!,
    }
    const isGenesis = Object.values(networks).some((n) => n.genesisHash === hash)
    const given = this.opts.startHeight
    if (isGenesis) {
      if (given !== undefined && given !== 0) {
        throw new UsageError(`startHeight ${given} given, but the chain starts at the genesis block (height 0)`)
      }
      return 0
    }
    if (given !== undefined) return given
    const f = this.files[e.fileId]!
    let bytes = f.memory?.[e.slot]
    if (!bytes) {
      const handles = new HandleCache()
      try {
        bytes = await readBlkBytes(await handles.get(e.fileId, f.path), f.path, e.offset, e.length, f.xorKey)
      } finally {
        await handles.close()
      }
    }
    const h = coinbaseHeight(bytes)
    if (h === null) {
      throw new UsageError(
        `the chain starts at block ${hash} (${f.path} offset ${e.offset}), not at genesis, and its height cannot ` +
          `be derived (block version < 2 or no BIP34 height in the coinbase): give the start height (--start-height)`,
        { details: { file: f.path, offset: e.offset } },
      )
    }
    return h
  }
}

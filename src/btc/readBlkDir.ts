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
import { decodeBlockHeader } from './decodeBlockHeader.js'
import { sha256d, toHexReversed } from './hash.js'
import { type BtcNetwork, getNetwork, networks } from './networks.js'
import { detectBlockFileKind, readRawBlockFile } from './rawBlockFile.js'
import { bestChain } from './readBlkChain.js'
import { coinbaseHeight } from './readBlkCoinbaseHeight.js'
import { indexBlkFile, readBlkBytes, readXorKey } from './readBlkFile.js'
import type { BtcNetworkName } from './types.js'

export type ReadBlkDirOptions = {
  /** Expected network; detected from the blk magic when absent (mainnet for raw/hex files alone). */
  readonly network?: BtcNetworkName | undefined
  /** Height of the first block of the chain when it is not the genesis block. Else derived from BIP34. */
  readonly startHeight?: number | undefined
  /** Blocks read ahead while yielding (default 4). */
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

type IndexEntry = {
  readonly hash: string
  readonly prevHash: string
  readonly fileId: number
  /** Offset of the block's first byte in the file (hex files: of its line; memory index in `slot`). */
  readonly offset: number
  readonly length: number
  readonly slot: number
}

/** The result of the indexing pass. */
export type BlkDirIndex = {
  readonly network: BtcNetwork
  /** Height of the first block of the best chain. */
  readonly firstHeight: number
  /** Height of the last block of the best chain (firstHeight - 1 when empty). */
  readonly tipHeight: number
  /** Block hashes of the best chain, in height order. */
  readonly hashes: readonly string[]
}

/** Open files of one iteration; few at a time, as the chain walks the files mostly in order. */
class HandleCache {
  private readonly open = new Map<number, Promise<FileHandle>>()
  get(fileId: number, path: string): Promise<FileHandle> {
    let h = this.open.get(fileId)
    if (!h) {
      h = open(path, 'r')
      this.open.set(fileId, h)
      if (this.open.size > 8) {
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
  private entries: IndexEntry[] = []
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
    const from = Math.max(opts.fromHeight, idx.firstHeight)
    const to = Math.min(opts.toHeight ?? idx.tipHeight, idx.tipHeight)
    const ahead = Math.max(1, this.opts.readAhead ?? 4)
    const pending: Promise<RawBlock>[] = []
    const handles = new HandleCache()
    let next = from
    const fill = (): void => {
      while (pending.length < ahead && next <= to) {
        const p = this.readBlock(next, idx.firstHeight, handles)
        p.catch(() => {}) // surfaced when awaited in order
        pending.push(p)
        next++
      }
    }
    try {
      fill()
      while (pending.length > 0) {
        opts.signal?.throwIfAborted()
        const block = await pending.shift()!
        fill()
        yield block
      }
    } finally {
      await Promise.allSettled(pending)
      await handles.close()
    }
  }

  private async readBlock(height: number, firstHeight: number, handles: HandleCache): Promise<RawBlock> {
    const e = this.entries[this.chain[height - firstHeight]!]!
    const f = this.files[e.fileId]!
    const bytes = f.memory
      ? f.memory[e.slot]!
      : await readBlkBytes(await handles.get(e.fileId, f.path), f.path, e.offset, e.length, f.xorKey)
    const hash = toHexReversed(sha256d(bytes.subarray(0, 80)))
    if (hash !== e.hash) {
      throw new SourceError(`${f.path} changed since it was indexed: block at offset ${e.offset} is ${hash}`, {
        details: { file: f.path, offset: e.offset },
      })
    }
    return { height, hash, prevHash: e.prevHash, bytes, origin: { kind: 'file', file: f.path, offset: e.offset } }
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
        const kind = await detectBlockFileKind(p)
        const xorKey = kind === 'framed' ? await keyFor(dirname(p)) : null
        out.push({ path: p, kind, xorKey, memory: null })
      }
    }
    return out
  }

  private async buildIndex(): Promise<BlkDirIndex> {
    let network: BtcNetwork | null = this.opts.network ? getNetwork(this.opts.network) : null
    const files = await this.expand()
    const entries: IndexEntry[] = []
    let paddingBytes = 0
    for (let fileId = 0; fileId < files.length; fileId++) {
      const f = files[fileId]!
      if (f.kind === 'framed') {
        const ix = await indexBlkFile(f.path, { xorKey: f.xorKey, network })
        network ??= ix.network
        paddingBytes += ix.paddingBytes
        for (const r of ix.records) {
          const { hash, prevHash } = r.header
          entries.push({ hash, prevHash, fileId, offset: r.offset, length: r.length, slot: 0 })
        }
      } else {
        const blocks = await readRawBlockFile(f.path, f.kind)
        const memory: Uint8Array[] = []
        blocks.forEach((b, slot) => {
          const h = decodeBlockHeader(b.bytes, 0, basename(f.path))
          entries.push({ hash: h.hash, prevHash: h.prevHash, fileId, offset: b.offset, length: b.bytes.length, slot })
          memory.push(b.bytes)
        })
        files[fileId] = { ...f, memory: f.kind === 'hex' ? memory : null }
      }
    }
    network ??= networks.mainnet
    const best = bestChain(entries, network.genesisHash)
    this.files = files
    this.entries = entries
    this.chain = best.chain
    this.st = {
      staleBlocks: best.staleBlocks,
      paddingBytes,
      duplicateBlocks: best.duplicateBlocks,
      files: files.length,
      blocksIndexed: entries.length,
    }
    const firstHeight =
      best.chain.length === 0 ? (this.opts.startHeight ?? 0) : await this.startHeightOf(best.chain[0]!)
    return {
      network,
      firstHeight,
      tipHeight: firstHeight + best.chain.length - 1,
      hashes: best.chain.map((i) => entries[i]!.hash),
    }
  }

  private async startHeightOf(entryIndex: number): Promise<number> {
    const e = this.entries[entryIndex]!
    const isGenesis = Object.values(networks).some((n) => n.genesisHash === e.hash)
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
        `the chain starts at block ${e.hash} (${f.path} offset ${e.offset}), not at genesis, and its height cannot ` +
          `be derived (block version < 2 or no BIP34 height in the coinbase): give the start height (--start-height)`,
        { details: { file: f.path, offset: e.offset } },
      )
    }
    return h
  }
}

/**
 * Test-only: every real mainnet block in ../shared/data/btc, with the facts data/README.md states about it
 * (tx counts, segwit counts, hashes where given). Used by the decoder tests and the benchmark's sanity check.
 * @internal
 */
import { readFileSync } from 'node:fs'
import { dataPath } from '../core/_testData.js'

export type RealBlock = {
  /** Path relative to data/ (also used as `where`). */
  readonly file: string
  /** The serialised block (a view into the file for framed files). */
  readonly bytes: Uint8Array
  /** Offset of the block inside its file. */
  readonly baseOffset: number
  readonly height: number | null
  readonly txCount: number | null
  readonly segwitCount: number | null
  readonly hash: string | null
}

type Spec = Omit<RealBlock, 'bytes' | 'baseOffset'> & { skip?: number }

const specs: Spec[] = [
  {
    file: 'btc/bcoin/block1.raw',
    height: 1,
    txCount: 1,
    segwitCount: 0,
    hash: '00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048',
  },
  { file: 'btc/bcoin/block300025.raw', height: 300025, txCount: 461, segwitCount: 0, hash: null },
  { file: 'btc/bcoin/block426884.raw', height: 426884, txCount: 409, segwitCount: 0, hash: null },
  { file: 'btc/bcoin/block482683.raw', height: 482683, txCount: 12, segwitCount: 2, hash: null },
  { file: 'btc/bitcoinj/block169482.dat', height: 169482, txCount: 14, segwitCount: 0, hash: null },
  { file: 'btc/bitcoinj/block227835.dat', height: 227835, txCount: 122, segwitCount: 0, hash: null },
  { file: 'btc/bitcoinj/block227836.dat', height: 227836, txCount: 100, segwitCount: 0, hash: null },
  { file: 'btc/bitcoinj/block363703.dat', height: 363703, txCount: 587, segwitCount: 0, hash: null },
  { file: 'btc/bitcoinj/block370661.dat', height: 370661, txCount: 708, segwitCount: 0, hash: null },
  { file: 'btc/bitcoinj/block383616.dat', height: 383616, txCount: 1731, segwitCount: 0, hash: null },
  { file: 'btc/bitcoinj/block481815.dat', height: 481815, txCount: 2097, segwitCount: 0, hash: null },
  { file: 'btc/bitcoinj/block481829.dat', height: 481829, txCount: 2020, segwitCount: 1, hash: null },
  {
    file: 'btc/btcd/277647.dat',
    skip: 8,
    height: 277647,
    txCount: 213,
    segwitCount: 0,
    hash: '0000000000000000054a714e580b16c583701712ab91060e92dbde6eb1e052a8',
  },
  {
    file: 'btc/btcd/block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk',
    height: 574200,
    txCount: 3315,
    segwitCount: 1341,
    hash: '0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2',
  },
  {
    file: 'btc/btcd/block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk',
    height: 540107,
    txCount: 230,
    segwitCount: 104,
    hash: '00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab',
  },
  { file: 'btc/bitcoin-s/block514485.raw', height: 514485, txCount: 2165, segwitCount: 621, hash: null },
  { file: 'btc/bitcoin-s/block514492.raw', height: 514492, txCount: 1044, segwitCount: 452, hash: null },
]

/** The single-block files (one block each; 277647.dat has an 8-byte magic+length prefix). */
export function singleBlocks(): RealBlock[] {
  return specs.map((s) => {
    const all = new Uint8Array(readFileSync(dataPath(s.file)))
    const skip = s.skip ?? 0
    return {
      file: s.file,
      bytes: all.subarray(skip),
      baseOffset: skip,
      height: s.height,
      txCount: s.txCount,
      segwitCount: s.segwitCount,
      hash: s.hash,
    }
  })
}

/**
 * A minimal Bitcoin Core blk-file walker for tests: [magic f9beb4d9][u32 LE length][block]… (the real reader with
 * padding and error handling is src/btc/readBlkFile.ts, owned by the sources engineer).
 */
export function framedBlocks(file: string): RealBlock[] {
  const all = new Uint8Array(readFileSync(dataPath(file)))
  const out: RealBlock[] = []
  let p = 0
  while (p + 8 <= all.length) {
    if (all[p] !== 0xf9 || all[p + 1] !== 0xbe || all[p + 2] !== 0xb4 || all[p + 3] !== 0xd9) {
      throw new Error(`bad magic in ${file} at ${p}`)
    }
    const len = (all[p + 4]! | (all[p + 5]! << 8) | (all[p + 6]! << 16) | (all[p + 7]! << 24)) >>> 0
    out.push({
      file,
      bytes: all.subarray(p + 8, p + 8 + len),
      baseOffset: p + 8,
      height: null,
      txCount: null,
      segwitCount: null,
      hash: null,
    })
    p += 8 + len
  }
  if (p !== all.length) throw new Error(`trailing bytes in ${file}`)
  return out
}

/** The first 600 mainnet blocks (heights 0–599) from NBitcoin's two blk files, heights filled in. */
export function first600Blocks(): RealBlock[] {
  const blocks = [...framedBlocks('btc/nbitcoin/blk00000.dat'), ...framedBlocks('btc/nbitcoin/blk00001.dat')]
  return blocks.map((b, height) => ({ ...b, height }))
}

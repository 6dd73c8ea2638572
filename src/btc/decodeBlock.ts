/**
 * Decode a serialised block (80-byte header, CompactSize tx count, transactions) and check its structure:
 * every byte belongs to a transaction (no truncation, no trailing bytes) and the merkle root recomputed from the
 * txids equals the header's. Consensus (scripts, amounts, PoW, witness commitment) is not validated.
 * @module
 */
import { MerkleMismatchError } from '../core/errors.js'
import { ByteReader } from './ByteReader.js'
import { decodeBlockHeader, HEADER_SIZE } from './decodeBlockHeader.js'
import { readTx } from './decodeTx.js'
import { toHexReversed } from './hash.js'
import { merkleRootFlat } from './merkle.js'
import type { BtcBlock, BtcTx } from './types.js'

export type DecodeBlockOptions = {
  /** Names the source in errors (usually the file name). Default `block`. */
  readonly where?: string | undefined
  /** Offset of `bytes[0]` inside its file, added to the offsets in errors. Default 0. */
  readonly baseOffset?: number | undefined
  /** Recompute the merkle root and compare it with the header. Default true. */
  readonly verifyMerkle?: boolean | undefined
}

/** Smallest serialised transaction: version, 1 input, 1 output, locktime (10 + 41 + 9, rounded down to be safe). */
const MIN_TX = 10

/**
 * Decode the block in `bytes` (exactly one block: trailing bytes are an error).
 * @throws DecodeError truncated block, garbage, trailing bytes (details: where, file, offset)
 * @throws MerkleMismatchError header merkle root differs from the transactions'
 *   (details: where, offset, expected, actual)
 */
export function decodeBlock(bytes: Uint8Array, opts: DecodeBlockOptions = {}): BtcBlock {
  return decodeBlockWith(bytes, opts, undefined).block
}

/** `decodeBlock` plus the raw bytes it computed on the way (for consumers that key on binary txids). */
export type RawDecodedBlock = {
  readonly block: BtcBlock
  /** The txids in internal byte order (as hashed; hex display order reversed), 32 bytes per transaction. */
  readonly txids: Uint8Array
  /**
   * For each input, in block order: the offset in the block's `bytes` of its 36-byte outpoint (previous txid in
   * internal byte order, then the 4-byte little-endian vout).
   */
  readonly prevouts: Uint32Array
}

/**
 * Decode like `decodeBlock` (same result, same checks and errors) and also return the binary txids and where each
 * input's outpoint sits in `bytes`, so that a caller keying on 32-byte txids need not parse the hex strings back.
 */
export function decodeBlockRaw(bytes: Uint8Array, opts: DecodeBlockOptions = {}): RawDecodedBlock {
  const prevouts: number[] = []
  const { block, txids } = decodeBlockWith(bytes, opts, prevouts)
  return { block, txids, prevouts: Uint32Array.from(prevouts) }
}

function decodeBlockWith(
  bytes: Uint8Array,
  opts: DecodeBlockOptions,
  prevouts: number[] | undefined,
): { block: BtcBlock; txids: Uint8Array } {
  const where = opts.where ?? 'block'
  const base = opts.baseOffset ?? 0
  const r = new ByteReader(bytes, 0, where, base)
  r.need(HEADER_SIZE, 'block header')
  const header = decodeBlockHeader(bytes, 0, where)
  r.pos = HEADER_SIZE
  const n = r.count('transaction count', MIN_TX)
  const hashes = new Uint8Array(n * 32)
  const txs: BtcTx[] = new Array(n)
  for (let i = 0; i < n; i++) txs[i] = readTx(r, hashes, i * 32, prevouts)
  if (r.pos !== bytes.length) {
    throw r.error(`${bytes.length - r.pos} trailing bytes after the last transaction`, r.pos, {
      field: 'trailing bytes',
      extra: bytes.length - r.pos,
    })
  }
  if (opts.verifyMerkle !== false) {
    const root = merkleRootFlat(hashes, n)
    for (let i = 0; i < 32; i++) {
      if (root[i] !== bytes[36 + i]) {
        const actual = toHexReversed(root)
        throw new MerkleMismatchError(
          `merkle root mismatch in ${where} at offset ${base + 36} (block ${header.hash}): ` +
            `header has ${header.merkleRoot}, transactions give ${actual}`,
          {
            details: { where, file: where, offset: base + 36, block: header.hash, expected: header.merkleRoot, actual },
          },
        )
      }
    }
  }
  return { block: { header, txs, size: bytes.length }, txids: hashes }
}

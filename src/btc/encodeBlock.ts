/**
 * Serialise Bitcoin blocks: the 80-byte header, the transaction list, the merkle root, the BIP141 witness
 * commitment in the coinbase and the BIP34 height push. `encodeBlock` builds a whole block from drafts; the lower-level
 * helpers let the simulator stream transactions into a buffer and assemble the block once the coinbase (which pays
 * the fees) is known.
 * @module
 */

import { ByteWriter, type TxDraft, type TxLayout, writeTx } from './encodeTx.js'
import { sha256d, toHexReversed } from './hash.js'
import { merkleRoot } from './merkle.js'

export type BlockHeaderDraft = {
  readonly version: number
  /** Previous block hash, internal byte order. */
  readonly prevHash: Uint8Array
  /** Merkle root, internal byte order. */
  readonly merkleRoot: Uint8Array
  readonly time: number
  readonly bits: number
  readonly nonce: number
}

/** The 80-byte header. */
export function encodeHeader(h: BlockHeaderDraft): Uint8Array {
  const out = new Uint8Array(80)
  const dv = new DataView(out.buffer)
  dv.setInt32(0, h.version, true)
  out.set(h.prevHash, 4)
  out.set(h.merkleRoot, 36)
  dv.setUint32(68, h.time >>> 0, true)
  dv.setUint32(72, h.bits >>> 0, true)
  dv.setUint32(76, h.nonce >>> 0, true)
  return out
}

/** The proof-of-work target of compact `bits`, as 32 big-endian bytes. */
export function targetFromBits(bits: number): Uint8Array {
  const exp = bits >>> 24
  const mant = bits & 0x7fffff
  const t = new Uint8Array(32)
  const mb = [(mant >>> 16) & 0xff, (mant >>> 8) & 0xff, mant & 0xff]
  for (let i = 0; i < 3; i++) {
    const pos = 32 - exp + i
    if (pos >= 0 && pos < 32) t[pos] = mb[i]!
  }
  return t
}

/** True when the header hash (internal order) is at or below the target of `bits`. */
export function meetsTarget(hashInternal: Uint8Array, bits: number): boolean {
  const t = targetFromBits(bits)
  for (let i = 0; i < 32; i++) {
    const h = hashInternal[31 - i]!
    if (h !== t[i]!) return h < t[i]!
  }
  return true
}

/**
 * Find a nonce whose header hash meets `bits` (practical only for easy targets such as regtest's 0x207fffff,
 * where about one hash in two qualifies). Returns the header bytes and hash (internal order).
 */
export function mineHeader(h: BlockHeaderDraft, maxTries = 1 << 20): { header: Uint8Array; hash: Uint8Array } {
  const header = encodeHeader(h)
  const dv = new DataView(header.buffer)
  let nonce = h.nonce >>> 0
  for (let i = 0; i < maxTries; i++) {
    dv.setUint32(76, nonce, true)
    const hash = sha256d(header)
    if (meetsTarget(hash, h.bits)) return { header, hash }
    nonce = (nonce + 1) >>> 0
  }
  throw new RangeError(`no nonce found in ${maxTries} tries for bits ${h.bits.toString(16)}`)
}

/** BIP34 coinbase height push (minimal CScriptNum, as Bitcoin Core's `CScript() << nHeight`). */
export function bip34HeightPush(height: number): Uint8Array {
  if (height === 0) return Uint8Array.of(0x00)
  if (height >= 1 && height <= 16) return Uint8Array.of(0x50 + height)
  const bytes: number[] = []
  let v = height
  while (v > 0) {
    bytes.push(v & 0xff)
    v = Math.floor(v / 256)
  }
  if ((bytes[bytes.length - 1]! & 0x80) !== 0) bytes.push(0)
  return Uint8Array.of(bytes.length, ...bytes)
}

/** The 32 zero bytes Bitcoin Core puts in the coinbase witness (BIP141 witness reserved value). */
export const WITNESS_RESERVED_VALUE: Uint8Array = new Uint8Array(32)

/**
 * The BIP141 witness commitment output script: OP_RETURN PUSH36 aa21a9ed ‖ sha256d(witness merkle root ‖ reserved),
 * where the witness merkle root is over the wtxids with the coinbase's replaced by zeros.
 */
export function witnessCommitmentScript(wtxidsWithoutCoinbase: readonly Uint8Array[]): Uint8Array {
  const root = merkleRoot([new Uint8Array(32), ...wtxidsWithoutCoinbase])
  const pre = new Uint8Array(64)
  pre.set(root, 0)
  pre.set(WITNESS_RESERVED_VALUE, 32)
  const c = sha256d(pre)
  const s = new Uint8Array(38)
  s.set([0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed], 0)
  s.set(c, 6)
  return s
}

export type EncodedBlock = {
  readonly bytes: Uint8Array
  /** Display-order hex. */
  readonly hash: string
  readonly hashBytes: Uint8Array
  readonly merkleRoot: Uint8Array
  readonly txids: readonly Uint8Array[]
}

/**
 * Serialise a block from transaction drafts (the first must be the coinbase). With `mine`, the nonce is searched
 * upward from `header.nonce` until the hash meets `bits` (regtest only); otherwise the nonce is used as given.
 */
export function encodeBlock(
  header: Omit<BlockHeaderDraft, 'merkleRoot'>,
  txs: readonly TxDraft[],
  opts: { mine?: boolean } = {},
): EncodedBlock {
  const body = new ByteWriter(1024)
  body.varint(txs.length)
  const layouts: TxLayout[] = txs.map((t) => writeTx(body, t))
  const txids = layouts.map((l) => l.txid)
  const root = merkleRoot(txids)
  const draft = { ...header, merkleRoot: root }
  const { header: h80, hash } = opts.mine ? mineHeader(draft) : { header: encodeHeader(draft), hash: undefined }
  const hashBytes = hash ?? sha256d(h80)
  const bodyBytes = body.bytes()
  const bytes = new Uint8Array(80 + bodyBytes.length)
  bytes.set(h80, 0)
  bytes.set(bodyBytes, 80)
  return { bytes, hash: toHexReversed(hashBytes), hashBytes, merkleRoot: root, txids }
}

/** One blk*.dat record: magic ‖ u32le length ‖ block. */
export function blkRecordPrefix(magic: Uint8Array, blockLength: number): Uint8Array {
  const p = new Uint8Array(8)
  p.set(magic, 0)
  new DataView(p.buffer).setUint32(4, blockLength, true)
  return p
}

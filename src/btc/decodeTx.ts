/**
 * Decode one transaction in the wire format: legacy or SegWit (BIP144: marker 0x00, flag 0x01, witnesses after
 * the outputs). Computes the txid over the non-witness serialisation (version | inputs+outputs | locktime) without
 * copying the transaction; the wtxid (over all of it) is computed on first access. Scripts and witness items are
 * views into `bytes`, and the wtxid getter reads `bytes` too: do not overwrite the buffer while using the result.
 *
 * Consensus rules are not checked (a transaction with no inputs, or spending more than it has, still decodes);
 * only the structure is. Truncation throws `DecodeError` naming `where` and the byte offset.
 * @module
 */
import { ByteReader } from './ByteReader.js'
import { toHexReversed } from './hash.js'
import { sha256dInto } from './sha256dInto.js'
import type { BtcTx, BtcTxIn, BtcTxOut } from './types.js'

export type DecodeTxResult = {
  readonly tx: BtcTx
  /** Offset just past the transaction in `bytes`. */
  readonly end: number
}

const NO_WITNESS: readonly Uint8Array[] = Object.freeze([])
/** Smallest serialised input: prevout (36) + script length (1) + sequence (4). */
const MIN_INPUT = 41
/** Smallest serialised output: value (8) + script length (1). */
const MIN_OUTPUT = 9

/** Scratch for wtxids and txids of standalone transactions. */
const hashScratch = new Uint8Array(32)
/** Scratch holding the non-witness serialisation of a SegWit transaction (grown on demand). */
let stripScratch = new Uint8Array(4096)

/**
 * Decode the transaction starting at `bytes[offset]`. `where` names the source in errors (a file name, "rpc").
 * Trailing bytes after the transaction are not an error here: `end` says where it stopped.
 */
export function decodeTx(bytes: Uint8Array, offset = 0, where = 'tx'): DecodeTxResult {
  const r = new ByteReader(bytes, offset, where, 0)
  const tx = readTx(r, hashScratch, 0)
  return { tx, end: r.pos }
}

/**
 * Read a transaction at the reader's position and advance past it. The txid in internal byte order is written to
 * `txidOut[txidOff..txidOff+32)` (the block decoder collects them there for the merkle root). With `prevouts`, the
 * offset in `r.bytes` of each input's 36-byte outpoint (prev txid in internal byte order, then vout) is appended.
 * @internal shared with decodeBlock
 */
export function readTx(r: ByteReader, txidOut: Uint8Array, txidOff: number, prevouts?: number[]): BtcTx {
  const bytes = r.bytes
  const start = r.pos
  const version = r.i32('tx version')
  let segwit = false
  if (r.pos < bytes.length && bytes[r.pos] === 0) {
    // BIP144 marker (a legacy tx never has zero inputs on the wire)
    r.need(2, 'segwit marker and flag')
    const flag = bytes[r.pos + 1]!
    if (flag !== 1) throw r.error(`unknown segwit flag ${flag}`, r.pos + 1, { field: 'segwit flag' })
    segwit = true
    r.pos += 2
  }
  const ioStart = r.pos
  const nIn = r.count('input count', MIN_INPUT)
  const inputs: DecodedTxIn[] = new Array(nIn)
  let coinbase = false
  for (let i = 0; i < nIn; i++) {
    const p = r.pos
    r.need(36, 'input prevout')
    if (prevouts) prevouts.push(p)
    r.pos = p + 32
    const prevVout = r.u32('input prevout index')
    if (i === 0 && nIn === 1 && prevVout === 0xffffffff && isZero32(bytes, p)) coinbase = true
    const scriptSig = r.view(r.varint('scriptSig length'), 'scriptSig')
    const sequence = r.u32('input sequence')
    inputs[i] = new DecodedTxIn(prevVout, scriptSig, sequence, bytes, p)
  }
  const nOut = r.count('output count', MIN_OUTPUT)
  const outputs: BtcTxOut[] = new Array(nOut)
  for (let i = 0; i < nOut; i++) {
    const value = r.value('output value')
    const script = r.view(r.varint('output script length'), 'output script')
    outputs[i] = { value, script }
  }
  const ioEnd = r.pos
  if (segwit) {
    for (let i = 0; i < nIn; i++) {
      const n = r.count('witness item count', 1)
      if (n === 0) continue
      const items: Uint8Array[] = new Array(n)
      for (let j = 0; j < n; j++) items[j] = r.view(r.varint('witness item length'), 'witness item')
      inputs[i]!.witness = items
    }
  }
  const locktime = r.u32('tx locktime')
  const end = r.pos
  const size = end - start
  let baseSize = size
  if (segwit) {
    // txid: hash version | inputs+outputs | locktime, gathered into a scratch buffer (one native hash call).
    const ioLen = ioEnd - ioStart
    baseSize = ioLen + 8
    if (stripScratch.length < baseSize) stripScratch = new Uint8Array(Math.max(baseSize, stripScratch.length * 2))
    const s = stripScratch
    s[0] = bytes[start]!
    s[1] = bytes[start + 1]!
    s[2] = bytes[start + 2]!
    s[3] = bytes[start + 3]!
    s.set(bytes.subarray(ioStart, ioEnd), 4)
    s[4 + ioLen] = bytes[end - 4]!
    s[5 + ioLen] = bytes[end - 3]!
    s[6 + ioLen] = bytes[end - 2]!
    s[7 + ioLen] = bytes[end - 1]!
    sha256dInto(s, 0, baseSize, txidOut, txidOff)
  } else {
    sha256dInto(bytes, start, end, txidOut, txidOff)
  }
  const txid = toHexReversed(txidOut, txidOff, txidOff + 32)
  const weight = baseSize * 3 + size
  return new DecodedTx(
    txid,
    version,
    locktime,
    inputs,
    outputs,
    segwit,
    coinbase,
    size,
    weight,
    Math.ceil(weight / 4),
    bytes,
    start,
  )
}

/**
 * A decoded transaction. Every field is an own data property except `wtxid`, a getter: for a SegWit transaction it
 * hashes the full serialisation (still held in the block buffer, like the script views) on first use and caches
 * the hex. Block decoding never needs wtxids (the merkle root is over txids), so hashing every SegWit transaction a
 * second time up front cost about 5% of decoding time for a value that ingest never reads.
 */
class DecodedTx implements BtcTx {
  readonly #bytes: Uint8Array
  readonly #start: number
  #wtxid: string | undefined

  constructor(
    readonly txid: string,
    readonly version: number,
    readonly locktime: number,
    readonly inputs: readonly BtcTxIn[],
    readonly outputs: readonly BtcTxOut[],
    readonly segwit: boolean,
    readonly coinbase: boolean,
    readonly size: number,
    readonly weight: number,
    readonly vsize: number,
    bytes: Uint8Array,
    start: number,
  ) {
    this.#bytes = bytes
    this.#start = start
    this.#wtxid = segwit ? undefined : txid
  }

  get wtxid(): string {
    if (this.#wtxid === undefined) {
      sha256dInto(this.#bytes, this.#start, this.#start + this.size, hashScratch, 0)
      this.#wtxid = toHexReversed(hashScratch, 0, 32)
    }
    return this.#wtxid
  }
}

/**
 * A decoded input. `prevTxid` is a getter that makes the display-order hex of the outpoint's txid (still held in
 * the block buffer, like `scriptSig`) on first use and caches it: formatting a 64-character string per input cost
 * about 7% of block decoding (decode + txids + addresses of the bench blocks), and ingest reads the outpoint bytes
 * instead (decodeBlockRaw). Being a getter, `prevTxid` is not an own property: `{ ...input }` and structured clone
 * do not copy it (JSON.stringify does, through `toJSON`).
 */
class DecodedTxIn implements BtcTxIn {
  witness: readonly Uint8Array[] = NO_WITNESS
  readonly #bytes: Uint8Array
  readonly #pos: number
  #prevTxid: string | undefined = undefined

  constructor(
    readonly prevVout: number,
    readonly scriptSig: Uint8Array,
    readonly sequence: number,
    bytes: Uint8Array,
    pos: number,
  ) {
    this.#bytes = bytes
    this.#pos = pos
  }

  get prevTxid(): string {
    if (this.#prevTxid === undefined) this.#prevTxid = toHexReversed(this.#bytes, this.#pos, this.#pos + 32)
    return this.#prevTxid
  }

  toJSON(): BtcTxIn {
    const { prevTxid, prevVout, scriptSig, sequence, witness } = this
    return { prevTxid, prevVout, scriptSig, sequence, witness }
  }
}

function isZero32(b: Uint8Array, p: number): boolean {
  for (let i = 0; i < 32; i++) if (b[p + i] !== 0) return false
  return true
}

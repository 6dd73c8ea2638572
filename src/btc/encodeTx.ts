/**
 * Serialise Bitcoin transactions: legacy format, and BIP144 SegWit format (marker 0x00, flag 0x01, witness
 * stacks after the outputs) as soon as any input carries a witness. The txid hashes the serialisation without
 * witness data; the wtxid hashes the full serialisation (BIP141). The simulator writes every transaction
 * straight into a block buffer with `writeTx`, so nothing is copied twice.
 * @module
 */
import { toHexReversed } from './hash.js'
import { sha256dInto } from './sha256dInto.js'

export type TxInputDraft = {
  /** Previous txid in internal byte order (32 bytes); all zeros for a coinbase. */
  readonly prevTxid: Uint8Array
  /** Previous output index; 0xffffffff for a coinbase. */
  readonly prevVout: number
  readonly scriptSig: Uint8Array
  readonly sequence: number
  /** Witness stack (empty for non-witness inputs). */
  readonly witness: readonly Uint8Array[]
}

export type TxOutputDraft = {
  /** Satoshi (integer, 0 ≤ value ≤ 2.1e15). */
  readonly value: number
  readonly script: Uint8Array
}

export type TxDraft = {
  readonly version: number
  readonly locktime: number
  readonly inputs: readonly TxInputDraft[]
  readonly outputs: readonly TxOutputDraft[]
}

/** Where a transaction was written and its hashes (internal byte order). */
export type TxLayout = {
  readonly start: number
  readonly end: number
  readonly txid: Uint8Array
  readonly wtxid: Uint8Array
  readonly segwit: boolean
  /** Size without witness data (bytes). */
  readonly baseSize: number
  /** Full serialised size (bytes). */
  readonly size: number
}

const TWO32 = 4294967296

/** A growable little-endian byte buffer. `bytes()` returns a view of what was written. */
export class ByteWriter {
  buf: Uint8Array
  pos = 0
  private dv: DataView

  constructor(initial = 1 << 16) {
    this.buf = new Uint8Array(initial)
    this.dv = new DataView(this.buf.buffer)
  }

  /** Make room for n more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
    this.dv = new DataView(next.buffer)
  }

  reset(): void {
    this.pos = 0
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos)
  }

  u8(v: number): void {
    this.ensure(1)
    this.buf[this.pos++] = v
  }

  u32(v: number): void {
    this.ensure(4)
    this.dv.setUint32(this.pos, v >>> 0, true)
    this.pos += 4
  }

  i32(v: number): void {
    this.ensure(4)
    this.dv.setInt32(this.pos, v | 0, true)
    this.pos += 4
  }

  /** Unsigned 64-bit from a safe integer (satoshi amounts). */
  u64(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`u64 out of range: ${v}`)
    this.ensure(8)
    this.dv.setUint32(this.pos, v % TWO32, true)
    this.dv.setUint32(this.pos + 4, Math.floor(v / TWO32), true)
    this.pos += 8
  }

  /** Bitcoin CompactSize. */
  varint(v: number): void {
    if (v < 0xfd) this.u8(v)
    else if (v <= 0xffff) {
      this.u8(0xfd)
      this.ensure(2)
      this.dv.setUint16(this.pos, v, true)
      this.pos += 2
    } else if (v <= 0xffffffff) {
      this.u8(0xfe)
      this.u32(v)
    } else {
      this.u8(0xff)
      this.u64(v)
    }
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
  }

  /** Length-prefixed bytes (CompactSize length). */
  varBytes(b: Uint8Array): void {
    this.varint(b.length)
    this.raw(b)
  }
}

/** True when the draft must use the BIP144 serialisation (some input has a non-empty witness). */
export function hasWitness(tx: TxDraft): boolean {
  for (const i of tx.inputs) if (i.witness.length > 0) return true
  return false
}

let scratch = new Uint8Array(1 << 16)

/** sha256d of buf[start..bodyStart) without the marker/flag, the body, and the locktime: the BIP141 txid preimage. */
function strippedTxid(
  buf: Uint8Array,
  start: number,
  bodyStart: number,
  bodyEnd: number,
  lockStart: number,
): Uint8Array {
  const n = 4 + (bodyEnd - bodyStart) + 4
  if (scratch.length < n) scratch = new Uint8Array(n * 2)
  scratch.set(buf.subarray(start, start + 4), 0)
  scratch.set(buf.subarray(bodyStart, bodyEnd), 4)
  scratch.set(buf.subarray(lockStart, lockStart + 4), n - 4)
  const out = new Uint8Array(32)
  sha256dInto(scratch, 0, n, out, 0)
  return out
}

function sha256dRange(buf: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(32)
  sha256dInto(buf, start, end, out, 0)
  return out
}

/** Append the serialised transaction to `w` and hash it. Offsets in the layout refer to `w.buf`. */
export function writeTx(w: ByteWriter, tx: TxDraft): TxLayout {
  const segwit = hasWitness(tx)
  const start = w.pos
  w.i32(tx.version)
  if (segwit) {
    w.u8(0)
    w.u8(1)
  }
  const bodyStart = w.pos
  w.varint(tx.inputs.length)
  for (const i of tx.inputs) {
    if (i.prevTxid.length !== 32) throw new RangeError('prevTxid must be 32 bytes')
    w.raw(i.prevTxid)
    w.u32(i.prevVout)
    w.varBytes(i.scriptSig)
    w.u32(i.sequence)
  }
  w.varint(tx.outputs.length)
  for (const o of tx.outputs) {
    w.u64(o.value)
    w.varBytes(o.script)
  }
  const bodyEnd = w.pos
  if (segwit) {
    for (const i of tx.inputs) {
      w.varint(i.witness.length)
      for (const item of i.witness) w.varBytes(item)
    }
  }
  const lockStart = w.pos
  w.u32(tx.locktime)
  const end = w.pos
  const buf = w.buf
  let txid: Uint8Array
  let wtxid: Uint8Array
  let baseSize: number
  if (segwit) {
    txid = strippedTxid(buf, start, bodyStart, bodyEnd, lockStart)
    wtxid = sha256dRange(buf, start, end)
    baseSize = 4 + (bodyEnd - bodyStart) + 4
  } else {
    txid = sha256dRange(buf, start, end)
    wtxid = txid
    baseSize = end - start
  }
  return { start, end, txid, wtxid, segwit, baseSize, size: end - start }
}

export type EncodedTx = {
  readonly bytes: Uint8Array
  /** Display-order hex. */
  readonly txid: string
  readonly wtxid: string
  readonly size: number
  /** BIP141 weight = base size × 3 + total size. */
  readonly weight: number
  readonly vsize: number
}

/** Serialise one transaction on its own (tests, tools). */
export function encodeTx(tx: TxDraft): EncodedTx {
  const w = new ByteWriter(256)
  const l = writeTx(w, tx)
  const weight = l.baseSize * 3 + l.size
  return {
    bytes: w.buf.slice(l.start, l.end),
    txid: toHexReversed(l.txid),
    wtxid: toHexReversed(l.wtxid),
    size: l.size,
    weight,
    vsize: Math.ceil(weight / 4),
  }
}

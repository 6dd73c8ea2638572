/**
 * A bounds-checked little-endian cursor over a byte buffer, shared by the block, transaction and undo decoders.
 *
 * Every read checks the remaining length first and throws `DecodeError` naming `where` (usually the file name)
 * and the absolute offset (`base + pos`: `base` is where the buffer starts inside its file), so a truncated or
 * garbled block is reported as e.g. "truncated output script in blk00042.dat at offset 1234567".
 * @module
 */
import { DecodeError } from '../core/errors.js'

/** Largest value `readValue` accepts: 2^53 − 1 (satoshi amounts are stored as exact JS numbers). */
const MAX_EXACT_HI = 0x200000

export class ByteReader {
  readonly bytes: Uint8Array
  /** Current position inside `bytes`. */
  pos: number
  readonly where: string
  /** Offset of `bytes[0]` inside the file named by `where` (added to offsets in error messages). */
  readonly base: number

  /** `bytes.buffer` / `bytes.byteOffset`, for building views without `subarray` (about 2x cheaper). */
  private readonly ab: ArrayBufferLike
  private readonly abOffset: number

  constructor(bytes: Uint8Array, pos: number, where: string, base: number) {
    this.bytes = bytes
    this.ab = bytes.buffer
    this.abOffset = bytes.byteOffset
    this.pos = pos
    this.where = where
    this.base = base
  }

  /** Absolute offset (in the file) of the current position. */
  offset(): number {
    return this.base + this.pos
  }

  /** A DecodeError naming `where` and the absolute offset of `pos` (defaults to the current position). */
  error(message: string, pos = this.pos, details: Record<string, string | number> = {}): DecodeError {
    const offset = this.base + pos
    return new DecodeError(`${message} in ${this.where} at offset ${offset}`, {
      details: { where: this.where, file: this.where, offset, ...details },
    })
  }

  /** Throw unless `n` more bytes are available; `what` names the field for the message. */
  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) {
      const have = this.bytes.length - this.pos
      throw this.error(`truncated ${what}: need ${n} bytes, have ${have}`, this.pos, { field: what, need: n, have })
    }
  }

  u8(what: string): number {
    if (this.pos >= this.bytes.length) this.need(1, what)
    return this.bytes[this.pos++]!
  }

  u32(what: string): number {
    const p = this.pos
    const b = this.bytes
    if (p + 4 > b.length) this.need(4, what)
    this.pos = p + 4
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0
  }

  i32(what: string): number {
    return this.u32(what) | 0
  }

  /**
   * An unsigned 64-bit little-endian amount (satoshi). Values of 2^53 and above cannot be held exactly in a
   * number; no valid Bitcoin amount comes near (21e6 BTC = 2.1e15 sat), so they are rejected as garbage.
   */
  value(what: string): number {
    const p = this.pos
    const b = this.bytes
    if (p + 8 > b.length) this.need(8, what)
    const lo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0
    const hi = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)) >>> 0
    if (hi >= MAX_EXACT_HI) throw this.error(`${what} out of range (≥ 2^53 satoshi)`, p, { field: what })
    this.pos = p + 8
    return hi * 0x100000000 + lo
  }

  /** Bitcoin CompactSize. Values above 2^53 are rejected (no count or length can be that large). */
  varint(what: string): number {
    const b = this.bytes
    const p = this.pos
    if (p >= b.length) this.need(1, what)
    const first = b[p]!
    if (first < 0xfd) {
      this.pos = p + 1
      return first
    }
    if (first === 0xfd) {
      if (p + 3 > b.length) this.need(3, what)
      this.pos = p + 3
      return b[p + 1]! | (b[p + 2]! << 8)
    }
    if (first === 0xfe) {
      if (p + 5 > b.length) this.need(5, what)
      this.pos = p + 5
      return (b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16) | (b[p + 4]! << 24)) >>> 0
    }
    if (p + 9 > b.length) this.need(9, what)
    const lo = (b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16) | (b[p + 4]! << 24)) >>> 0
    const hi = (b[p + 5]! | (b[p + 6]! << 8) | (b[p + 7]! << 16) | (b[p + 8]! << 24)) >>> 0
    if (hi >= MAX_EXACT_HI) throw this.error(`${what} too large`, p, { field: what })
    this.pos = p + 9
    return hi * 0x100000000 + lo
  }

  /** A view (no copy) of the next `n` bytes: a plain Uint8Array over the same memory, even when `bytes` is a Buffer. */
  view(n: number, what: string): Uint8Array {
    const p = this.pos
    if (p + n > this.bytes.length) this.need(n, what)
    this.pos = p + n
    return new Uint8Array(this.ab, this.abOffset + p, n)
  }

  /** A count that must fit in the rest of the buffer at `minItemSize` bytes per item (guards huge allocations). */
  count(what: string, minItemSize: number): number {
    const start = this.pos
    const n = this.varint(what)
    const left = this.bytes.length - this.pos
    if (n * minItemSize > left) {
      throw this.error(`${what} ${n} cannot fit in the ${left} remaining bytes (truncated or garbage)`, start, {
        field: what,
        count: n,
        have: left,
      })
    }
    return n
  }
}

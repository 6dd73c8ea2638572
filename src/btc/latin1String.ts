/**
 * `buf.toString('latin1', start, end)` without the generic wrapper: the decoder makes ~100,000 short strings per
 * 10 MB of blocks (txids, prevout txids, addresses) and `Buffer#toString` spends a noticeable share of that in
 * argument normalisation before reaching the same native `latin1Slice`. Node has exposed `latin1Slice` on
 * `Buffer.prototype` in every release; it is feature-detected, with `toString` as the fallback.
 * @module
 */

type Latin1Slicer = { latin1Slice?: (this: Buffer, start: number, end: number) => string }

const native = (Buffer.prototype as unknown as Latin1Slicer).latin1Slice

/** The bytes `buf[start, end)` as a one-byte-per-character string (ASCII scratch buffers in the hot paths). */
export const latin1String: (buf: Buffer, start: number, end: number) => string =
  typeof native === 'function'
    ? (buf, start, end) => native.call(buf, start, end)
    : (buf, start, end) => buf.toString('latin1', start, end)

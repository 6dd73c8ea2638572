/**
 * Allocation-free double SHA-256 for the decoder's hot paths (txids, merkle nodes, Base58Check checksums).
 *
 * Why not always Node's `crypto.hash`: each native call costs ~0.6 µs of fixed overhead on this machine, while a
 * JS compression of one 64-byte block (sha256Compress.ts, fully unrolled) costs ~0.17 µs. So short inputs (merkle pairs, 21-byte address payloads, the
 * 32-byte second round of every sha256d) are hashed in JS, and long inputs (most transactions) go to OpenSSL for
 * the first round. Both paths are checked against `node:crypto` in sha256dInto.test.ts.
 * @module
 */
import { hash as nativeHash } from 'node:crypto'
import { sha256Compress } from './sha256Compress.js'

const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
])
const W = new Int32Array(16)
const H = new Int32Array(8)
/** Last one or two padded blocks. */
const tail = new Uint8Array(128)
/** The constant second block of a 64-byte message (0x80, zeros, bit length 512) as words. */
const PAD64 = new Int32Array(16)
PAD64[0] = 0x80000000 | 0
PAD64[15] = 512

/** Compress the 64-byte block at `src[off]` into H. */
function compress(src: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const o = off + 4 * i
    W[i] = (src[o]! << 24) | (src[o + 1]! << 16) | (src[o + 2]! << 8) | src[o + 3]!
  }
  sha256Compress(H, W)
}

/** SHA-256 of src[start, end) in JS, leaving the digest as 8 big-endian words in H. */
function sha256Words(src: Uint8Array, start: number, end: number): void {
  H.set(IV)
  const len = end - start
  if (len === 64) {
    // merkle nodes: the padding block is constant
    compress(src, start)
    sha256Compress(H, PAD64)
    return
  }
  let p = start
  while (end - p >= 64) {
    compress(src, p)
    p += 64
  }
  const rest = end - p
  if (rest < 56) {
    // one final block built directly as words
    for (let i = 0; i < 16; i++) W[i] = 0
    for (let i = 0; i < rest; i++) W[i >> 2]! |= src[p + i]! << (24 - 8 * (i & 3))
    W[rest >> 2]! |= 0x80 << (24 - 8 * (rest & 3))
    W[14] = Math.floor((len * 8) / 0x100000000) | 0
    W[15] = (len * 8) | 0
    sha256Compress(H, W)
    return
  }
  for (let i = 0; i < rest; i++) tail[i] = src[p + i]!
  tail[rest] = 0x80
  tail.fill(0, rest + 1, 128)
  const bits = len * 8
  const hi = Math.floor(bits / 0x100000000)
  tail[120] = hi >>> 24
  tail[121] = (hi >>> 16) & 255
  tail[122] = (hi >>> 8) & 255
  tail[123] = hi & 255
  tail[124] = (bits >>> 24) & 255
  tail[125] = (bits >>> 16) & 255
  tail[126] = (bits >>> 8) & 255
  tail[127] = bits & 255
  compress(tail, 0)
  compress(tail, 64)
}

/** Second round of sha256d: hash the 32-byte digest held in H (no byte round trip). */
function secondRound(): void {
  for (let i = 0; i < 8; i++) W[i] = H[i]!
  W[8] = 0x80000000 | 0
  for (let i = 9; i < 15; i++) W[i] = 0
  W[15] = 256
  H.set(IV)
  sha256Compress(H, W)
}

function writeH(out: Uint8Array, outOff: number): void {
  for (let i = 0; i < 8; i++) {
    const v = H[i]!
    const o = outOff + 4 * i
    out[o] = v >>> 24
    out[o + 1] = (v >>> 16) & 255
    out[o + 2] = (v >>> 8) & 255
    out[o + 3] = v & 255
  }
}

/** Load a 32-byte big-endian digest into H. */
function readH(src: Uint8Array): void {
  for (let i = 0; i < 8; i++) {
    const o = 4 * i
    H[i] = (src[o]! << 24) | (src[o + 1]! << 16) | (src[o + 2]! << 8) | src[o + 3]!
  }
}

/**
 * Inputs longer than this (more than 3 padded blocks) go to OpenSSL for the first round. Measured in CPU time on
 * Node 20 x86-64: JS ~0.17 µs per block, native ~0.8 µs per call; they break even at 4 blocks.
 */
const NATIVE_THRESHOLD = 183

/**
 * Double SHA-256 of `src[start, end)` written to `out[outOff..outOff+32)` in internal byte order
 * (the order Bitcoin hashes are serialised; reverse for display).
 */
export function sha256dInto(src: Uint8Array, start: number, end: number, out: Uint8Array, outOff: number): void {
  if (end - start > NATIVE_THRESHOLD) readH(nativeHash('sha256', src.subarray(start, end), 'buffer'))
  else sha256Words(src, start, end)
  secondRound()
  writeH(out, outOff)
}

/** Single SHA-256 of `src[start, end)` in JS (small inputs), written to out[outOff..]. */
export function sha256SmallInto(src: Uint8Array, start: number, end: number, out: Uint8Array, outOff: number): void {
  sha256Words(src, start, end)
  writeH(out, outOff)
}

/**
 * Allocation-free double SHA-256 for the decoder's hot paths (txids, merkle nodes, Base58Check checksums).
 *
 * Why not always Node's `crypto.hash`: each native call costs ~0.6 µs of fixed overhead on this machine, while a
 * JS compression of one 64-byte block costs ~0.25 µs. So short inputs (merkle pairs, 21-byte address payloads, the
 * 32-byte second round of every sha256d) are hashed in JS, and long inputs (most transactions) go to OpenSSL for
 * the first round. Both paths are checked against `node:crypto` in sha256dInto.test.ts.
 * @module
 */
import { hash as nativeHash } from 'node:crypto'

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
])
const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
])
const W = new Int32Array(64)
const H = new Int32Array(8)
/** Last one or two padded blocks. */
const tail = new Uint8Array(128)
/** First-round digest, input of the second round. */
const mid = new Uint8Array(32)

/** Compress the 64-byte block at `src[off]` into H. */
function compress(src: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const o = off + 4 * i
    W[i] = (src[o]! << 24) | (src[o + 1]! << 16) | (src[o + 2]! << 8) | src[o + 3]!
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!
    const w2 = W[i - 2]!
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3)
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10)
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0
  }
  let a = H[0]!
  let b = H[1]!
  let c = H[2]!
  let d = H[3]!
  let e = H[4]!
  let f = H[5]!
  let g = H[6]!
  let h = H[7]!
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const ch = (e & f) ^ (~e & g)
    const t1 = (h + s1 + ch + K[i]! + W[i]!) | 0
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const maj = (a & b) ^ (a & c) ^ (b & c)
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + s0 + maj) | 0
  }
  H[0] = (H[0]! + a) | 0
  H[1] = (H[1]! + b) | 0
  H[2] = (H[2]! + c) | 0
  H[3] = (H[3]! + d) | 0
  H[4] = (H[4]! + e) | 0
  H[5] = (H[5]! + f) | 0
  H[6] = (H[6]! + g) | 0
  H[7] = (H[7]! + h) | 0
}

/** SHA-256 of src[start, end) in JS; digest written big-endian to out[outOff..outOff+32). */
function sha256Js(src: Uint8Array, start: number, end: number, out: Uint8Array, outOff: number): void {
  H.set(IV)
  const len = end - start
  let p = start
  while (end - p >= 64) {
    compress(src, p)
    p += 64
  }
  const rest = end - p
  for (let i = 0; i < rest; i++) tail[i] = src[p + i]!
  tail[rest] = 0x80
  const blocks = rest < 56 ? 1 : 2
  const last = blocks * 64
  tail.fill(0, rest + 1, last)
  // Message length in bits, big-endian 64-bit (inputs here are far below 2^32 bytes).
  const bits = len * 8
  const hi = Math.floor(bits / 0x100000000)
  tail[last - 8] = hi >>> 24
  tail[last - 7] = (hi >>> 16) & 255
  tail[last - 6] = (hi >>> 8) & 255
  tail[last - 5] = hi & 255
  tail[last - 4] = (bits >>> 24) & 255
  tail[last - 3] = (bits >>> 16) & 255
  tail[last - 2] = (bits >>> 8) & 255
  tail[last - 1] = bits & 255
  compress(tail, 0)
  if (blocks === 2) compress(tail, 64)
  for (let i = 0; i < 8; i++) {
    const v = H[i]!
    const o = outOff + 4 * i
    out[o] = v >>> 24
    out[o + 1] = (v >>> 16) & 255
    out[o + 2] = (v >>> 8) & 255
    out[o + 3] = v & 255
  }
}

/** Inputs longer than this go to OpenSSL for the first round (crossover measured on Node 20, x86-64). */
const NATIVE_THRESHOLD = 160

/**
 * Double SHA-256 of `src[start, end)` written to `out[outOff..outOff+32)` in internal byte order
 * (the order Bitcoin hashes are serialised; reverse for display).
 */
export function sha256dInto(src: Uint8Array, start: number, end: number, out: Uint8Array, outOff: number): void {
  if (end - start > NATIVE_THRESHOLD) {
    const first = nativeHash('sha256', src.subarray(start, end), 'buffer')
    sha256Js(first, 0, 32, out, outOff)
  } else {
    sha256Js(src, start, end, mid, 0)
    sha256Js(mid, 0, 32, out, outOff)
  }
}

/** Single SHA-256 of `src[start, end)` in JS (small inputs), written to out[outOff..]. */
export function sha256SmallInto(src: Uint8Array, start: number, end: number, out: Uint8Array, outOff: number): void {
  sha256Js(src, start, end, out, outOff)
}

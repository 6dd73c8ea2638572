/**
 * Four Base58Check checksums at once: the first 4 bytes of SHA-256(SHA-256(payload)) for four 21-byte payloads
 * (version byte + 20-byte hash), computed in one WebAssembly call with 128-bit SIMD (one payload per 32-bit lane).
 *
 * Why: the checksum of every P2PKH/P2SH output was the largest single cost of decoding a block with addresses
 * (about a quarter of the CPU time). The scalar module (sha256Wasm.ts) does one payload per call; here the same two
 * compressions run on `i32x4` lanes, so four checksums cost about as much as two scalar ones (SIMD has no rotate,
 * so each rotate is a shift pair and an or). Used by classifyOutputs, which classifies a whole block's outputs and
 * batches their payloads. Checked against the scalar module and node:crypto in checksum21x4Wasm.test.ts.
 * @module
 */
import {
  type Code,
  cst,
  get,
  IV,
  instantiateModule,
  LOCALS,
  payloadWord,
  type RoundOps,
  sha256d21,
  uleb,
} from './sha256Wasm.js'

/** Lane l's payload sits at memory[l·LANE .. l·LANE+21); the four checksum words are stored at OUT. */
const LANE = 32
const OUT = 128

const simd = (op: number): Code => [0xfd, ...uleb(op)]
const vop =
  (op: number) =>
  (x: Code, y: Code): Code => [...x, ...y, ...simd(op)]
const vadd = vop(174) // i32x4.add
const vand = vop(78) // v128.and
const vor = vop(80) // v128.or
const vxor = vop(81) // v128.xor
const vshl = (x: Code, n: number): Code => [...x, ...cst(n), ...simd(171)]
const vshru = (x: Code, n: number): Code => [...x, ...cst(n), ...simd(173)]
const vrotr = (x: Code, n: number): Code => vor(vshru(x, n), vshl(x, 32 - n))
const splat = (n: number): Code => [...cst(n), ...simd(17)] // i32x4.splat
/** v128.bitselect(x, y, mask): bits of x where mask is 1, of y where it is 0 (SHA-256's Ch). */
const bitselect = (x: Code, y: Code, mask: Code): Code => [...x, ...y, ...mask, ...simd(82)]

/** The rounds' operations on v128 locals: each i32x4 lane is one payload. */
const lanesOps: RoundOps = {
  add: vadd,
  and: vand,
  or: vor,
  xor: vxor,
  rotr: vrotr,
  shru: vshru,
  ch: (e, f, g) => bitselect(f, g, e),
  k: splat,
}

/** Body of `checksum21x4()`: the four checksum words stored as an i32x4 at memory[OUT]. */
function body(): Code {
  const c: Code = []
  /** Word `word(lane)` of the four lanes as one v128 (a splat, then three lane replacements). */
  const lanes = (word: (lane: number) => Code): Code => [
    ...word(0),
    ...simd(17),
    ...[1, 2, 3].flatMap((l) => [...word(l), ...simd(28), l]), // i32x4.replace_lane l
  ]
  sha256d21(
    c,
    lanesOps,
    [0, 1, 2, 3, 4, 5].map((i) => lanes((l) => payloadWord(l * LANE, i))),
  )
  c.push(...cst(0), ...vadd(get(0), splat(IV[0]!)), ...simd(11), 4, ...uleb(OUT)) // v128.store
  c.push(0x0b)
  return [1, LOCALS, 0x7b, ...c] // one local group: 25 × v128
}

const exports = instantiateModule<{ checksum21x4: () => void; mem: { buffer: ArrayBuffer } }>(
  'checksum21x4',
  [0],
  body(),
)

/** The payload scratch: lane l's version byte and 20-byte hash go to [l·32 .. l·32+21). */
export const checksum4Input = new Uint8Array(exports.mem.buffer, 0, 4 * LANE)
/** After `checksum21x4()`: lane l's checksum as a big-endian 32-bit word (signed int32), at index l. */
export const checksum4Output = new Int32Array(exports.mem.buffer, OUT, 4)
/** Compute the four lanes' checksums into checksum4Output. */
export const checksum21x4: () => void = exports.checksum21x4

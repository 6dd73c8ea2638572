/**
 * The Base58Check checksum of a 21-byte payload (version byte + 20-byte hash: every P2PKH/P2SH/P2PK address) as
 * one small WebAssembly function: the first 4 bytes of SHA-256(SHA-256(payload)).
 *
 * Why: the checksum is two dependent SHA-256 compressions and was about 70% of the CPU time of an address. In JS
 * each compression is preceded and followed by typed-array glue (IV copies, word packing, digest write-back) that
 * cost about as much as a third compression. Here the payload is read straight from the module's memory, both
 * compressions run on locals with native 32-bit rotates, and only the checksum word comes back: about 0.40 µs per
 * address instead of 0.52-0.57 µs (CPU time, Node 20 x86-64).
 *
 * The module (about 24 KB of code, no imports) is assembled at load time by the generator below, so the source is
 * the SHA-256 definition rather than an opaque byte blob. Checked against node:crypto in sha256Wasm.test.ts and,
 * through base58checkEncode21, against @scure/base in base58check.test.ts.
 * @module
 */

import { SHA256_K as K, SHA256_IV } from './sha256Constants.js'

export const IV = SHA256_IV

/** Where the 21-byte payload sits in the module's memory (followed by room for the 4 checksum bytes). */
const INPUT = 0

export type Code = number[]
export const uleb = (n: number): Code => {
  const o: Code = []
  do {
    let b = n & 0x7f
    n >>>= 7
    if (n) b |= 0x80
    o.push(b)
  } while (n)
  return o
}
const sleb = (n: number): Code => {
  const o: Code = []
  for (;;) {
    const b = n & 0x7f
    n >>= 7
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      o.push(b)
      return o
    }
    o.push(b | 0x80)
  }
}
// Expression builders: each returns the stack code that leaves one i32 on the stack.
export const get = (i: number): Code => [0x20, ...uleb(i)]
export const set = (i: number): Code => [0x21, ...uleb(i)]
export const cst = (n: number): Code => [0x41, ...sleb(n | 0)]
const op =
  (code: number) =>
  (x: Code, y: Code): Code => [...x, ...y, code]
export const add = op(0x6a)
const and = op(0x71)
export const or = op(0x72)
const xor = op(0x73)
export const shl = op(0x74)
export const shru = op(0x76)
const rotr = (x: Code, n: number): Code => [...x, ...cst(n), 0x78]
/** i32.load8_u of memory[off], a fixed address (`_local` unused: the loader shape sha256Word takes). */
const byteAt = (_local: number, off: number): Code => [...cst(0), 0x2d, 0, ...uleb(off)]
/** i32.load8_u of memory[local + off]. */
export const byteAtDyn = (local: number, off: number): Code => [...get(local), 0x2d, 0, ...uleb(off)]
/** i32.store8 of `value` to memory[local + off]. */
export const storeByteDyn = (local: number, off: number, value: Code): Code => [
  ...get(local),
  ...value,
  0x3a,
  0,
  ...uleb(off),
]
/** The big-endian word at memory[local + off] (four byte loads). */
export const sha256Word = (load: (local: number, off: number) => Code, local: number, off: number): Code =>
  or(
    or(or(shl(load(local, off), cst(24)), shl(load(local, off + 1), cst(16))), shl(load(local, off + 2), cst(8))),
    load(local, off + 3),
  )

// Locals: 0..7 the working variables a..h, 8..23 the message window w0..w15, 24 the temporary t1.
export const W0 = 8
const T = 24
export const LOCALS = 25

/** The operations the rounds are built from: scalar i32 here, i32x4 lanes in checksum21x4Wasm.ts. */
export type RoundOps = {
  add: (x: Code, y: Code) => Code
  and: (x: Code, y: Code) => Code
  or: (x: Code, y: Code) => Code
  xor: (x: Code, y: Code) => Code
  rotr: (x: Code, n: number) => Code
  shru: (x: Code, n: number) => Code
  /** SHA-256's Ch(e, f, g). */
  ch: (e: Code, f: Code, g: Code) => Code
  /** A constant (the round constant K[i]). */
  k: (n: number) => Code
}
const scalarOps: RoundOps = {
  add,
  and,
  or,
  xor,
  rotr,
  shru: (x, n) => shru(x, cst(n)),
  ch: (e, f, g) => xor(g, and(e, xor(f, g))),
  k: cst,
}

/** The 64 rounds on locals a..h with w0..w15 holding the block; the schedule is computed in place. */
export function rounds(c: Code, ops: RoundOps = scalarOps): void {
  const { add, and, or, xor, rotr, shru } = ops
  for (let i = 0; i < 64; i++) {
    const at = (k: number) => (k - (i % 8) + 8) % 8
    const [a, b, cc, d, e, f, g, h] = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => get(at(k))) as [
      Code,
      Code,
      Code,
      Code,
      Code,
      Code,
      Code,
      Code,
    ]
    const j = i % 16
    const w = (k: number) => get(W0 + k)
    if (i >= 16) {
      const w15 = w((j + 1) % 16)
      const w2 = w((j + 14) % 16)
      const s0 = xor(xor(rotr(w15, 7), rotr(w15, 18)), shru(w15, 3))
      const s1 = xor(xor(rotr(w2, 17), rotr(w2, 19)), shru(w2, 10))
      c.push(...add(add(add(w(j), s0), w((j + 9) % 16)), s1), ...set(W0 + j))
    }
    const S1 = xor(xor(rotr(e, 6), rotr(e, 11)), rotr(e, 25))
    const ch = ops.ch(e, f, g)
    c.push(...add(add(add(add(h, S1), ch), ops.k(K[i]!)), w(j)), ...set(T))
    c.push(...add(d, get(T)), ...set(at(3)))
    const S0 = xor(xor(rotr(a, 2), rotr(a, 13)), rotr(a, 22))
    const maj = or(and(a, b), and(cc, or(a, b)))
    c.push(...add(add(get(T), S0), maj), ...set(at(7)))
  }
}

/**
 * The two compressions of sha256d over a 21-byte payload, on `ops` (scalar, or i32x4 lanes): `payload[i]` leaves
 * message word i (0..4: the payload's big-endian words; 5: its last byte, then the 0x80 padding byte). Afterwards
 * local 0 plus IV[0] is the checksum word (the first big-endian word of the digest).
 */
export function sha256d21(c: Code, ops: RoundOps, payload: readonly Code[]): void {
  const { add, k } = ops
  // First block: 21 bytes, 0x80, zeros, bit length 168.
  for (let i = 0; i < 6; i++) c.push(...payload[i]!, ...set(W0 + i))
  for (let i = 6; i < 15; i++) c.push(...k(0), ...set(W0 + i))
  c.push(...k(168), ...set(W0 + 15))
  for (let i = 0; i < 8; i++) c.push(...k(IV[i]!), ...set(i))
  rounds(c, ops)
  // Second SHA-256 over the 32-byte digest: message = IV + state, then 0x80, zeros, bit length 256.
  for (let i = 0; i < 8; i++) c.push(...add(get(i), k(IV[i]!)), ...set(W0 + i))
  c.push(...k(0x80000000), ...set(W0 + 8))
  for (let i = 9; i < 15; i++) c.push(...k(0), ...set(W0 + i))
  c.push(...k(256), ...set(W0 + 15))
  for (let i = 0; i < 8; i++) c.push(...k(IV[i]!), ...set(i))
  rounds(c, ops)
}

/** Payload word i (0..5, as `sha256d21` takes them) of the 21 bytes at memory[off..off+21), as i32 code. */
export const payloadWord = (off: number, i: number): Code =>
  i < 5 ? sha256Word(byteAt, 0, off + 4 * i) : or(shl(byteAt(0, off + 20), cst(24)), cst(0x800000))

/** Body of `checksum21(): i32`: the first big-endian word of sha256d(memory[INPUT .. INPUT+21)). */
function checksumBody(): Code {
  const c: Code = []
  sha256d21(
    c,
    scalarOps,
    [0, 1, 2, 3, 4, 5].map((i) => payloadWord(INPUT, i)),
  )
  c.push(...add(get(0), cst(IV[0]!)), 0x0b)
  return [1, LOCALS, 0x7f, ...c] // one local group: 25 × i32
}

/** The part of the WebAssembly JS API used here (the project's TS lib settings do not declare it). */
type WasmApi = {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { exports: unknown }
}

/**
 * Instantiate a generated module with one exported function `fn` (no parameters, `results` its result types:
 * `[0]` none, `[1, 0x7f]` one i32) whose code is `body` (locals + instructions), and an exported memory `mem` of
 * one page minimum. Returns the instance's exports.
 */
export function instantiateModule<E>(fn: string, results: Code, body: Code): E {
  const section = (id: number, content: Code): Code => [id, ...uleb(content.length), ...content]
  const name = (s: string): Code => [...uleb(s.length), ...Buffer.from(s, 'latin1')]
  const bytes = Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
    ...section(1, [1, 0x60, 0, ...results]), // types: () -> results
    ...section(3, [1, 0]), // functions: fn has type 0
    ...section(5, [1, 0, 1]), // memory: one page minimum
    ...section(7, [2, ...name(fn), 0, 0, ...name('mem'), 2, 0]), // exports
    ...section(10, [1, ...uleb(body.length), ...body]), // code
  ])
  const { Module, Instance } = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
  return new Instance(new Module(bytes)).exports as E
}

const exports = instantiateModule<{ checksum21: () => number; mem: { buffer: ArrayBuffer } }>(
  'checksum21',
  [1, 0x7f],
  checksumBody(),
)

/**
 * The 25-byte scratch the checksum reads: write the version byte and the 20-byte hash to [0..21), call
 * `checksum21()`, then bytes [21..25) are free for the caller (base58checkEncode21 puts the checksum there).
 */
export const checksumInput = new Uint8Array(exports.mem.buffer, INPUT, 25)

/** First 4 bytes of SHA-256(SHA-256(checksumInput[0..21))) as a big-endian 32-bit word (signed int32). */
export const checksum21: () => number = exports.checksum21

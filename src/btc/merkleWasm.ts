/**
 * Bitcoin merkle root in one WebAssembly call: the caller's 32-byte hashes are copied into the module's memory and
 * every level is hashed there (sha256d of each pair, the last node paired with itself on odd levels).
 *
 * Why: a merkle node is three dependent SHA-256 compressions; in JS each is wrapped in typed-array glue (word
 * packing, IV copies, digest write-back) that cost about a third of the node. Checked against a node:crypto
 * reference in sha256dInto.test.ts (merkleRoot / merkleRootFlat) and on every real block's header.
 * @module
 */
import {
  add,
  byteAtDyn,
  type Code,
  cst,
  get,
  IV,
  instantiateModule,
  LOCALS,
  rounds,
  set,
  sha256Word,
  shl,
  shru,
  storeByteDyn,
  uleb,
  W0,
} from './sha256Wasm.js'

/** Where the hashes start in the module's memory; the count is at address 0. */
const BASE = 64
// Locals after the 25 of the rounds: n, i, w (write address), a, b (read addresses), then 8 for the chaining state.
const N = LOCALS
const I = N + 1
const WR = N + 2
const A = N + 3
const B = N + 4
const HS = N + 5

function merkleBody(): Code {
  const c: Code = []
  const state = (i: number) => i
  const msg = (i: number) => W0 + i
  c.push(...cst(0), 0x28, 2, 0, ...set(N)) // n = i32.load(0)
  c.push(0x02, 0x40, 0x03, 0x40) // block $done, loop $level
  c.push(...get(N), ...cst(1), 0x4d, 0x0d, 1) // if (n <= 1) break $done
  c.push(...cst(0), ...set(I), ...cst(BASE), ...set(WR))
  c.push(0x02, 0x40, 0x03, 0x40) // block $end, loop $node
  c.push(...get(I), ...get(N), 0x4f, 0x0d, 1) // if (i >= n) break $end
  // a = BASE + 32 i; b = a + 32 if i + 1 < n, else a (odd level: pair the last node with itself)
  c.push(...add(cst(BASE), shl(get(I), cst(5))), ...set(A))
  c.push(...add(get(A), shl([...add(get(I), cst(1)), ...get(N), 0x49], cst(5))), ...set(B))
  // block 1: the two child hashes, from the IV
  for (let i = 0; i < 8; i++) c.push(...sha256Word(byteAtDyn, A, 4 * i), ...set(msg(i)))
  for (let i = 0; i < 8; i++) c.push(...sha256Word(byteAtDyn, B, 4 * i), ...set(msg(8 + i)))
  for (let i = 0; i < 8; i++) c.push(...cst(IV[i]!), ...set(state(i)))
  rounds(c)
  // block 2: padding of a 64-byte message, chaining from IV + block-1 state
  for (let i = 0; i < 8; i++)
    c.push(...add(get(state(i)), cst(IV[i]!)), ...set(HS + i), ...get(HS + i), ...set(state(i)))
  c.push(...cst(0x80000000), ...set(msg(0)))
  for (let i = 1; i < 15; i++) c.push(...cst(0), ...set(msg(i)))
  c.push(...cst(512), ...set(msg(15)))
  rounds(c)
  // second SHA-256 over the 32-byte digest
  for (let i = 0; i < 8; i++) c.push(...add(get(state(i)), get(HS + i)), ...set(msg(i)))
  c.push(...cst(0x80000000), ...set(msg(8)))
  for (let i = 9; i < 15; i++) c.push(...cst(0), ...set(msg(i)))
  c.push(...cst(256), ...set(msg(15)))
  for (let i = 0; i < 8; i++) c.push(...cst(IV[i]!), ...set(state(i)))
  rounds(c)
  // write the parent big-endian at w (w <= a: the children were read into locals first)
  for (let i = 0; i < 8; i++) {
    c.push(...add(get(state(i)), cst(IV[i]!)), ...set(HS + i))
    for (let k = 0; k < 4; k++) c.push(...storeByteDyn(WR, 4 * i + k, shru(get(HS + i), cst(24 - 8 * k))))
  }
  c.push(...add(get(WR), cst(32)), ...set(WR), ...add(get(I), cst(2)), ...set(I))
  c.push(0x0c, 0, 0x0b, 0x0b) // continue $node; end loop; end block
  c.push(...shru(add(get(N), cst(1)), cst(1)), ...set(N))
  c.push(0x0c, 0, 0x0b, 0x0b) // continue $level; end loop; end block
  c.push(0x0b)
  return [1, ...uleb(HS + 8), 0x7f, ...c]
}

type MerkleExports = { merkle: () => void; mem: { buffer: ArrayBuffer; grow: (pages: number) => number } }
// memory: one page to start, grown on demand
const ex = instantiateModule<MerkleExports>('merkle', [0], merkleBody())
let mem = new Uint8Array(ex.mem.buffer)

/**
 * Merkle root of `n` ≥ 1 hashes stored back to back in `flat` (32 bytes each, internal byte order). `flat` is not
 * modified. Returns a new 32-byte array.
 */
export function merkleRootWasm(flat: Uint8Array, n: number): Uint8Array {
  const need = BASE + n * 32
  if (need > mem.length) {
    ex.mem.grow(Math.ceil((need - mem.length) / 65536))
    mem = new Uint8Array(ex.mem.buffer)
  }
  mem.set(flat.subarray(0, n * 32), BASE)
  mem[0] = n & 255
  mem[1] = (n >>> 8) & 255
  mem[2] = (n >>> 16) & 255
  mem[3] = n >>> 24
  ex.merkle()
  return mem.slice(BASE, BASE + 32)
}

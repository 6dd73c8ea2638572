/**
 * Address string → dense address id, held off the JS heap.
 *
 * An open-addressing hash table (linear probing) in one Uint32Array, 16 bytes per slot:
 * three 32-bit words of a 96-bit hash of the address and `id + 1` (0 = empty slot). The address string itself is
 * not kept: two addresses are taken to be the same when their 96-bit keys are equal. The three lanes are
 * different hash functions (FNV-1a, a rotate-multiply hash, an add-multiply hash; each finished with the
 * MurmurHash3 avalanche) seeded from `crypto.getRandomValues` per process, so no fixed set of addresses collides
 * on every run. For n distinct addresses the chance that any two share a key is about n² / 2⁹⁷ if the key
 * behaves like a random 96-bit value: 6 × 10⁻¹² for a billion addresses. The seed need not persist: on restart the
 * table is rebuilt from the `addresses` table (ids come from the store, not from the hash).
 *
 * The table doubles at 75 % load, so it uses 21–43 bytes per address (against ~125 bytes per entry for a V8
 * Map<string, number> plus the retained key strings), and none of it is scanned by the garbage collector.
 * @module
 */
import { webcrypto } from 'node:crypto'

const fmix = (h: number): number => {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

const EMPTY = 0

/** Words per address key. */
export const ADDRESS_KEY_WORDS = 3

/**
 * Write the 96-bit key of the address `s.substring(start, end)` under `seeds` to `out[off..off+3)`: three hash
 * lanes over the characters (no substring is made).
 */
export function addressKeyInto(
  s: string,
  start: number,
  end: number,
  seeds: Uint32Array,
  out: Uint32Array,
  off: number,
): void {
  let h1 = seeds[0]! | 0
  let h2 = seeds[1]! | 0
  let h3 = seeds[2]! | 0
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(((h2 << 5) | (h2 >>> 27)) ^ c, 0x9e3779b1)
    h3 = Math.imul(h3 + c, 0x27d4eb2f) ^ (h3 >>> 15)
  }
  const len = end - start
  const k1 = fmix(h1 ^ len)
  out[off] = k1
  out[off + 1] = fmix(h2 ^ Math.imul(len, 0x165667b1))
  out[off + 2] = fmix(h3 + k1)
}

/** Off-heap address → id table for ingest; see the module comment for the collision bound. */
export class AddressMap {
  private table: Uint32Array
  private mask: number
  private count = 0
  /** The per-process hash seeds; blocks hashed for this map must use them (`addressKeyInto`). */
  readonly seeds: Uint32Array
  private readonly scratch = new Uint32Array(3)

  /** `capacity`: initial number of slots (rounded up to a power of two). `seeds`: fixed seeds (tests). */
  constructor(capacity = 1 << 16, seeds?: Uint32Array) {
    let cap = 1024
    while (cap < capacity) cap *= 2
    this.table = new Uint32Array(cap * 4)
    this.mask = cap - 1
    this.seeds = seeds ?? webcrypto.getRandomValues(new Uint32Array(3))
  }

  /** Number of distinct addresses held. */
  get size(): number {
    return this.count
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.table.byteLength
  }

  /**
   * The id of the address `s.substring(start, end)`, or, when it is not in the table yet, record it with `id` and
   * return `id`. Hashes the characters in place (no substring is made).
   */
  getOrAdd(s: string, start: number, end: number, id: number): number {
    addressKeyInto(s, start, end, this.seeds, this.scratch, 0)
    return this.getOrAddKey(this.scratch, 0, id)
  }

  /**
   * As `getOrAdd`, for an address already hashed with this map's `seeds` (`addressKeyInto`, done in the decode
   * worker so that the main thread only probes): the key is `keys[off..off+3)`.
   */
  getOrAddKey(keys: Uint32Array, off: number, id: number): number {
    const k1 = keys[off]!
    const k2 = keys[off + 1]!
    const k3 = keys[off + 2]!
    const t = this.table
    const mask = this.mask
    let slot = (k1 ^ (k2 >>> 7)) & mask
    for (;;) {
      const p = slot * 4
      const v = t[p + 3]!
      if (v === EMPTY) {
        t[p] = k1
        t[p + 1] = k2
        t[p + 2] = k3
        t[p + 3] = id + 1
        if (++this.count * 4 > (mask + 1) * 3) this.grow()
        return id
      }
      if (t[p] === k1 && t[p + 1] === k2 && t[p + 2] === k3) return v - 1
      slot = (slot + 1) & mask
    }
  }

  /**
   * Touch the home slots of `n` keys from `keys[off..]` (3 words each) so that their cache lines are being
   * loaded, in parallel, before `getOrAddKey` needs them; returns a value only to keep the loads alive.
   */
  touch(keys: Uint32Array, off: number, n: number): number {
    const t = this.table
    const mask = this.mask
    let acc = 0
    for (let i = 0, p = off; i < n; i++, p += 3) acc ^= t[((keys[p]! ^ (keys[p + 1]! >>> 7)) & mask) * 4 + 3]!
    return acc
  }

  private grow(): void {
    const old = this.table
    const cap = (this.mask + 1) * 2
    const t = new Uint32Array(cap * 4)
    const mask = cap - 1
    for (let p = 0; p < old.length; p += 4) {
      if (old[p + 3] === EMPTY) continue
      const k1 = old[p]!
      let slot = (k1 ^ (old[p + 1]! >>> 7)) & mask
      while (t[slot * 4 + 3] !== EMPTY) slot = (slot + 1) & mask
      const q = slot * 4
      t[q] = k1
      t[q + 1] = old[p + 1]!
      t[q + 2] = old[p + 2]!
      t[q + 3] = old[p + 3]!
    }
    this.table = t
    this.mask = mask
  }
}

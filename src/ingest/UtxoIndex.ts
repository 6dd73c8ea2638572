/**
 * The in-memory index of UNSPENT outputs that resolves prevouts during ingest: outpoint (txid, vout) → output id,
 * value and address id. An entry is deleted when its output is spent, so memory follows the UTXO set, not the chain.
 *
 * Off the JS heap: one open-addressing hash table (linear probing, backward-shift deletion, so no tombstones) in a
 * Uint32Array, 32 bytes per slot, one slot per unspent output:
 *
 *   [k0, k1, k2, k3, tag, outputId low 32, value low 32, value high 21 | outputId high 11 << 21]
 *
 * `k0..k3` is the 128-bit txid key (txidKey.ts: words parsed from the txid, no string kept) with the vout mixed into
 * `k0` (`k0 = w0 ^ vout · 0x9e3779b1`, a bijection of the vout, so the outputs of one transaction never share a key
 * and land on different home slots). `tag` is 0 for an empty slot, else address id + 2 (1: no address). The home
 * slot is `k0 & mask`: txids are SHA-256 output, already uniform. Two outpoints are taken to be the same when their
 * 128-bit keys are equal: for u live outputs a spend of an outpoint that is not in the index (a chain slice) is
 * resolved to a wrong one with probability ≈ u / 2¹²⁸; crafting such a pair takes a ~2⁶⁴ birthday search on SHA-256d.
 *
 * The table doubles above 3/4 load and halves below 1/8 (so it follows the live UTXO set both ways): 43–85 bytes per
 * unspent output, none of it scanned by the garbage collector, against ~200 bytes per output for the V8 Map of
 * per-transaction arrays keyed by 64-character txid strings that it replaces.
 * @module
 */
import { KEY_WORDS, txidKeyInto } from './txidKey.js'

const W = 8 // words per slot
const G = 0x9e3779b1
const TWO32 = 4294967296
const MAX_OUTPUT_ID = 2 ** 43
const MAX_ADDRESS_ID = 0xffffffff - 2

export type ResolvedPrevout = { outputId: number; value: number; addressId: number }

export class UtxoIndex {
  private t: Uint32Array
  private mask: number
  private readonly minCap: number
  /** Unspent outputs held. */
  size = 0
  /** Value and address id of the output last returned by `take` (no object per lookup on the hot path). */
  takenValue = 0
  takenAddress = -1
  private readonly scratch = new Uint32Array(KEY_WORDS)

  /** `capacity`: initial (and minimum) number of slots, rounded up to a power of two. */
  constructor(capacity = 1 << 16) {
    let cap = 1024
    while (cap < capacity) cap *= 2
    this.minCap = cap
    this.t = new Uint32Array(cap * W)
    this.mask = cap - 1
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.t.byteLength
  }

  /**
   * Record output `vout` of the transaction whose txid key is `keys[off..off+4)`: output id, value (satoshi) and
   * address id (-1: none). An outpoint already present is replaced (a pre-BIP30 duplicate txid: the later
   * transaction wins, as in Bitcoin Core).
   */
  put(keys: Uint32Array, off: number, vout: number, outputId: number, value: number, addressId: number): void {
    if (outputId >= MAX_OUTPUT_ID || addressId > MAX_ADDRESS_ID) {
      throw new RangeError(`UtxoIndex: output id ${outputId} or address id ${addressId} out of range`)
    }
    const k0 = (keys[off]! ^ Math.imul(vout, G)) >>> 0
    const k1 = keys[off + 1]!
    const k2 = keys[off + 2]!
    const k3 = keys[off + 3]!
    const t = this.t
    const mask = this.mask
    let q = (k0 & mask) * W
    for (;;) {
      if (t[q + 4] === 0) break
      if (t[q] === k0 && t[q + 1] === k1 && t[q + 2] === k2 && t[q + 3] === k3) {
        this.size-- // replaced below
        break
      }
      q = (q + W) & (mask * W + W - 1)
    }
    const vHi = Math.floor(value / TWO32)
    const oHi = Math.floor(outputId / TWO32)
    t[q] = k0
    t[q + 1] = k1
    t[q + 2] = k2
    t[q + 3] = k3
    t[q + 4] = addressId + 2
    t[q + 5] = outputId >>> 0
    t[q + 6] = value >>> 0
    t[q + 7] = (vHi | (oHi << 21)) >>> 0
    if (++this.size * 4 > (mask + 1) * 3) this.resize((mask + 1) * 2)
  }

  /**
   * Remove the unspent output `vout` of the transaction keyed `keys[off..off+4)` and return its output id (value
   * and address in `takenValue`, `takenAddress`), or -1 when it is not in the index.
   */
  take(keys: Uint32Array, off: number, vout: number): number {
    const k0 = (keys[off]! ^ Math.imul(vout, G)) >>> 0
    const k1 = keys[off + 1]!
    const k2 = keys[off + 2]!
    const k3 = keys[off + 3]!
    const t = this.t
    const mask = this.mask
    const wrap = mask * W + W - 1
    let q = (k0 & mask) * W
    for (;;) {
      const tag = t[q + 4]!
      if (tag === 0) return -1
      if (t[q] === k0 && t[q + 1] === k1 && t[q + 2] === k2 && t[q + 3] === k3) {
        const hi = t[q + 7]!
        this.takenValue = t[q + 6]! + (hi & 0x1fffff) * TWO32
        this.takenAddress = tag - 2
        const outputId = t[q + 5]! + (hi >>> 21) * TWO32
        this.remove(q / W)
        return outputId
      }
      q = (q + W) & wrap
    }
  }

  /**
   * Touch the home slots of `n` outpoints (txid keys `keys[off + 4i..]`, vouts `vouts[voff + i]`) so that their
   * cache lines load in parallel before `take` needs them; returns a value only to keep the loads alive.
   */
  touch(keys: Uint32Array, off: number, vouts: Uint32Array, voff: number, n: number): number {
    const t = this.t
    const mask = this.mask
    let acc = 0
    for (let i = 0; i < n; i++) acc ^= t[(((keys[off + 4 * i]! ^ Math.imul(vouts[voff + i]!, G)) & mask) * W) | 4]!
    return acc
  }

  /** Touch the home slots of outputs 0..n-1 of the transaction keyed `keys[off..off+4)` (before `put`s). */
  touchOutputs(keys: Uint32Array, off: number, n: number): number {
    const t = this.t
    const mask = this.mask
    const w0 = keys[off]!
    let acc = 0
    for (let v = 0; v < n; v++) acc ^= t[(((w0 ^ Math.imul(v, G)) & mask) * W) | 4]!
    return acc
  }

  /** Backward-shift deletion of slot `i` (linear probing stays tombstone-free). */
  private remove(i: number): void {
    const t = this.t
    const mask = this.mask
    let j = i
    for (;;) {
      j = (j + 1) & mask
      const q = j * W
      if (t[q + 4] === 0) break
      // the entry at j may move back to i when its home slot is not in (i, j] (cyclically)
      if (((j - (t[q]! & mask)) & mask) >= ((j - i) & mask)) {
        const d = i * W
        for (let w = 0; w < W; w++) t[d + w] = t[q + w]!
        i = j
      }
    }
    t[i * W + 4] = 0
    this.size--
    if (this.size * 8 < mask + 1 && mask + 1 > this.minCap) this.resize((mask + 1) / 2)
  }

  private resize(cap: number): void {
    const old = this.t
    const t = new Uint32Array(cap * W)
    const mask = cap - 1
    for (let p = 0; p < old.length; p += W) {
      if (old[p + 4] === 0) continue
      let j = old[p]! & mask
      while (t[j * W + 4] !== 0) j = (j + 1) & mask
      const d = j * W
      for (let w = 0; w < W; w++) t[d + w] = old[p + w]!
    }
    this.t = t
    this.mask = mask
  }

  /** `put` by hex txid (restart, tests). */
  putTxid(txid: string, vout: number, outputId: number, value: number, addressId: number): void {
    txidKeyInto(txid, 0, this.scratch, 0)
    this.put(this.scratch, 0, vout, outputId, value, addressId)
  }

  /** Remove and return the unspent output `txid:vout`, or null when it is not in the index. */
  spend(txid: string, vout: number): ResolvedPrevout | null {
    txidKeyInto(txid, 0, this.scratch, 0)
    const id = this.take(this.scratch, 0, vout)
    return id < 0 ? null : { outputId: id, value: this.takenValue, addressId: this.takenAddress }
  }
}

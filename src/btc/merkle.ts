/**
 * Bitcoin merkle root over transaction hashes in internal byte order (duplicate the last node on odd levels).
 * @module
 */
import { sha256dInto } from './sha256dInto.js'

/** Merkle root of 32-byte hashes (internal byte order). Returns 32 bytes; empty input returns 32 zero bytes. */
export function merkleRoot(hashes: readonly Uint8Array[]): Uint8Array {
  const flat = new Uint8Array(hashes.length * 32)
  for (let i = 0; i < hashes.length; i++) flat.set(hashes[i]!.subarray(0, 32), i * 32)
  return merkleRootFlat(flat, hashes.length)
}

/**
 * Merkle root of `n` hashes stored back to back in `flat` (32 bytes each, internal byte order), as the block
 * decoder collects them. Works in place: `flat` is overwritten. Returns a new 32-byte array.
 */
export function merkleRootFlat(flat: Uint8Array, n: number): Uint8Array {
  if (n === 0) return new Uint8Array(32)
  const pair = new Uint8Array(64)
  while (n > 1) {
    let w = 0
    for (let i = 0; i < n; i += 2) {
      const a = i * 32
      const b = i + 1 < n ? a + 32 : a
      if (b === a + 32) {
        sha256dInto(flat, a, a + 64, flat, w)
      } else {
        pair.set(flat.subarray(a, a + 32), 0)
        pair.set(flat.subarray(a, a + 32), 32)
        sha256dInto(pair, 0, 64, flat, w)
      }
      w += 32
    }
    n = (n + 1) >> 1
  }
  return flat.slice(0, 32)
}

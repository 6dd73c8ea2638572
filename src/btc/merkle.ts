/**
 * Bitcoin merkle root over transaction hashes in internal byte order (duplicate the last node on odd levels).
 * @module
 */
import { merkleRootWasm } from './merkleWasm.js'

/** Merkle root of 32-byte hashes (internal byte order). Returns 32 bytes; empty input returns 32 zero bytes. */
export function merkleRoot(hashes: readonly Uint8Array[]): Uint8Array {
  const flat = new Uint8Array(hashes.length * 32)
  for (let i = 0; i < hashes.length; i++) flat.set(hashes[i]!.subarray(0, 32), i * 32)
  return merkleRootFlat(flat, hashes.length)
}

/**
 * Merkle root of `n` hashes stored back to back in `flat` (32 bytes each, internal byte order), as the block
 * decoder collects them. Hashed in one WebAssembly call (merkleWasm.ts); `flat` is not modified. Returns a new
 * 32-byte array.
 */
export function merkleRootFlat(flat: Uint8Array, n: number): Uint8Array {
  if (n === 0) return new Uint8Array(32)
  return merkleRootWasm(flat, n)
}

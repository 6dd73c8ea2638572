/**
 * Bitcoin merkle root over transaction hashes in internal byte order (duplicate the last node on odd levels).
 * @module
 */
import { sha256d } from './hash.js'

/** Merkle root of 32-byte hashes (internal byte order). Returns 32 bytes; empty input returns 32 zero bytes. */
export function merkleRoot(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return new Uint8Array(32)
  let level = hashes.slice()
  const pair = new Uint8Array(64)
  while (level.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += 2) {
      const a = level[i]!
      const b = level[i + 1] ?? a
      pair.set(a, 0)
      pair.set(b, 32)
      next.push(sha256d(pair))
    }
    level = next
  }
  return level[0]!
}

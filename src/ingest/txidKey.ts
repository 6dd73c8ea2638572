/**
 * The 128-bit key of a txid used by the off-heap UTXO index: the two 128-bit halves of the txid XORed together
 * (word i of the key = hex word i ^ hex word i + 4). A txid is SHA-256d output, so the key is uniform even for
 * "vanity" txids ground for leading zeros, and txids that differ in any one character (as hand-made test txids do)
 * get different keys. Parsed once, in the decode worker, so the main thread never hashes or compares 64-character
 * strings.
 * @module
 */

const HEX = new Int8Array(128).fill(-1)
for (let i = 0; i < 10; i++) HEX[48 + i] = i
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i
  HEX[97 + i] = 10 + i
}

/** Words per key. */
export const KEY_WORDS = 4

const word = (hex: string, p: number): number => {
  let v = 0
  for (let k = 0; k < 8; k++) {
    const c = hex.charCodeAt(p + k)
    const d = c < 128 ? HEX[c]! : -1
    if (d < 0) throw new Error(`not a hex digit in a txid: '${hex.substring(p, p + 8)}'`)
    v = (v << 4) | d
  }
  return v
}

/**
 * Write the key of the txid `hex.substring(start, start + 64)` to `out[off..off+4)`.
 * Throws on a character that is not a hex digit (callers pass decoder or store output, so this means a bug).
 */
export function txidKeyInto(hex: string, start: number, out: Uint32Array, off: number): void {
  for (let w = 0; w < 4; w++) out[off + w] = (word(hex, start + 8 * w) ^ word(hex, start + 32 + 8 * w)) >>> 0
}

/**
 * Write the key of the txid whose 32 bytes, in internal byte order (as hashed, the reverse of the hex), are at
 * `bytes[start..start+32)` to `out[off..off+4)`: the same key `txidKeyInto` gives for its hex, without the hex. Hex
 * word w is the little-endian 32-bit word at byte 28 - 4w, so key word w = LE32(28 - 4w) ^ LE32(12 - 4w).
 */
export function txidKeyFromBytes(bytes: Uint8Array, start: number, out: Uint32Array, off: number): void {
  for (let w = 0; w < 4; w++) {
    const a = start + 28 - 4 * w
    const b = start + 12 - 4 * w
    out[off + w] =
      ((bytes[a]! | (bytes[a + 1]! << 8) | (bytes[a + 2]! << 16) | (bytes[a + 3]! << 24)) ^
        (bytes[b]! | (bytes[b + 1]! << 8) | (bytes[b + 2]! << 16) | (bytes[b + 3]! << 24))) >>>
      0
  }
}

/** The key of one txid (a fresh 4-word array). */
export function txidKey(hex: string): Uint32Array {
  if (hex.length !== 64) throw new Error(`not a 64-character txid: ${hex}`)
  const k = new Uint32Array(4)
  txidKeyInto(hex, 0, k, 0)
  return k
}

/**
 * Base58Check (legacy P2PKH/P2SH addresses). The general encoder/decoder is @scure/base's; the hot path, a
 * version byte plus a 20-byte hash (every P2PKH/P2SH/P2PK output), has its own BigInt-free fixed-size encoder:
 * the 25 bytes are converted to base 58^5 limbs two bytes at a time (all intermediates stay below 2^53), and the
 * checksum uses the allocation-free JS SHA-256 (faster than two native calls on 21 bytes). Both encoders are
 * cross-checked in base58check.test.ts.
 * @module
 */
import { createBase58check } from '@scure/base'
import { sha256 } from './hash.js'
import { sha256dInto } from './sha256dInto.js'

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const CHARS: string[] = Array.from(ALPHABET)
/** 58^5: each limb holds five base-58 digits. */
const LIMB = 656356768

const scure = createBase58check(sha256)
const buf25 = new Uint8Array(25)
const check = new Uint8Array(32)
const limbs = new Float64Array(8)

/**
 * Base58Check of `version` followed by the 20 bytes at `hash[off..off+20)`: the P2PKH / P2SH address.
 * No allocation besides the returned string.
 */
export function base58checkEncode21(version: number, hash: Uint8Array, off = 0): string {
  const b = buf25
  b[0] = version
  for (let i = 0; i < 20; i++) b[i + 1] = hash[off + i]!
  sha256dInto(b, 0, 21, check, 0)
  b[21] = check[0]!
  b[22] = check[1]!
  b[23] = check[2]!
  b[24] = check[3]!
  let zeros = 0
  while (zeros < 25 && b[zeros] === 0) zeros++
  // Big-endian bytes → little-endian limbs of base 58^5, two bytes (×65536) per step.
  let n = 0
  for (let i = 0; i < 25; i += 2) {
    const mul = i === 24 ? 256 : 65536
    let carry = i === 24 ? b[24]! : (b[i]! << 8) | b[i + 1]!
    for (let j = 0; j < n; j++) {
      const x = limbs[j]! * mul + carry
      carry = Math.floor(x / LIMB)
      limbs[j] = x - carry * LIMB
    }
    while (carry > 0) {
      const q = Math.floor(carry / LIMB)
      limbs[n++] = carry - q * LIMB
      carry = q
    }
  }
  // Limbs → digits, most significant first, skipping leading zero digits of the top limb.
  let s = ''
  for (let i = 0; i < zeros; i++) s += '1'
  let leading = true
  for (let j = n - 1; j >= 0; j--) {
    let v = limbs[j]!
    const d4 = v % 58
    v = (v - d4) / 58
    const d3 = v % 58
    v = (v - d3) / 58
    const d2 = v % 58
    v = (v - d2) / 58
    const d1 = v % 58
    const d0 = (v - d1) / 58
    if (leading) {
      if (d0 !== 0) leading = false
      if (!leading) s += CHARS[d0]!
      if (leading && d1 !== 0) leading = false
      if (!leading) s += CHARS[d1]!
      if (leading && d2 !== 0) leading = false
      if (!leading) s += CHARS[d2]!
      if (leading && d3 !== 0) leading = false
      if (!leading) s += CHARS[d3]!
      leading = false
      s += CHARS[d4]!
    } else {
      s += CHARS[d0]! + CHARS[d1]! + CHARS[d2]! + CHARS[d3]! + CHARS[d4]!
    }
  }
  return s
}

/** Base58Check of arbitrary bytes (version byte included by the caller). */
export function base58checkEncode(payload: Uint8Array): string {
  return scure.encode(payload)
}

/** Decode a Base58Check string to its payload (version byte first). Throws Error on bad characters or checksum. */
export function base58checkDecode(s: string): Uint8Array {
  return scure.decode(s)
}

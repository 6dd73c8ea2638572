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
const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0))
const ONE = 0x31 // '1'
const OUT_LEN = 40
const out = Buffer.alloc(OUT_LEN)
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
  // Limbs → digits, least significant first, written backwards into a scratch buffer (one native string
  // creation instead of 34 concatenations); then drop the leading zero digits of the top limb.
  let p = OUT_LEN
  for (let j = 0; j < n; j++) {
    // limbs are < 58^5 < 2^31: integer arithmetic (a double `%` would be a slow fmod call)
    let v = limbs[j]! | 0
    for (let k = 0; k < 5; k++) {
      const q = (v / 58) | 0
      out[--p] = CODES[v - q * 58]!
      v = q
    }
  }
  while (p < OUT_LEN && out[p] === ONE) p++
  for (let i = 0; i < zeros; i++) out[--p] = ONE
  return out.toString('latin1', p, OUT_LEN)
}

/** Base58Check of arbitrary bytes (version byte included by the caller). */
export function base58checkEncode(payload: Uint8Array): string {
  return scure.encode(payload)
}

/** Decode a Base58Check string to its payload (version byte first). Throws Error on bad characters or checksum. */
export function base58checkDecode(s: string): Uint8Array {
  return scure.decode(s)
}

/**
 * Base58Check (legacy P2PKH/P2SH addresses). The general encoder/decoder is @scure/base's; the hot path, a
 * version byte plus a 20-byte hash (every P2PKH/P2SH/P2PK output), has its own BigInt-free fixed-size encoder:
 * the 25 bytes are converted to base 58^5 limbs with per-position tables (all intermediates stay below 2^53), and
 * the checksum is one WebAssembly call (sha256Wasm.ts; faster than two native calls or the JS SHA-256 on 21 bytes). Both encoders are
 * cross-checked in base58check.test.ts.
 * @module
 */
import { createBase58check } from '@scure/base'
import { sha256 } from './hash.js'
import { latin1String } from './latin1String.js'
import { checksum21, checksumInput } from './sha256Wasm.js'

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0))
const ONE = 0x31 // '1'
const OUT_LEN = 40
const out = Buffer.alloc(OUT_LEN)
/** 58^5: each limb holds five base-58 digits. */
const LIMB = 656356768

const scure = createBase58check(sha256)
const limbs = new Float64Array(8)

/**
 * Positional tables for the 25-byte number: for byte position i (0 = most significant, weight 256^(24-i)) and
 * byte value v, the base-58^5 limbs (least significant first) of v·256^(24-i). Position i needs `LIMBS[i]` limbs
 * (7 for the top bytes, 1 for the last ones); row (i, v) starts at `OFFSET[i] + v·LIMBS[i]`. 26,112 doubles (204 KB),
 * built once from exact integer arithmetic (every intermediate is below 2^53).
 */
const LIMBS = new Uint8Array(25)
const OFFSET = new Int32Array(25)
const TABLE = (() => {
  const NL = 7 // 58^35 > 2^200
  const weights: Float64Array[] = new Array(25)
  const w = new Float64Array(NL)
  w[0] = 1
  for (let i = 24; i >= 0; i--) {
    weights[i] = Float64Array.from(w)
    let carry = 0
    for (let k = 0; k < NL; k++) {
      const x = w[k]! * 256 + carry
      carry = Math.floor(x / LIMB)
      w[k] = x - carry * LIMB
    }
  }
  /** Limbs of v·weight into row (no carry out: v·weight < 256^25 < 58^35). */
  const mul = (weight: Float64Array, v: number, row: Float64Array, at: number, n: number) => {
    let carry = 0
    for (let k = 0; k < n; k++) {
      const x = weight[k]! * v + carry
      carry = Math.floor(x / LIMB)
      row[at + k] = x - carry * LIMB
    }
  }
  const probe = new Float64Array(NL)
  let total = 0
  for (let i = 0; i < 25; i++) {
    mul(weights[i]!, 255, probe, 0, NL)
    let n = NL
    while (n > 1 && probe[n - 1] === 0) n--
    LIMBS[i] = n
    OFFSET[i] = total
    total += 256 * n
  }
  const t = new Float64Array(total)
  for (let i = 0; i < 25; i++)
    for (let v = 0; v < 256; v++) mul(weights[i]!, v, t, OFFSET[i]! + v * LIMBS[i]!, LIMBS[i]!)
  return t
})()

/**
 * Base58Check of `version` followed by the 20 bytes at `hash[off..off+20)`: the P2PKH / P2SH address.
 * No allocation besides the returned string.
 *
 * The 25 bytes (with checksum) are converted by adding one table row per byte (about 100 independent additions;
 * each limb sum stays below 25·58^5 < 2^35) and one carry pass over 7 limbs, instead of a multiply-and-divide
 * carry chain through the limbs for every byte pair (about 15% faster per address).
 */
export function base58checkEncode21(version: number, hash: Uint8Array, off = 0): string {
  const b = checksumInput
  b[0] = version
  for (let i = 0; i < 20; i++) b[i + 1] = hash[off + i]!
  return encodeChecked(checksum21())
}

/**
 * Same as base58checkEncode21, with the checksum already computed by the caller (`check`: the first 4 bytes of
 * sha256d(version ‖ hash) as a big-endian word). classifyOutputs computes four checksums per WebAssembly call.
 */
export function base58checkEncode21Checked(version: number, hash: Uint8Array, off: number, check: number): string {
  const b = checksumInput
  b[0] = version
  for (let i = 0; i < 20; i++) b[i + 1] = hash[off + i]!
  return encodeChecked(check)
}

/** Base58 of the 21 bytes in checksumInput followed by the checksum word `check`. */
function encodeChecked(check: number): string {
  const b = checksumInput
  b[21] = check >>> 24
  b[22] = (check >>> 16) & 255
  b[23] = (check >>> 8) & 255
  b[24] = check & 255
  let zeros = 0
  while (zeros < 25 && b[zeros] === 0) zeros++
  let a0 = 0
  let a1 = 0
  let a2 = 0
  let a3 = 0
  let a4 = 0
  let a5 = 0
  let a6 = 0
  const t = TABLE
  for (let i = 0; i < 25; i++) {
    const n = LIMBS[i]!
    const o = OFFSET[i]! + b[i]! * n
    a0 += t[o]!
    if (n > 1) {
      a1 += t[o + 1]!
      if (n > 2) {
        a2 += t[o + 2]!
        if (n > 3) {
          a3 += t[o + 3]!
          if (n > 4) {
            a4 += t[o + 4]!
            if (n > 5) {
              a5 += t[o + 5]!
              if (n > 6) a6 += t[o + 6]!
            }
          }
        }
      }
    }
  }
  // Carry pass: limbs back below 58^5 (a6 cannot overflow: the number is < 2^200 < 58^35).
  let c = Math.floor(a0 / LIMB)
  limbs[0] = a0 - c * LIMB
  a1 += c
  c = Math.floor(a1 / LIMB)
  limbs[1] = a1 - c * LIMB
  a2 += c
  c = Math.floor(a2 / LIMB)
  limbs[2] = a2 - c * LIMB
  a3 += c
  c = Math.floor(a3 / LIMB)
  limbs[3] = a3 - c * LIMB
  a4 += c
  c = Math.floor(a4 / LIMB)
  limbs[4] = a4 - c * LIMB
  a5 += c
  c = Math.floor(a5 / LIMB)
  limbs[5] = a5 - c * LIMB
  limbs[6] = a6 + c
  // Limbs → digits, least significant first, written backwards into a scratch buffer (one native string
  // creation instead of 34 concatenations); then drop the leading zero digits of the top limb.
  let p = OUT_LEN
  for (let j = 0; j < 7; j++) {
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
  return latin1String(out, p, OUT_LEN)
}

/** Base58Check of arbitrary bytes (version byte included by the caller). */
export function base58checkEncode(payload: Uint8Array): string {
  return scure.encode(payload)
}

/** Decode a Base58Check string to its payload (version byte first). Throws Error on bad characters or checksum. */
export function base58checkDecode(s: string): Uint8Array {
  return scure.decode(s)
}

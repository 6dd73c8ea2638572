/**
 * SegWit addresses: bech32 (BIP173) for witness version 0, bech32m (BIP350) for versions 1–16.
 * The encoder is written here for the decoding hot path (no word arrays, no allocation besides the string);
 * decoding uses @scure/base's bech32/bech32m and then applies the segwit rules of BIP173/BIP350.
 * Both are checked against the BIP173/BIP350 vectors and against @scure/base (segwitAddress.test.ts).
 * @module
 */
import { bech32, bech32m } from '@scure/base'
import { latin1String } from './latin1String.js'

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const CODES = Uint8Array.from(CHARSET, (c) => c.charCodeAt(0))
const out = Buffer.alloc(80)
const BECH32_CONST = 1
const BECH32M_CONST = 0x2bc830a3
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3] as const

/** 5-bit groups: version + ceil(40*8/5) program words + 6 checksum words. */
const words = new Uint8Array(1 + 64 + 6)

function polymodStep(chk: number, v: number): number {
  const top = chk >>> 25
  chk = ((chk & 0x1ffffff) << 5) ^ v
  if (top & 1) chk ^= GEN[0]
  if (top & 2) chk ^= GEN[1]
  if (top & 4) chk ^= GEN[2]
  if (top & 8) chk ^= GEN[3]
  if (top & 16) chk ^= GEN[4]
  return chk
}

const hrpCache = new Map<string, number>()
/** Checksum state after the expanded HRP (cached per HRP: there are only a handful). */
function hrpState(hrp: string): number {
  let chk = hrpCache.get(hrp)
  if (chk !== undefined) return chk
  chk = 1
  for (let i = 0; i < hrp.length; i++) chk = polymodStep(chk, hrp.charCodeAt(i) >> 5)
  chk = polymodStep(chk, 0)
  for (let i = 0; i < hrp.length; i++) chk = polymodStep(chk, hrp.charCodeAt(i) & 31)
  hrpCache.set(hrp, chk)
  return chk
}

/**
 * Encode a witness program as an address: `hrp` (bc, tb, bcrt), witness `version` 0–16 and the program
 * `src[off..off+len)` (2–40 bytes). Version 0 uses bech32, 1+ bech32m. The caller guarantees the ranges
 * (classifyScript only calls it on valid witness programs); `encodeSegwitAddress` checks them.
 */
export function encodeWitnessProgram(hrp: string, version: number, src: Uint8Array, off: number, len: number): string {
  words[0] = version
  let n = 1
  let acc = 0
  let bits = 0
  for (let i = 0; i < len; i++) {
    acc = ((acc << 8) | src[off + i]!) & 0xfff
    bits += 8
    while (bits >= 5) {
      bits -= 5
      words[n++] = (acc >>> bits) & 31
    }
  }
  if (bits > 0) words[n++] = (acc << (5 - bits)) & 31
  let chk = hrpState(hrp)
  for (let i = 0; i < n; i++) chk = polymodStep(chk, words[i]!)
  for (let i = 0; i < 6; i++) chk = polymodStep(chk, 0)
  chk ^= version === 0 ? BECH32_CONST : BECH32M_CONST
  // Build the data part in a scratch buffer: one native string instead of ~60 concatenations.
  for (let i = 0; i < n; i++) out[i] = CODES[words[i]!]!
  for (let i = 0; i < 6; i++) out[n + i] = CODES[(chk >>> (5 * (5 - i))) & 31]!
  return `${hrp}1${latin1String(out, 0, n + 6)}`
}

/** Encode a segwit address with range checks (version 0–16, program 2–40 bytes, 20 or 32 for version 0). */
export function encodeSegwitAddress(hrp: string, version: number, program: Uint8Array): string {
  if (!Number.isInteger(version) || version < 0 || version > 16) throw new RangeError(`bad witness version ${version}`)
  const len = program.length
  if (len < 2 || len > 40 || (version === 0 && len !== 20 && len !== 32)) {
    throw new RangeError(`bad witness program length ${len} for version ${version}`)
  }
  return encodeWitnessProgram(hrp, version, program, 0, len)
}

export type DecodedSegwitAddress = { readonly hrp: string; readonly version: number; readonly program: Uint8Array }

/**
 * Decode a segwit address and apply BIP173/BIP350: one case only, bech32 for v0 and bech32m for v1+, 2–40
 * program bytes (20 or 32 for v0), no excess or non-zero padding. The HRP is returned lowercase.
 * Throws Error with the reason when invalid.
 */
export function decodeSegwitAddress(address: string): DecodedSegwitAddress {
  if (address.length > 90) throw new Error('address too long')
  let decoded: { prefix: string; words: number[] }
  let isM = false
  try {
    decoded = bech32.decode(address as `${string}1${string}`, 90)
  } catch (e32) {
    try {
      decoded = bech32m.decode(address as `${string}1${string}`, 90)
      isM = true
    } catch {
      throw e32 instanceof Error ? e32 : new Error(String(e32))
    }
  }
  const [version, ...data] = decoded.words
  if (version === undefined) throw new Error('empty data section')
  if (version > 16) throw new Error(`invalid witness version ${version}`)
  if (version === 0 && isM) throw new Error('witness version 0 must use bech32, not bech32m')
  if (version !== 0 && !isM) throw new Error(`witness version ${version} must use bech32m, not bech32`)
  // fromWords rejects excess padding (> 4 bits) and non-zero padding.
  const program = bech32.fromWords(data)
  if (program.length < 2 || program.length > 40) throw new Error(`invalid program length ${program.length}`)
  if (version === 0 && program.length !== 20 && program.length !== 32) {
    throw new Error(`invalid program length ${program.length} for witness version 0`)
  }
  return { hrp: decoded.prefix.toLowerCase(), version, program }
}

/**
 * Hashing for Bitcoin structures. Node's native SHA-256 (OpenSSL) is several times faster than a JS
 * implementation on block-sized inputs, and hashing every byte is the decoding floor (BENCHMARKS.md).
 * @module
 */
import { getHashes, hash as nativeHash } from 'node:crypto'
import { ripemd160 } from '@noble/hashes/legacy.js'
import { latin1String } from './latin1String.js'

export function sha256(data: Uint8Array): Uint8Array {
  return nativeHash('sha256', data, 'buffer')
}

/** Double SHA-256 (txid, block hash, merkle nodes, Base58Check checksum). */
export function sha256d(data: Uint8Array): Uint8Array {
  return nativeHash('sha256', nativeHash('sha256', data, 'buffer'), 'buffer')
}

/** OpenSSL 3 builds may leave RIPEMD-160 to the legacy provider: fall back to the audited JS one. */
const nativeRipemd = getHashes().includes('ripemd160')

/** RIPEMD-160(SHA-256(data)): the 20-byte hash in P2PKH/P2WPKH scripts. */
export function hash160(data: Uint8Array): Uint8Array {
  if (nativeRipemd) {
    try {
      return nativeHash('ripemd160', sha256(data), 'buffer')
    } catch {
      // provider listed but unusable: use the JS implementation below
    }
  }
  return ripemd160(sha256(data))
}

const hexChars = '0123456789abcdef'
const byteHex: string[] = Array.from({ length: 256 }, (_, b) => hexChars[b >> 4]! + hexChars[b & 15]!)

/** Two hex characters per byte as one 16-bit unit in memory order, so a Uint16Array write emits both. */
const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1
const hexPair = Uint16Array.from({ length: 256 }, (_, b) => {
  const hi = hexChars.charCodeAt(b >> 4)
  const lo = hexChars.charCodeAt(b & 15)
  return littleEndian ? hi | (lo << 8) : (hi << 8) | lo
})
const hexOut = Buffer.alloc(128)
const hexOut16 = new Uint16Array(hexOut.buffer, hexOut.byteOffset, 64)

/** Hex of bytes in reverse order: internal byte order → display order (txids, block hashes). */
export function toHexReversed(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const n = end - start
  if (n <= 64) {
    // Hot path (every txid and prevout): table lookups into a scratch buffer, one native string creation.
    for (let i = 0; i < n; i++) hexOut16[i] = hexPair[bytes[end - 1 - i]!]!
    return latin1String(hexOut, 0, 2 * n)
  }
  let s = ''
  for (let i = end - 1; i >= start; i--) s += byteHex[bytes[i]!]!
  return s
}

export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = ''
  for (let i = start; i < end; i++) s += byteHex[bytes[i]!]!
  return s
}

/** Parse hex (even length, [0-9a-fA-F]) to bytes; throws RangeError on bad input. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError('invalid hex string')
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}

/** Display-order hex (txid, block hash) → internal byte order. */
export function fromHexReversed(hex: string): Uint8Array {
  return fromHex(hex).reverse()
}

/**
 * Decode the 80-byte block header at `offset`. The block hash is sha256d of those 80 bytes.
 * @module
 */
import { DecodeError } from '../core/errors.js'
import { sha256d, toHexReversed } from './hash.js'
import type { BtcBlockHeader } from './types.js'

export const HEADER_SIZE = 80

export function decodeBlockHeader(bytes: Uint8Array, offset = 0, where = 'block'): BtcBlockHeader {
  if (offset + HEADER_SIZE > bytes.length) {
    throw new DecodeError(
      `truncated block header in ${where} at offset ${offset}: need 80 bytes, have ${bytes.length - offset}`,
      {
        details: { where, offset },
      },
    )
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, HEADER_SIZE)
  return {
    hash: toHexReversed(sha256d(bytes.subarray(offset, offset + HEADER_SIZE))),
    version: dv.getInt32(0, true),
    prevHash: toHexReversed(bytes, offset + 4, offset + 36),
    merkleRoot: toHexReversed(bytes, offset + 36, offset + 68),
    time: dv.getUint32(68, true),
    bits: dv.getUint32(72, true),
    nonce: dv.getUint32(76, true),
  }
}

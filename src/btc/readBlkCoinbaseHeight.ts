/**
 * The BIP34 height of a block: the first push of its coinbase scriptSig, a CScriptNum. Lets a source that does
 * not start at genesis (a partial blocks dir, a single raw block) know its heights without asking the user.
 * @module
 */

function readVarInt(b: Uint8Array, p: number): [value: number, next: number] | null {
  const f = b[p]
  if (f === undefined) return null
  if (f < 0xfd) return [f, p + 1]
  if (f === 0xfd) return p + 3 <= b.length ? [b[p + 1]! | (b[p + 2]! << 8), p + 3] : null
  if (f === 0xfe) {
    return p + 5 <= b.length
      ? [(b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16)) + b[p + 4]! * 0x1000000, p + 5]
      : null
  }
  return null // 8-byte counts never occur in a coinbase prefix
}

/**
 * The height pushed first in the coinbase scriptSig of `block` (a full serialised block), or null when the
 * block's version is below 2 (BIP34 did not apply) or the script does not start with a number push.
 * Only meaningful for blocks after BIP34 activation (mainnet 227,931); earlier version-2 blocks usually carry
 * their height too, but nothing enforced it.
 */
export function coinbaseHeight(block: Uint8Array): number | null {
  if (block.length < 80 + 1 + 4 + 1 + 36 + 1) return null
  const version = new DataView(block.buffer, block.byteOffset, 4).getInt32(0, true)
  if (version < 2) return null
  const txCount = readVarInt(block, 80)
  if (!txCount || txCount[0] < 1) return null
  let p = txCount[1] + 4 // tx version
  if (block[p] === 0 && block[p + 1] === 1) p += 2 // segwit marker and flag
  const nIn = readVarInt(block, p)
  if (!nIn || nIn[0] < 1) return null
  p = nIn[1] + 36 // prevout (null for a coinbase)
  const len = readVarInt(block, p)
  if (!len || len[0] < 1 || len[1] + len[0] > block.length) return null
  p = len[1]
  const op = block[p]!
  if (op === 0) return 0
  if (op >= 0x51 && op <= 0x60) return op - 0x50 // OP_1..OP_16
  if (op < 1 || op > 4 || op >= len[0]) return null
  // CScriptNum: little-endian magnitude, sign bit in the top byte.
  let v = 0
  for (let i = op - 1; i >= 0; i--) v = v * 256 + (i === op - 1 ? block[p + 1 + i]! & 0x7f : block[p + 1 + i]!)
  if (block[p + op]! & 0x80) return null // negative: not a height
  return v
}

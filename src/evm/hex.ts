/**
 * Hex helpers for JSON-RPC quantities and data (EIP-1474: quantities are 0x-prefixed, no leading zeros).
 * @module
 */
import { DecodeError } from '../core/errors.js'

/** Quantity → bigint ("0x0" → 0n). Throws DecodeError naming `field` on garbage. */
export function hexBig(v: unknown, field: string): bigint {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v)
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]*$/.test(v))
    throw new DecodeError(`${field}: not a hex quantity: ${JSON.stringify(v)}`, { details: { field } })
  return v === '0x' ? 0n : BigInt(v)
}

export function hexBigOrNull(v: unknown, field: string): bigint | null {
  return v === undefined || v === null ? null : hexBig(v, field)
}

/** Quantity → safe integer number. */
export function hexNum(v: unknown, field: string): number {
  const b = hexBig(v, field)
  if (b > BigInt(Number.MAX_SAFE_INTEGER)) throw new DecodeError(`${field}: ${b} exceeds 2^53`, { details: { field } })
  return Number(b)
}

export function hexNumOrNull(v: unknown, field: string): number | null {
  return v === undefined || v === null ? null : hexNum(v, field)
}

/** Lowercase 0x address, or null. */
export function addrOrNull(v: unknown): string | null {
  return typeof v === 'string' && v.length > 2 ? v.toLowerCase() : null
}

/** 32-byte topic → address (last 20 bytes). */
export function topicAddress(t: string): string {
  return `0x${t.slice(-40)}`.toLowerCase()
}

/** Quantity-like number to "0x…" (for RPC params). */
export function toHex(n: number | bigint): string {
  return `0x${n.toString(16)}`
}

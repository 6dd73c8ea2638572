/**
 * Deterministic STIX 2.1 identifiers (STIX 2.1 §2.9): `<type>--UUIDv5(namespace, JCS(id-contributing properties))`.
 * Institutions deduplicate wallet SCOs only if they canonicalise addresses identically, so wallet ids are always
 * computed from the canonical address (sharing.md §1.4). JCS (RFC 8785) is implemented for what we hash: objects,
 * arrays, strings, integers, booleans and null.
 * @module
 */
import { createHash } from 'node:crypto'
import { canonicalAddress } from '../intel/canonicalAddress.js'

/** The STIX 2.1 namespace for SCO ids. */
export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7'
/** Ledgerhound's own namespace for SDO/SRO ids derived from local keys (label natural keys, incident ids). */
export const LEDGERHOUND_NAMESPACE = '6f3c2a9e-5b1d-4e7a-8c0f-2d4b6a8e1c3f'

/** RFC 8785 canonical JSON (keys sorted by UTF-16 code units, no whitespace, ES number formatting). */
export function jcs(v: unknown): string {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v)
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError('JCS: non-finite number')
    return JSON.stringify(v)
  }
  if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${jcs(o[k])}`).join(',')}}`
  }
  throw new TypeError(`JCS: cannot encode ${typeof v}`)
}

/** RFC 4122 UUID version 5 (SHA-1) of `name` in `namespace`. */
export function uuidv5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex')
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}

/** The STIX id of an SCO from its id-contributing properties. */
export function scoId(type: string, idContrib: Record<string, unknown>): string {
  return `${type}--${uuidv5(jcs(idContrib), STIX_SCO_NAMESPACE)}`
}

/** The `cryptocurrency-wallet` id of an address (canonicalised first: EVM and bech32 lowercase). */
export function walletId(address: string): string {
  return scoId('cryptocurrency-wallet', { value: canonicalAddress(address) })
}

/** The `cryptocurrency-transaction` id of a transaction hash (lowercase hex) on a ticker. */
export function transactionId(symbol: string, hash: string): string {
  return scoId('cryptocurrency-transaction', { symbol, value: hash.toLowerCase() })
}

/** A deterministic id for an SDO/SRO derived from a local key, so re-exports keep their ids. */
export function localId(type: string, key: string): string {
  return `${type}--${uuidv5(`${type}\u001f${key}`, LEDGERHOUND_NAMESPACE)}`
}

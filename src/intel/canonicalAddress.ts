/**
 * Address canonicalisation for matching, and input validation for screening.
 *
 * Intelligence keeps the published string (OFAC lists EVM addresses in EIP-55 mixed case); matching uses a
 * canonical key so that `0xABC…` and `0xabc…` hit the same label:
 * - EVM (`0x` + 40 hex): lowercase;
 * - bech32/bech32m (bc1, tb1, bcrt1, ltc1, tltc1, bnb1, zs1…) and BCH cashaddr: lowercase (cashaddr loses its
 *   optional `bitcoincash:` prefix);
 * - everything else (base58, Monero, Tron, Solana, XRP): case-sensitive, kept as is.
 *
 * The key is chain-agnostic on purpose: one EVM address is the same account on every EVM chain, and base58
 * strings of different chains differ by their version byte, so they do not collide.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bech32, bech32m, createBase58check } from '@scure/base'

export type AddressKind = 'evm' | 'bech32' | 'cashaddr' | 'base58check' | 'other'

const EVM = /^0x[0-9a-fA-F]{40}$/
const BECH32_HRPS = ['bc', 'tb', 'bcrt', 'ltc', 'tltc', 'bnb', 'zs']
const BECH32 = /^([a-zA-Z]{2,4})1([02-9ac-hj-np-zAC-HJ-NP-Z]{6,})$/
const CASHADDR = /^(?:bitcoincash:)?([qp][02-9ac-hj-np-z]{41})$/i
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/
const SAFE = /^[A-Za-z0-9:]+$/
const b58check = createBase58check(sha256)

/** Classify an address string by its shape (no checksum verification). */
export function addressKind(address: string): AddressKind {
  if (EVM.test(address)) return 'evm'
  const b = BECH32.exec(address)
  if (b && BECH32_HRPS.includes(b[1]!.toLowerCase()) && isOneCase(address)) return 'bech32'
  if (CASHADDR.test(address) && isOneCase(address)) return 'cashaddr'
  if (BASE58.test(address) && address.length >= 25 && address.length <= 35 && /^[13mn2LM]/.test(address))
    return 'base58check'
  return 'other'
}

function isOneCase(s: string): boolean {
  return s === s.toLowerCase() || s === s.toUpperCase()
}

/** The matching key of a published address (see module doc). Trims surrounding whitespace. */
export function canonicalAddress(address: string): string {
  const s = address.trim()
  switch (addressKind(s)) {
    case 'evm':
    case 'bech32':
      return s.toLowerCase()
    case 'cashaddr':
      return CASHADDR.exec(s)![1]!.toLowerCase()
    default:
      return s
  }
}

export type AddressCheck =
  | { ok: true; canonical: string; kind: AddressKind; checksum: 'valid' | 'none' }
  | { ok: false; reason: string }

/** Longest address string accepted by screening (Monero integrated addresses are 106 chars). */
export const MAX_ADDRESS_LENGTH = 128

/**
 * Validate an address typed by a user or sent to the API. Known formats are checksum-verified (bech32,
 * Bitcoin/Litecoin Base58Check); other chains' strings are accepted when they are plausible (alphanumeric,
 * 25–128 characters). Returns a clear reason on failure; never throws.
 */
export function checkAddress(input: unknown): AddressCheck {
  if (typeof input !== 'string') return { ok: false, reason: 'address must be a string' }
  const s = input.trim()
  if (s.length === 0) return { ok: false, reason: 'address is empty' }
  if (s.length > MAX_ADDRESS_LENGTH)
    return { ok: false, reason: `address longer than ${MAX_ADDRESS_LENGTH} characters` }
  if (!SAFE.test(s)) return { ok: false, reason: 'address contains characters outside [A-Za-z0-9:]' }
  if (/^0x/i.test(s) && !EVM.test(s)) return { ok: false, reason: 'EVM address must be 0x followed by 40 hex digits' }
  const kind = addressKind(s)
  const canonical = canonicalAddress(s)
  if (kind === 'evm') return { ok: true, canonical, kind, checksum: 'none' }
  if (kind === 'bech32') {
    const lower = s.toLowerCase()
    if (
      decodes(() => bech32.decode(lower as `${string}1${string}`, 120)) ||
      decodes(() => bech32m.decode(lower as `${string}1${string}`, 120))
    )
      return { ok: true, canonical, kind, checksum: 'valid' }
    return { ok: false, reason: 'bech32 address has a bad checksum' }
  }
  if (kind === 'base58check') {
    if (decodes(() => b58check.decode(s))) return { ok: true, canonical, kind, checksum: 'valid' }
    return { ok: false, reason: 'Base58Check address has a bad checksum' }
  }
  if (kind === 'cashaddr') return { ok: true, canonical, kind, checksum: 'none' }
  if (s.length < 25) return { ok: false, reason: 'address shorter than 25 characters' }
  if (s.includes(':')) return { ok: false, reason: 'address contains ":"' }
  return { ok: true, canonical, kind, checksum: 'none' }
}

function decodes(f: () => unknown): boolean {
  try {
    f()
    return true
  } catch {
    return false
  }
}

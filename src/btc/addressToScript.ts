/**
 * Address string → the scriptPubKey it pays to, for one network. This is how user input (`--address`, seeds,
 * label imports) is validated and turned into something comparable with decoded outputs.
 * @module
 */
import { InvalidInputError } from '../core/errors.js'
import { base58checkDecode } from './base58check.js'
import type { BtcNetwork } from './networks.js'
import { decodeSegwitAddress } from './segwitAddress.js'
import type { ClassifiedScript } from './types.js'

export type AddressToScriptReturnType = {
  readonly script: Uint8Array
  /** p2pkh, p2sh, p2wpkh, p2wsh, p2tr or witness_unknown. */
  readonly type: ClassifiedScript['type']
}

/**
 * Decode `address` for `network` and return its scriptPubKey and type.
 * Base58Check: 21-byte payload whose version is the network's P2PKH or P2SH prefix.
 * Bech32/bech32m: HRP of the network, BIP173/BIP350 rules (see segwitAddress.ts).
 * @throws InvalidInputError (code HOUND_ERR_INVALID_INPUT) naming the address and the reason
 */
export function addressToScript(address: string, network: BtcNetwork): AddressToScriptReturnType {
  if (typeof address !== 'string' || address.length === 0) throw invalid(String(address), 'empty address', network)
  let segwitError: string | null = null
  if (address.lastIndexOf('1') > 0) {
    let d: ReturnType<typeof decodeSegwitAddress> | null = null
    try {
      d = decodeSegwitAddress(address)
    } catch (e) {
      segwitError = e instanceof Error ? e.message : String(e)
    }
    if (d !== null) return segwitScript(address, d, network)
  }
  let payload: Uint8Array
  try {
    payload = base58checkDecode(address)
  } catch (e) {
    // Report the bech32 reason for strings that start like this network's segwit addresses.
    const looksSegwit = segwitError !== null && address.toLowerCase().startsWith(`${network.bech32Hrp}1`)
    throw invalid(address, looksSegwit ? segwitError! : e instanceof Error ? e.message : String(e), network)
  }
  if (payload.length !== 21) throw invalid(address, `payload is ${payload.length} bytes, expected 21`, network)
  const version = payload[0]
  if (version === network.pubKeyHashPrefix) {
    const script = new Uint8Array(25)
    script.set([0x76, 0xa9, 0x14], 0)
    script.set(payload.subarray(1), 3)
    script[23] = 0x88
    script[24] = 0xac
    return { script, type: 'p2pkh' }
  }
  if (version === network.scriptHashPrefix) {
    const script = new Uint8Array(23)
    script[0] = 0xa9
    script[1] = 0x14
    script.set(payload.subarray(1), 2)
    script[22] = 0x87
    return { script, type: 'p2sh' }
  }
  throw invalid(
    address,
    `version byte 0x${version!.toString(16).padStart(2, '0')} is not used on this network`,
    network,
  )
}

function segwitScript(
  address: string,
  d: ReturnType<typeof decodeSegwitAddress>,
  network: BtcNetwork,
): AddressToScriptReturnType {
  if (d.hrp !== network.bech32Hrp) throw invalid(address, `prefix ${d.hrp} is not ${network.bech32Hrp}`, network)
  const p = d.program
  const script = new Uint8Array(2 + p.length)
  script[0] = d.version === 0 ? 0 : 0x50 + d.version
  script[1] = p.length
  script.set(p, 2)
  const type =
    d.version === 0
      ? p.length === 20
        ? 'p2wpkh'
        : 'p2wsh'
      : d.version === 1 && p.length === 32
        ? 'p2tr'
        : 'witness_unknown'
  return { script, type }
}

/** True when `address` is valid for `network` (never throws). */
export function isValidAddress(address: string, network: BtcNetwork): boolean {
  try {
    addressToScript(address, network)
    return true
  } catch {
    return false
  }
}

function invalid(address: string, reason: string, network: BtcNetwork): InvalidInputError {
  const shown = address.length > 100 ? `${address.slice(0, 100)}…` : address
  return new InvalidInputError(`invalid ${network.name} address '${shown}': ${reason}`, {
    details: { field: 'address', value: shown, network: network.name, reason },
  })
}

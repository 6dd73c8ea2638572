/**
 * Classify an output script (scriptPubKey) and derive its address, following Bitcoin Core's `Solver`
 * (`src/script/solver.cpp`) so our types agree with Core's `scriptPubKey.type` in RPC output:
 *
 * | type | pattern | address |
 * |---|---|---|
 * | p2pkh | `OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG` | Base58Check, pubKeyHashPrefix |
 * | p2sh | `OP_HASH160 <20> OP_EQUAL` | Base58Check, scriptHashPrefix |
 * | p2wpkh / p2wsh | `OP_0 <20>` / `OP_0 <32>` | bech32 |
 * | p2tr | `OP_1 <32>` | bech32m |
 * | witness_unknown | `OP_1..OP_16 <2..40>` (not P2TR; includes P2A anchors) | bech32m |
 * | p2pk | `<33 or 65-byte pubkey> OP_CHECKSIG` (header byte 02/03 or 04/06/07) | the P2PKH address of the key |
 * | multisig | `OP_m <pubkeys…> OP_n OP_CHECKMULTISIG`, 1 ≤ m ≤ n ≤ 20 | none |
 * | nulldata | `OP_RETURN` followed only by pushes | none |
 * | nonstandard | anything else, including `OP_0 <other length>` | none |
 *
 * The result for types without an address is a shared frozen object (no allocation on the hot path).
 * @module
 */
import type { ScriptType } from '../core/model.js'
import { base58checkEncode21 } from './base58check.js'
import { hash160 } from './hash.js'
import type { BtcNetwork } from './networks.js'
import { encodeWitnessProgram } from './segwitAddress.js'
import type { ClassifiedScript } from './types.js'

const OP_0 = 0x00
const OP_PUSHDATA1 = 0x4c
const OP_PUSHDATA2 = 0x4d
const OP_PUSHDATA4 = 0x4e
const OP_1 = 0x51
const OP_16 = 0x60
const OP_RETURN = 0x6a
const OP_DUP = 0x76
const OP_EQUAL = 0x87
const OP_EQUALVERIFY = 0x88
const OP_HASH160 = 0xa9
const OP_CHECKSIG = 0xac
const OP_CHECKMULTISIG = 0xae

const fixed = (type: ScriptType): ClassifiedScript => Object.freeze({ type, address: null })
const NONSTANDARD = fixed('nonstandard')
const NULLDATA = fixed('nulldata')
const MULTISIG = fixed('multisig')

/** Classify `script` and give its address on `network` (null for multisig, nulldata, nonstandard). */
export function classifyScript(script: Uint8Array, network: BtcNetwork): ClassifiedScript {
  const len = script.length
  const op0 = script[0]
  // P2PKH: 76 a9 14 <20> 88 ac
  if (
    len === 25 &&
    op0 === OP_DUP &&
    script[1] === OP_HASH160 &&
    script[2] === 20 &&
    script[23] === OP_EQUALVERIFY &&
    script[24] === OP_CHECKSIG
  ) {
    return { type: 'p2pkh', address: base58checkEncode21(network.pubKeyHashPrefix, script, 3) }
  }
  // P2SH: a9 14 <20> 87
  if (len === 23 && op0 === OP_HASH160 && script[1] === 20 && script[22] === OP_EQUAL) {
    return { type: 'p2sh', address: base58checkEncode21(network.scriptHashPrefix, script, 2) }
  }
  // Witness program: version opcode then one direct push of 2..40 bytes filling the script.
  if (len >= 4 && len <= 42 && (op0 === OP_0 || (op0! >= OP_1 && op0! <= OP_16)) && script[1] === len - 2) {
    const version = op0 === OP_0 ? 0 : op0! - 0x50
    const plen = len - 2
    if (version === 0) {
      if (plen === 20) return { type: 'p2wpkh', address: encodeWitnessProgram(network.bech32Hrp, 0, script, 2, 20) }
      if (plen === 32) return { type: 'p2wsh', address: encodeWitnessProgram(network.bech32Hrp, 0, script, 2, 32) }
      return NONSTANDARD
    }
    const address = encodeWitnessProgram(network.bech32Hrp, version, script, 2, plen)
    if (version === 1 && plen === 32) return { type: 'p2tr', address }
    return { type: 'witness_unknown', address }
  }
  if (len >= 1 && op0 === OP_RETURN) return isPushOnly(script, 1) ? NULLDATA : NONSTANDARD
  // P2PK: <pubkey> OP_CHECKSIG
  if (len === 35 && op0 === 33 && script[34] === OP_CHECKSIG && pubKeyLen(script[1]!) === 33) {
    return { type: 'p2pk', address: base58checkEncode21(network.pubKeyHashPrefix, hash160(script.subarray(1, 34))) }
  }
  if (len === 67 && op0 === 65 && script[66] === OP_CHECKSIG && pubKeyLen(script[1]!) === 65) {
    return { type: 'p2pk', address: base58checkEncode21(network.pubKeyHashPrefix, hash160(script.subarray(1, 66))) }
  }
  if (len >= 1 && script[len - 1] === OP_CHECKMULTISIG && isMultisig(script)) return MULTISIG
  return NONSTANDARD
}

/** Core's CPubKey::GetLen: the length a public key with this header byte must have (0 = invalid header). */
function pubKeyLen(header: number): number {
  if (header === 2 || header === 3) return 33
  if (header === 4 || header === 6 || header === 7) return 65
  return 0
}

// GetOp state: the opcode read and where its push data sits (dataStart..dataEnd).
let opcode = 0
let dataStart = 0
let dataEnd = 0

/** Core's CScript::GetOp: read the op at `p`; returns the next position or -1 when the script is malformed. */
function getOp(s: Uint8Array, p: number): number {
  const len = s.length
  if (p >= len) return -1
  const op = s[p++]!
  opcode = op
  if (op > OP_PUSHDATA4) {
    dataStart = dataEnd = p
    return p
  }
  let n: number
  if (op < OP_PUSHDATA1) n = op
  else if (op === OP_PUSHDATA1) {
    if (p + 1 > len) return -1
    n = s[p]!
    p += 1
  } else if (op === OP_PUSHDATA2) {
    if (p + 2 > len) return -1
    n = s[p]! | (s[p + 1]! << 8)
    p += 2
  } else {
    if (p + 4 > len) return -1
    n = (s[p]! | (s[p + 1]! << 8) | (s[p + 2]! << 16) | (s[p + 3]! << 24)) >>> 0
    p += 4
  }
  if (p + n > len) return -1
  dataStart = p
  dataEnd = p + n
  return p + n
}

/** Core's CScript::IsPushOnly from position `p`: only push opcodes (≤ OP_16) and well-formed pushes. */
function isPushOnly(s: Uint8Array, p: number): boolean {
  while (p < s.length) {
    p = getOp(s, p)
    if (p < 0 || opcode > OP_16) return false
  }
  return true
}

/** Core's GetScriptNumber for m/n: OP_1..OP_16, or a minimal 1-byte push of 17..20. Returns 0 when not. */
function scriptSmallNumber(min: number): number {
  let v = 0
  if (opcode >= OP_1 && opcode <= OP_16) v = opcode - 0x50
  else if (opcode === 1 && dataEnd - dataStart === 1) {
    // A 1-byte push is the minimal encoding only for values OP_N cannot express (17..20 here).
    // dataStart was set by getOp over the same script.
    v = multisigScript[dataStart]!
    if (v <= 16 || v > 0x7f) v = 0
  }
  return v >= min && v <= 20 ? v : 0
}

let multisigScript: Uint8Array = new Uint8Array(0)

/** Core's MatchMultisig: OP_m <valid-size pubkeys…> OP_n OP_CHECKMULTISIG with n = number of keys, m ≤ n ≤ 20. */
function isMultisig(s: Uint8Array): boolean {
  multisigScript = s
  let p = getOp(s, 0)
  if (p < 0) return false
  const m = scriptSmallNumber(1)
  if (m === 0) return false
  let keys = 0
  for (;;) {
    p = getOp(s, p)
    if (p < 0) return false
    const n = dataEnd - dataStart
    if (n === 0 || pubKeyLen(s[dataStart]!) !== n) break
    keys++
  }
  const n = scriptSmallNumber(m)
  if (n === 0 || n !== keys) return false
  return p + 1 === s.length
}

/**
 * Deterministic placeholder keys, output scripts, spending data and addresses. A key is identified by
 * (keyId, index) and derived as sha256(seedHash ‖ u32 keyId ‖ u32 index), so the simulator never stores addresses:
 * it re-derives the key when a coin is spent. Scripts are well-formed (P2PKH 25 bytes; P2SH-P2WPKH with the
 * redeem-script push in scriptSig and a witness; P2WPKH witness [71–72-byte DER sig, 33-byte key]; P2TR key-path
 * witness [64-byte sig]) but signatures are random bytes of the right shape and size: nothing here verifies.
 * @module
 */
import { getHashes, hash } from 'node:crypto'
import { createBase58check } from '@scure/base'
import { hash160 as nobleHash160 } from '../btc/hash.js'
import type { BtcNetwork } from '../btc/networks.js'
import { sha256SmallInto } from '../btc/sha256dInto.js'
import type { Rng } from './prng.js'

/** Script kinds the simulator emits. Stored as small integers in coins. */
export const P2PKH = 0
export const P2SH_P2WPKH = 1
export const P2WPKH = 2
export const P2TR = 3
export type ScriptKind = 0 | 1 | 2 | 3

/** Output scriptType names as the store classifies them (P2SH-P2WPKH is a `p2sh` output). */
export const kindScriptType = ['p2pkh', 'p2sh', 'p2wpkh', 'p2tr'] as const

/** Estimated virtual size of spending one input of each kind (vbytes, rounded up). */
export const inputVsize = [148, 91, 68, 58] as const
/** Virtual size of one output of each kind. */
export const outputVsize = [34, 32, 31, 43] as const

const nodeRipemd = getHashes().includes('ripemd160')
const h32 = new Uint8Array(32)

function hash160(data: Uint8Array): Uint8Array {
  if (!nodeRipemd) return nobleHash160(data)
  sha256SmallInto(data, 0, data.length, h32, 0)
  return hash('ripemd160', h32, 'buffer')
}

function sha256(data: Uint8Array): Uint8Array {
  return hash('sha256', data, 'buffer')
}

/** Estimated vsize of a transaction with the given input and output kinds plus extra output bytes. */
export function estimateVsize(inKinds: readonly number[], outKinds: readonly number[], extraOutBytes = 0): number {
  let v = 10
  let segwit = false
  for (const k of inKinds) {
    v += inputVsize[k]!
    if (k !== P2PKH) segwit = true
  }
  for (const k of outKinds) v += outputVsize[k]!
  return Math.ceil(v + extraOutBytes + (segwit ? 0.5 : 0))
}

export type SpendData = { scriptSig: Uint8Array; witness: Uint8Array[] }

const EMPTY = new Uint8Array(0)

/** Derives keys, scripts, addresses and placeholder spending data for one simulated chain. */
export class KeyDeriver {
  private readonly seedHash: Uint8Array
  private readonly pre = new Uint8Array(40)
  private readonly preView: DataView
  private readonly b58: ReturnType<typeof createBase58check>

  constructor(
    seed: string,
    readonly network: BtcNetwork,
  ) {
    this.seedHash = sha256(new TextEncoder().encode(`ledgerhound-sim/${seed}`))
    this.pre.set(this.seedHash, 0)
    this.preView = new DataView(this.pre.buffer)
    this.b58 = createBase58check(sha256)
  }

  /** 32 bytes of key material for (keyId, index). */
  material(keyId: number, index: number): Uint8Array {
    this.preView.setUint32(32, keyId >>> 0, true)
    this.preView.setUint32(36, index >>> 0, true)
    const out = new Uint8Array(32)
    sha256SmallInto(this.pre, 0, 40, out, 0)
    return out
  }

  /** Placeholder compressed public key (33 bytes, 02/03 prefix). */
  pubkey(keyId: number, index: number): Uint8Array {
    const m = this.material(keyId, index)
    const pk = new Uint8Array(33)
    pk[0] = 2 + (m[31]! & 1)
    pk.set(m, 1)
    return pk
  }

  /** The 20- or 32-byte program of the output: hash160(pubkey), hash160(redeem) or the taproot x-only key. */
  program(kind: ScriptKind, keyId: number, index: number): Uint8Array {
    if (kind === P2TR) return this.material(keyId, index ^ 0x5a5a5a5a)
    const h = hash160(this.pubkey(keyId, index))
    if (kind === P2SH_P2WPKH) return hash160(redeemScript(h))
    return h
  }

  /** Output script and program for a key. */
  outputScript(kind: ScriptKind, keyId: number, index: number): Uint8Array {
    return scriptFromProgram(kind, this.program(kind, keyId, index))
  }

  /** Address string of an output script built by `scriptFromProgram`. */
  address(kind: ScriptKind, program: Uint8Array): string {
    const n = this.network
    switch (kind) {
      case P2PKH:
        return this.b58.encode(Uint8Array.of(n.pubKeyHashPrefix, ...program))
      case P2SH_P2WPKH:
        return this.b58.encode(Uint8Array.of(n.scriptHashPrefix, ...program))
      case P2WPKH:
        return segwitAddress(n.bech32Hrp, 0, program)
      default:
        return segwitAddress(n.bech32Hrp, 1, program)
    }
  }

  /** scriptSig and witness that spend an output of `kind` owned by (keyId, index). */
  spend(kind: ScriptKind, keyId: number, index: number, rng: Rng): SpendData {
    if (kind === P2TR) return { scriptSig: EMPTY, witness: [rng.fill(new Uint8Array(64))] }
    const pk = this.pubkey(keyId, index)
    const sig = derSig(rng)
    if (kind === P2PKH) {
      const s = new Uint8Array(2 + sig.length + pk.length)
      s[0] = sig.length
      s.set(sig, 1)
      s[1 + sig.length] = 33
      s.set(pk, 2 + sig.length)
      return { scriptSig: s, witness: [] }
    }
    if (kind === P2WPKH) return { scriptSig: EMPTY, witness: [sig, pk] }
    const redeem = redeemScript(hash160(pk))
    const ss = new Uint8Array(1 + redeem.length)
    ss[0] = redeem.length
    ss.set(redeem, 1)
    return { scriptSig: ss, witness: [sig, pk] }
  }
}

/** P2SH-P2WPKH redeem script: OP_0 PUSH20 <keyhash>. */
function redeemScript(h: Uint8Array): Uint8Array {
  const r = new Uint8Array(22)
  r[0] = 0x00
  r[1] = 0x14
  r.set(h, 2)
  return r
}

export function scriptFromProgram(kind: ScriptKind, p: Uint8Array): Uint8Array {
  switch (kind) {
    case P2PKH: {
      const s = new Uint8Array(25)
      s.set([0x76, 0xa9, 0x14], 0)
      s.set(p, 3)
      s[23] = 0x88
      s[24] = 0xac
      return s
    }
    case P2SH_P2WPKH: {
      const s = new Uint8Array(23)
      s.set([0xa9, 0x14], 0)
      s.set(p, 2)
      s[22] = 0x87
      return s
    }
    case P2WPKH: {
      const s = new Uint8Array(22)
      s.set([0x00, 0x14], 0)
      s.set(p, 2)
      return s
    }
    default: {
      const s = new Uint8Array(34)
      s.set([0x51, 0x20], 0)
      s.set(p, 2)
      return s
    }
  }
}

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3] as const

function polymodStep(pre: number): number {
  const b = pre >>> 25
  return (
    (((pre & 0x1ffffff) << 5) ^
      (-(b & 1) & GEN[0]) ^
      (-((b >>> 1) & 1) & GEN[1]) ^
      (-((b >>> 2) & 1) & GEN[2]) ^
      (-((b >>> 3) & 1) & GEN[3]) ^
      (-((b >>> 4) & 1) & GEN[4])) >>>
    0
  )
}

const hrpState = new Map<string, number>()

/**
 * BIP173/BIP350 segwit address (bech32 for v0, bech32m for v1+), written for speed: the simulator encodes an
 * address for every new output. Checked against @scure/base in keys.test.ts.
 */
export function segwitAddress(hrp: string, version: number, program: Uint8Array): string {
  let chk = hrpState.get(hrp)
  if (chk === undefined) {
    chk = 1
    for (let i = 0; i < hrp.length; i++) chk = polymodStep(chk) ^ (hrp.charCodeAt(i) >> 5)
    chk = polymodStep(chk)
    for (let i = 0; i < hrp.length; i++) chk = polymodStep(chk) ^ (hrp.charCodeAt(i) & 31)
    hrpState.set(hrp, chk)
  }
  let out = `${hrp}1${CHARSET[version]}`
  chk = polymodStep(chk) ^ version
  let acc = 0
  let bits = 0
  for (let i = 0; i < program.length; i++) {
    acc = ((acc << 8) | program[i]!) & 0xfff
    bits += 8
    while (bits >= 5) {
      bits -= 5
      const w = (acc >>> bits) & 31
      chk = polymodStep(chk) ^ w
      out += CHARSET[w]
    }
  }
  if (bits > 0) {
    const w = (acc << (5 - bits)) & 31
    chk = polymodStep(chk) ^ w
    out += CHARSET[w]
  }
  for (let i = 0; i < 6; i++) chk = polymodStep(chk)
  chk = (chk ^ (version === 0 ? 1 : 0x2bc830a3)) >>> 0
  for (let i = 0; i < 6; i++) out += CHARSET[(chk >>> (5 * (5 - i))) & 31]
  return out
}

/** A DER-encoded ECDSA signature placeholder with SIGHASH_ALL: 71 or 72 bytes, low-S, minimal integers. */
export function derSig(rng: Rng): Uint8Array {
  const r0 = rng.u32() & 0xff || 1
  const rPad = r0 >= 0x80 ? 1 : 0
  const rLen = 32 + rPad
  const out = new Uint8Array(6 + rLen + 32 + 1)
  out[0] = 0x30
  out[1] = 4 + rLen + 32
  out[2] = 0x02
  out[3] = rLen
  const r = 4 + rPad
  rng.fill(out, r + 1, r + 32)
  out[r] = r0
  const s = r + 32
  out[s] = 0x02
  out[s + 1] = 32
  rng.fill(out, s + 3, s + 34)
  out[s + 2] = (rng.u32() & 0x7f) | 0x01
  out[s + 34] = 0x01
  return out
}

/** OP_RETURN script with one data push (≤ 80 bytes). */
export function opReturnScript(data: Uint8Array): Uint8Array {
  if (data.length > 80) throw new RangeError('OP_RETURN data over 80 bytes')
  const pre = data.length <= 75 ? [0x6a, data.length] : [0x6a, 0x4c, data.length]
  const s = new Uint8Array(pre.length + data.length)
  s.set(pre, 0)
  s.set(data, pre.length)
  return s
}

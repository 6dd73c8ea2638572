/**
 * Decoded Bitcoin structures (wire format: legacy and BIP144 SegWit serialisation).
 *
 * Hashes are lowercase hex in display order (reversed bytes, as Bitcoin Core prints them).
 * Scripts are `Uint8Array` views into the block buffer (no copy): do not mutate them.
 * @module
 */
import type { ScriptType } from '../core/model.js'

export type BtcNetworkName = 'mainnet' | 'testnet' | 'signet' | 'regtest'

export type BtcBlockHeader = {
  readonly hash: string
  readonly version: number
  readonly prevHash: string
  readonly merkleRoot: string
  /** Unix seconds. */
  readonly time: number
  readonly bits: number
  readonly nonce: number
}

export type BtcTxIn = {
  /** Display-order hex; all zeros for a coinbase. */
  readonly prevTxid: string
  /** 0xffffffff for a coinbase. */
  readonly prevVout: number
  readonly scriptSig: Uint8Array
  readonly sequence: number
  /** Witness stack items; empty array for non-witness inputs. */
  readonly witness: readonly Uint8Array[]
}

export type BtcTxOut = {
  /** Satoshi. */
  readonly value: number
  readonly script: Uint8Array
}

export type BtcTx = {
  readonly txid: string
  /**
   * Equals txid for non-SegWit transactions. For SegWit ones it is computed from the block buffer on first access
   * (a getter, not an own property: `{ ...tx }` does not copy it).
   */
  readonly wtxid: string
  readonly version: number
  readonly locktime: number
  readonly inputs: readonly BtcTxIn[]
  readonly outputs: readonly BtcTxOut[]
  readonly segwit: boolean
  readonly coinbase: boolean
  /** Serialised size in bytes (with witness). */
  readonly size: number
  /** BIP141 weight = base size * 3 + total size. */
  readonly weight: number
  readonly vsize: number
}

export type BtcBlock = {
  readonly header: BtcBlockHeader
  readonly txs: readonly BtcTx[]
  /** Serialised size in bytes. */
  readonly size: number
}

/** An output script classified, with its address (null when the type has none). */
export type ClassifiedScript = {
  readonly type: ScriptType
  readonly address: string | null
}

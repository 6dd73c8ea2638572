/**
 * The compact in-memory UTXO transaction graph that clustering, tracing and detection run on.
 *
 * Everything is a dense integer index into typed arrays (style.md §8):
 * - transactions `t` in chain order (height, then position in block), 0..txCount-1;
 * - inputs `i` grouped by transaction (CSR: inputs of t are txInStart[t]..txInStart[t+1]-1, in vin order);
 * - outputs `o` grouped by transaction (CSR: outputs of t are txOutStart[t]..txOutStart[t+1]-1, in vout order);
 * - addresses `a` are the store's dense address ids (so no remapping between store and graph).
 *
 * Offsets arrays have n+1 slots so row t is start[t]..start[t+1] with no bounds special case.
 * Uint32/Int32 because a graph partition holds fewer than 2^31 inputs/outputs (checked in `fromColumns`).
 * Satoshi values are Float64 (exact below 2^53).
 *
 * Names (txids, address strings) are kept packed (32 bytes per txid, one buffer for address strings)
 * and resolved only when a result is printed.
 * @module
 */
import { InvariantError } from '../core/errors.js'
import type { ScriptType } from '../core/model.js'
import { scriptTypeFromCode } from '../core/model.js'

export const TX_COINBASE = 1
export const TX_SEGWIT = 2
/** At least one input signals BIP125 replaceability (nSequence < 0xfffffffe). */
export const TX_RBF = 4

/** Forward and reverse lookups between dense indices and the strings users type. */
export interface GraphNames {
  txid(t: number): string
  /** -1 when the txid is not in the graph. */
  txIndex(txid: string): number
  /** null when the address id has no string (should not happen for ids the graph references). */
  address(a: number): string | null
  /** -1 when unknown. */
  addressIndex(address: string): number
}

export type UtxoGraph = {
  readonly txCount: number
  readonly inputCount: number
  readonly outputCount: number
  /** Upper bound (exclusive) of address ids referenced by outputs. */
  readonly addressCount: number

  readonly txHeight: Uint32Array
  /** Block time, unix seconds. */
  readonly txTime: Uint32Array
  readonly txVersion: Int32Array
  readonly txLocktime: Uint32Array
  readonly txVsize: Uint32Array
  /** Bit set of TX_COINBASE | TX_SEGWIT | TX_RBF. */
  readonly txFlags: Uint8Array
  readonly txInStart: Uint32Array
  readonly txOutStart: Uint32Array

  readonly inTx: Uint32Array
  /** Output index funding this input, or -1 (coinbase or prevout outside the graph). */
  readonly inPrevOut: Int32Array
  readonly inSequence: Uint32Array
  /** Input value when known (resolved prevout), else NaN. Kept separately so slices with unresolved prevouts still know values the store resolved. */
  readonly inValue: Float64Array
  /** Input address id when known, else -1. */
  readonly inAddr: Int32Array

  readonly outTx: Uint32Array
  readonly outValue: Float64Array
  /** Address id, or -1 for outputs without an address (nulldata, bare multisig, nonstandard). */
  readonly outAddr: Int32Array
  /** Script type code (see core/model scriptTypes). */
  readonly outType: Uint8Array
  /** Input index spending this output, or -1 (unspent, or spent outside the graph). */
  readonly outSpentBy: Int32Array

  /** address → outputs CSR, outputs in chain order. */
  readonly addrOutStart: Uint32Array
  readonly addrOuts: Uint32Array

  readonly names: GraphNames
}

/** Raw columns from which a graph is assembled (by the builder for tests, by the store loader in production). */
export type UtxoGraphColumns = {
  txHeight: Uint32Array
  txTime: Uint32Array
  txVersion: Int32Array
  txLocktime: Uint32Array
  txVsize: Uint32Array
  txFlags: Uint8Array
  txInStart: Uint32Array
  txOutStart: Uint32Array
  inPrevOut: Int32Array
  inSequence: Uint32Array
  inValue: Float64Array
  inAddr: Int32Array
  outValue: Float64Array
  outAddr: Int32Array
  outType: Uint8Array
  names: GraphNames
}

/** Assemble a graph: derive inTx, outTx, outSpentBy and the address CSR from the columns. O(n). */
export function fromColumns(c: UtxoGraphColumns): UtxoGraph {
  const txCount = c.txHeight.length
  const inputCount = c.inPrevOut.length
  const outputCount = c.outValue.length
  if (inputCount >= 2 ** 31 || outputCount >= 2 ** 31) {
    throw new InvariantError(`graph partition too large: ${inputCount} inputs, ${outputCount} outputs (limit 2^31)`)
  }
  if (c.txInStart.length !== txCount + 1 || c.txOutStart.length !== txCount + 1) {
    throw new InvariantError('txInStart/txOutStart must have txCount + 1 slots')
  }
  // locals: the loops below run over every input and output, so keep property loads out of them
  const { txInStart, txOutStart, inPrevOut, inValue, inAddr, outValue, outAddr } = c
  const inTx = new Uint32Array(inputCount)
  const outTx = new Uint32Array(outputCount)
  for (let t = 0; t < txCount; t++) {
    for (let i = txInStart[t]!, e = txInStart[t + 1]!; i < e; i++) inTx[i] = t
    for (let o = txOutStart[t]!, e = txOutStart[t + 1]!; o < e; o++) outTx[o] = t
  }
  const outSpentBy = new Int32Array(outputCount).fill(-1)
  for (let i = 0; i < inputCount; i++) {
    const o = inPrevOut[i]!
    if (o >= 0) {
      outSpentBy[o] = i
      // Inputs whose prevout is in the graph always know value and address from it.
      inValue[i] = outValue[o]!
      inAddr[i] = outAddr[o]!
    }
  }
  let addressCount = 0
  for (let o = 0; o < outputCount; o++) {
    const a = outAddr[o]!
    if (a + 1 > addressCount) addressCount = a + 1
  }
  for (let i = 0; i < inputCount; i++) {
    const a = inAddr[i]!
    if (a + 1 > addressCount) addressCount = a + 1
  }
  const addrOutStart = new Uint32Array(addressCount + 1)
  for (let o = 0; o < outputCount; o++) {
    const a = outAddr[o]!
    if (a >= 0) addrOutStart[a + 1]!++
  }
  for (let a = 0; a < addressCount; a++) addrOutStart[a + 1]! += addrOutStart[a]!
  const fill = addrOutStart.slice(0, addressCount)
  const addrOuts = new Uint32Array(addrOutStart[addressCount]!)
  for (let o = 0; o < outputCount; o++) {
    const a = outAddr[o]!
    if (a >= 0) addrOuts[fill[a]!++] = o
  }
  return { ...c, txCount, inputCount, outputCount, addressCount, inTx, outTx, outSpentBy, addrOutStart, addrOuts }
}

export function isCoinbase(g: UtxoGraph, t: number): boolean {
  return (g.txFlags[t]! & TX_COINBASE) !== 0
}

export function inputsOf(g: UtxoGraph, t: number): [start: number, end: number] {
  return [g.txInStart[t]!, g.txInStart[t + 1]!]
}

export function outputsOf(g: UtxoGraph, t: number): [start: number, end: number] {
  return [g.txOutStart[t]!, g.txOutStart[t + 1]!]
}

/** Output's position in its transaction (vout). */
export function voutOf(g: UtxoGraph, o: number): number {
  return o - g.txOutStart[g.outTx[o]!]!
}

/** Sum of input values, or NaN if any input value is unknown (coinbase inputs count as 0). */
export function inputSum(g: UtxoGraph, t: number): number {
  if (isCoinbase(g, t)) return 0
  let s = 0
  for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) s += g.inValue[i]!
  return s
}

export function outputSum(g: UtxoGraph, t: number): number {
  let s = 0
  for (let o = g.txOutStart[t]!; o < g.txOutStart[t + 1]!; o++) s += g.outValue[o]!
  return s
}

/** Fee in satoshi, 0 for coinbase, null when an input value is unknown. */
export function feeOf(g: UtxoGraph, t: number): number | null {
  if (isCoinbase(g, t)) return 0
  const s = inputSum(g, t)
  return Number.isNaN(s) ? null : s - outputSum(g, t)
}

export function outputType(g: UtxoGraph, o: number): ScriptType {
  return scriptTypeFromCode(g.outType[o]!)
}

/** Spending transaction of an output, or -1. */
export function spendingTx(g: UtxoGraph, o: number): number {
  const i = g.outSpentBy[o]!
  return i < 0 ? -1 : g.inTx[i]!
}

/** `txid:vout` of an output. */
export function outpointOf(g: UtxoGraph, o: number): string {
  return `${g.names.txid(g.outTx[o]!)}:${voutOf(g, o)}`
}

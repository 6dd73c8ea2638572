/**
 * The contract of a per-transaction taint policy kernel (heuristics.md §4.1): given the inputs' values and
 * taint, and the outputs' values and the fee, say how much taint lands on each output and on the fee.
 * Kernels are pure functions over integers; the multi-hop engine calls them once per transaction.
 * @module
 */
import type { Chunks } from './chunks.js'

export type TxTaintInput = {
  /** Input values in vin order (satoshi). */
  readonly inValues: readonly number[]
  /** Taint of each input (the chunk list of the output it spends), null when clean. */
  readonly inTaint: readonly (Chunks | null)[]
  /** Output values in vout order. */
  readonly outValues: readonly number[]
  /** Σ inValues − Σ outValues, ≥ 0. */
  readonly fee: number
}

export type TxTaintResult = {
  /** Taint of each output, null when clean. */
  readonly outs: (Chunks | null)[]
  /** Taint that went to the miner, null when none. */
  readonly fee: Chunks | null
}

export type PolicyName = 'poison' | 'haircut' | 'fifo' | 'lifo' | 'tiho'

export const policyNames: readonly PolicyName[] = ['poison', 'haircut', 'fifo', 'lifo', 'tiho']

/** Sequential policies keep chunk order inside every output from hop to hop. */
export function isSequential(p: PolicyName): boolean {
  return p === 'fifo' || p === 'lifo' || p === 'tiho'
}

export type Kernel = (tx: TxTaintInput) => TxTaintResult

/**
 * FIFO (Clayton's case; Anderson, Shumailov, Ahmed, "Making Bitcoin Legal", 2018), heuristics.md §4.1.3, fee last:
 * the inputs' chunk sequences concatenated in input order fill the outputs in output order, then the fee.
 * Lossless and multi-label: every satoshi keeps its label and its place.
 * @module
 */
import { fillSequential } from './chunks.js'
import type { TxTaintInput, TxTaintResult } from './kernel.js'
import { inputQueue, sinkSizes } from './sequentialQueue.js'

export function fifo(tx: TxTaintInput): TxTaintResult {
  const sizes = sinkSizes(tx)
  const order = sizes.map((_, k) => k)
  const filled = fillSequential(inputQueue(tx), sizes, order)
  const fee = filled.pop() ?? null
  return { outs: filled, fee }
}

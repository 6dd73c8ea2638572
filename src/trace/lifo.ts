/**
 * LIFO, heuristics.md §4.1.4, fee last: as FIFO but the queue is the reverse of the whole concatenated chunk
 * sequence (the last satoshi in is the first out); outputs are filled in their natural order, then the fee.
 * @module
 */
import { type Chunks, fillSequential } from './chunks.js'
import type { TxTaintInput, TxTaintResult } from './kernel.js'
import { inputQueue, sinkSizes } from './sequentialQueue.js'

export function lifo(tx: TxTaintInput): TxTaintResult {
  const q = inputQueue(tx)
  const rev: Chunks = new Array(q.length)
  for (let k = 0; k < q.length; k += 2) {
    rev[q.length - 2 - k] = q[k]!
    rev[q.length - 1 - k] = q[k + 1]!
  }
  const sizes = sinkSizes(tx)
  const order = sizes.map((_, k) => k)
  const filled = fillSequential(rev, sizes, order)
  const fee = filled.pop() ?? null
  return { outs: filled, fee }
}

/**
 * TIHO (Taint-In, Highest-Out; Tironsakkul et al. 2019), heuristics.md §4.1.5, fee last: all tainted chunks first
 * (in input order, each keeping its label), then all clean value; the outputs are filled from the largest value
 * down (ties by output index), then the fee. Taint concentrates in the largest outputs.
 * @module
 */
import { type Chunks, CLEAN, fillSequential, pushChunk } from './chunks.js'
import type { TxTaintInput, TxTaintResult } from './kernel.js'
import { inputQueue, sinkSizes } from './sequentialQueue.js'

export function tiho(tx: TxTaintInput): TxTaintResult {
  const q = inputQueue(tx)
  const sorted: Chunks = []
  let clean = 0
  for (let k = 0; k < q.length; k += 2) {
    if (q[k + 1] === CLEAN) clean += q[k]!
    else pushChunk(sorted, q[k]!, q[k + 1]!)
  }
  pushChunk(sorted, clean, CLEAN)
  const sizes = sinkSizes(tx)
  const m = tx.outValues.length
  const order = tx.outValues.map((_, j) => j).sort((a, b) => tx.outValues[b]! - tx.outValues[a]! || a - b)
  order.push(m)
  const filled = fillSequential(sorted, sizes, order)
  const fee = filled.pop() ?? null
  return { outs: filled, fee }
}

/**
 * The input queue shared by the sequential policies: every input's chunk sequence (a clean input is one clean
 * chunk of its value) concatenated in input order, and the sink list (outputs, then the fee last).
 * @module
 */
import { type Chunks, CLEAN, pushChunk } from './chunks.js'
import type { TxTaintInput } from './kernel.js'

/** Inputs' chunk sequences concatenated in vin order. A tainted input's list must cover its whole value. */
export function inputQueue(tx: TxTaintInput): Chunks {
  const q: Chunks = []
  for (let i = 0; i < tx.inValues.length; i++) {
    const c = tx.inTaint[i]
    if (!c) pushChunk(q, tx.inValues[i]!, CLEAN)
    else for (let k = 0; k < c.length; k += 2) pushChunk(q, c[k]!, c[k + 1]!)
  }
  return q
}

/** Sink sizes: outputs in vout order then the fee (index = outputs.length). */
export function sinkSizes(tx: TxTaintInput): number[] {
  return [...tx.outValues, tx.fee]
}

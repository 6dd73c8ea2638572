/**
 * Poison (all-or-nothing) policy, heuristics.md §4.1.1 (BlockSci `getPoisonTainted`): once any input is tainted,
 * every output and the fee are wholly tainted, by every label that reached the inputs. Taint is not conserved:
 * it grows. Use it as an upper bound on where the funds may have gone.
 * @module
 */
import type { Chunks } from './chunks.js'
import type { TxTaintInput, TxTaintResult } from './kernel.js'

export function poison(tx: TxTaintInput): TxTaintResult {
  const labels: number[] = []
  for (const c of tx.inTaint) {
    if (!c) continue
    for (let k = 1; k < c.length; k += 2) {
      const l = c[k]!
      if (l >= 0 && c[k - 1]! > 0 && !labels.includes(l)) labels.push(l)
    }
  }
  if (labels.length === 0) return { outs: tx.outValues.map(() => null), fee: null }
  labels.sort((a, b) => a - b)
  const whole = (v: number): Chunks | null => {
    if (v <= 0) return null
    const c: Chunks = []
    for (const l of labels) c.push(v, l)
    return c
  }
  return { outs: tx.outValues.map(whole), fee: whole(tx.fee) }
}

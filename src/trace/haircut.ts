/**
 * Haircut (proportional) policy, heuristics.md §4.1.2: every output carries the inputs' tainted/value ratio.
 * Per label l with T_l tainted satoshi among inputs worth V: output j gets ⌊T_l·w_j / V⌋, and the fee gets the
 * remainder T_l − Σ_j ⌊T_l·w_j / V⌋, as BlockSci's `getHaircutTainted` does, so taint is conserved exactly in
 * integers. (Because of the floors the fee can hold up to one satoshi per output and label more than r·f.)
 * @module
 */
import type { Chunks } from './chunks.js'
import type { TxTaintInput, TxTaintResult } from './kernel.js'

/** ⌊a·b / c⌋ exactly for non-negative safe integers (BigInt only when a·b leaves the exact float range). */
export function mulDivFloor(a: number, b: number, c: number): number {
  const p = a * b
  if (p <= Number.MAX_SAFE_INTEGER) return Math.floor(p / c)
  return Number((BigInt(a) * BigInt(b)) / BigInt(c))
}

export function haircut(tx: TxTaintInput): TxTaintResult {
  // Tainted satoshi per label, labels ascending.
  const labels: number[] = []
  const amounts: number[] = []
  for (const c of tx.inTaint) {
    if (!c) continue
    for (let k = 0; k < c.length; k += 2) {
      const l = c[k + 1]!
      if (l < 0 || c[k]! <= 0) continue
      const at = labels.indexOf(l)
      if (at >= 0) amounts[at]! += c[k]!
      else {
        labels.push(l)
        amounts.push(c[k]!)
      }
    }
  }
  const outs: (Chunks | null)[] = tx.outValues.map(() => null)
  if (labels.length === 0) return { outs, fee: null }
  if (labels.length > 1) {
    const idx = labels.map((_, k) => k).sort((x, y) => labels[x]! - labels[y]!)
    const l2 = idx.map((k) => labels[k]!)
    const a2 = idx.map((k) => amounts[k]!)
    labels.splice(0, labels.length, ...l2)
    amounts.splice(0, amounts.length, ...a2)
  }
  let total = 0
  for (const v of tx.inValues) total += v
  const rest = amounts.slice()
  for (let j = 0; j < tx.outValues.length; j++) {
    const w = tx.outValues[j]!
    if (w <= 0) continue
    let c: Chunks | null = null
    for (let k = 0; k < labels.length; k++) {
      const t = amounts[k]!
      const share = t >= total ? w : mulDivFloor(t, w, total)
      if (share > 0) {
        if (!c) c = []
        c.push(share, labels[k]!)
        rest[k]! -= share
      }
    }
    outs[j] = c
  }
  let fee: Chunks | null = null
  for (let k = 0; k < labels.length; k++) {
    if (rest[k]! > 0) {
      if (!fee) fee = []
      fee.push(rest[k]!, labels[k]!)
    }
  }
  return { outs, fee }
}

/**
 * The "fee pre-haircut" convention (heuristics.md §4.2, TaintedTX's default) for the sequential policies: first
 * reduce every input by its share of the fee, f·v_i/Σv (floored, the remainder to the last input), then fill the
 * outputs sequentially from the reduced inputs; there is no fee sink left. Inside an input, the fee share is taken
 * from every chunk in proportion (floored, the remainder from the last chunks), and the taint so removed is the
 * fee's taint. Fee last (the default) is the kernels' own behaviour.
 * @module
 */
import { type Chunks, CLEAN, pushChunk } from './chunks.js'
import { mulDivFloor } from './haircut.js'
import type { Kernel, TxTaintInput, TxTaintResult } from './kernel.js'

export type FeeConvention = 'fee-last' | 'pre-haircut'

/** Every input's fee share: ⌊f·v_i/Σv⌋, the remainder to the last input (carried back when an input is too small). */
export function feeShares(inValues: readonly number[], fee: number): number[] {
  const n = inValues.length
  let total = 0
  for (const v of inValues) total += v
  const shares = inValues.map((v) => (total > 0 ? mulDivFloor(fee, v, total) : 0))
  let rest = fee - shares.reduce((a, b) => a + b, 0)
  for (let i = n - 1; i >= 0 && rest > 0; i--) {
    const room = inValues[i]! - shares[i]!
    const put = Math.min(room, rest)
    shares[i]! += put
    rest -= put
  }
  return shares
}

export function feePreHaircut(tx: TxTaintInput, kernel: Kernel): TxTaintResult {
  if (tx.fee <= 0) return kernel(tx)
  const shares = feeShares(tx.inValues, tx.fee)
  const inValues: number[] = []
  const inTaint: (Chunks | null)[] = []
  const fee: Chunks = []
  for (let i = 0; i < tx.inValues.length; i++) {
    const v = tx.inValues[i]!
    const s = shares[i]!
    inValues.push(v - s)
    const c = tx.inTaint[i]
    if (!c) {
      inTaint.push(null)
      continue
    }
    // take s from the chunks in proportion to their amounts
    const take: number[] = []
    let taken = 0
    for (let k = 0; k < c.length; k += 2) {
      const t = v > 0 ? mulDivFloor(s, c[k]!, v) : 0
      take.push(t)
      taken += t
    }
    for (let k = take.length - 1; k >= 0 && taken < s; k--) {
      const put = Math.min(c[2 * k]! - take[k]!, s - taken)
      take[k]! += put
      taken += put
    }
    const rest: Chunks = []
    let tainted = false
    for (let k = 0; k < c.length; k += 2) {
      const label = c[k + 1]!
      pushChunk(rest, c[k]! - take[k / 2]!, label)
      if (label !== CLEAN) {
        if (c[k]! - take[k / 2]! > 0) tainted = true
        if (take[k / 2]! > 0) addFee(fee, label, take[k / 2]!)
      }
    }
    inTaint.push(tainted ? rest : null)
  }
  const r = kernel({ inValues, inTaint, outValues: tx.outValues, fee: 0 })
  return { outs: r.outs, fee: fee.length > 0 ? fee : null }
}

function addFee(fee: Chunks, label: number, amount: number): void {
  for (let k = 1; k < fee.length; k += 2) {
    if (fee[k] === label) {
      fee[k - 1]! += amount
      return
    }
  }
  fee.push(amount, label)
}

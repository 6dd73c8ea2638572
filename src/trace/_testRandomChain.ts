/**
 * Test-only: random hand-built chains for property tests (coinbases first, then transactions spending random
 * unspent outputs into random splits with a small fee).
 * @internal
 */
import fc from 'fast-check'
import type { TxSpec } from '../graph/buildUtxoGraph.js'

export type ChainPlan = { coinbases: number[]; txs: { picks: number[]; splits: number[]; feeBp: number }[] }

export const arbChainPlan: fc.Arbitrary<ChainPlan> = fc.record({
  coinbases: fc.array(fc.integer({ min: 100_000, max: 50_000_000 }), { minLength: 1, maxLength: 4 }),
  txs: fc.array(
    fc.record({
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      splits: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 3 }),
      feeBp: fc.integer({ min: 0, max: 300 }),
    }),
    { minLength: 1, maxLength: 25 },
  ),
})

/** Turn a plan into TxSpecs. Addresses are `A<tx>_<vout>` (every output its own address). */
export function chainFromPlan(plan: ChainPlan): TxSpec[] {
  const specs: TxSpec[] = []
  const unspent: { ref: string; value: number }[] = []
  plan.coinbases.forEach((v, k) => {
    specs.push({ name: `cb${k}`, coinbase: true, outputs: [{ address: `Acb${k}`, value: v }] })
    unspent.push({ ref: `cb${k}:0`, value: v })
  })
  plan.txs.forEach((tx, n) => {
    if (unspent.length === 0) return
    const ins: { ref: string; value: number }[] = []
    for (const p of tx.picks) {
      if (unspent.length === 0) break
      ins.push(unspent.splice(p % unspent.length, 1)[0]!)
    }
    const total = ins.reduce((a, b) => a + b.value, 0)
    const fee = Math.floor((total * tx.feeBp) / 10_000)
    const spend = total - fee
    const wsum = tx.splits.reduce((a, b) => a + b, 0)
    const values = tx.splits.map((w) => Math.floor((spend * w) / wsum))
    values[values.length - 1]! += spend - values.reduce((a, b) => a + b, 0)
    const name = `t${n}`
    specs.push({
      name,
      inputs: ins.map((i) => i.ref),
      outputs: values.map((value, j) => ({ address: `A${n}_${j}`, value })),
    })
    values.forEach((value, j) => {
      if (value > 0) unspent.push({ ref: `${name}:${j}`, value })
    })
  })
  return specs
}

import { describe, expect, test } from 'vitest'
import { buildUtxoGraph } from '../../graph/buildUtxoGraph.js'
import { randomChain } from '../_randomChain.js'
import { newChangeContext, precomputeGraphCaches, prepareChangeContext } from './ChangeContext.js'
import { c2FreshAddress } from './c2FreshAddress.js'
import { c7FeeRate } from './c7FeeRate.js'

describe('per-graph caches (precomputeGraphCaches)', () => {
  test('C2 from the first-output bits and C7 through the fee-rate memo vote as without caches, on every tx', () => {
    const g = buildUtxoGraph(randomChain(11, { txs: 400 }).specs)
    const plain = newChangeContext(g)
    const fast = newChangeContext(g)
    precomputeGraphCaches(fast)
    let prepared = 0
    let voted = 0
    for (let t = 0; t < g.txCount; t++) {
      const ok = prepareChangeContext(plain, g, t, 6)
      expect(prepareChangeContext(fast, g, t, 6)).toBe(ok)
      if (!ok) continue
      prepared++
      const m = c2FreshAddress(plain, 0)
      if (m !== 0) voted++
      expect(c2FreshAddress(fast, 0), `tx ${t}`).toBe(m)
      expect(c7FeeRate(fast), `tx ${t}`).toBe(c7FeeRate(plain))
    }
    expect(prepared).toBeGreaterThan(100)
    expect(voted).toBeGreaterThan(0)
  })
})

import { describe, expect, test } from 'vitest'
import { buildUtxoGraph } from '../../graph/buildUtxoGraph.js'
import { randomChain } from '../_randomChain.js'
import { newChangeContext, precomputeFreshOutputs, prepareChangeContext } from './ChangeContext.js'
import { c2FreshAddress } from './c2FreshAddress.js'

describe('C2 fresh address', () => {
  test('the precomputed first-output bits give the same votes as the address CSR lookup, on every tx', () => {
    const g = buildUtxoGraph(randomChain(11, { txs: 400 }).specs)
    const plain = newChangeContext(g)
    const fast = newChangeContext(g)
    precomputeFreshOutputs(fast)
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
    }
    expect(prepared).toBeGreaterThan(100)
    expect(voted).toBeGreaterThan(0)
  })
})

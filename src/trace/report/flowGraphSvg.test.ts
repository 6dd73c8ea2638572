import { describe, expect, test } from 'vitest'
import { foldPath } from './flowGraphSvg.js'

describe('flow graph path folding', () => {
  test('short paths are kept hop by hop', () => {
    expect(foldPath(['a', 'b', 'c'])).toEqual(['t:a', 't:b', 't:c'])
  })

  test('a 40-hop peel chain keeps 3 hops at each end and folds 34 into one node', () => {
    const path = Array.from({ length: 40 }, (_, i) => `tx${i}`)
    const f = foldPath(path)
    expect(f).toHaveLength(7)
    expect(f.slice(0, 3)).toEqual(['t:tx0', 't:tx1', 't:tx2'])
    expect(f[3]).toBe('m:tx3|tx36|34')
    expect(f.slice(4)).toEqual(['t:tx37', 't:tx38', 't:tx39'])
  })
})

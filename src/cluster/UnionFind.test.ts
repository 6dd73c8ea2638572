import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { UnionFind } from './UnionFind.js'

describe('UnionFind', () => {
  test('unions, sizes and set count', () => {
    const uf = new UnionFind(6)
    expect(uf.setCount).toBe(6)
    expect(uf.union(0, 1)).toBeGreaterThanOrEqual(0)
    expect(uf.union(2, 3)).toBeGreaterThanOrEqual(0)
    expect(uf.union(1, 0)).toBe(-1)
    uf.union(1, 3)
    expect(uf.connected(0, 2)).toBe(true)
    expect(uf.connected(0, 4)).toBe(false)
    expect(uf.sizeOf(3)).toBe(4)
    expect(uf.setCount).toBe(3)
  })

  test('union by size keeps the larger root', () => {
    const uf = new UnionFind(5)
    uf.union(0, 1)
    uf.union(0, 2)
    const big = uf.find(0)
    expect(uf.union(3, 0)).toBe(big)
    expect(uf.union(big, 4)).toBe(big)
  })

  test('grow adds singletons', () => {
    const uf = new UnionFind(2)
    uf.union(0, 1)
    uf.grow(4)
    expect(uf.setCount).toBe(3)
    expect(uf.sizeOf(3)).toBe(1)
    expect(uf.connected(0, 1)).toBe(true)
  })

  test('property: agrees with a naive labelling', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(29), fc.nat(29)), { maxLength: 80 }), (pairs) => {
        const uf = new UnionFind(30)
        const label = Array.from({ length: 30 }, (_, i) => i)
        for (const [a, b] of pairs) {
          uf.union(a, b)
          const la = label[a]!
          const lb = label[b]!
          for (let i = 0; i < 30; i++) if (label[i] === lb) label[i] = la
        }
        for (let i = 0; i < 30; i++) {
          for (let j = 0; j < 30; j++) expect(uf.connected(i, j)).toBe(label[i] === label[j])
          expect(uf.sizeOf(i)).toBe(label.filter((l) => l === label[i]).length)
        }
        expect(uf.setCount).toBe(new Set(label).size)
      }),
      { numRuns: 60 },
    )
  })

  test('property: unionPairs equals the same unions one by one; union returns -1 exactly when already joined', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(49), fc.nat(49)), { maxLength: 120 }), (pairs) => {
        const one = new UnionFind(50)
        let merges = 0
        for (const [a, b] of pairs) {
          const before = one.connected(a, b)
          const r = one.union(a, b)
          expect(r === -1).toBe(before)
          if (r >= 0) {
            merges++
            expect(one.find(a)).toBe(r)
          }
        }
        const batch = new UnionFind(50)
        const n = batch.unionPairs(
          Int32Array.from(pairs, (p) => p[0]),
          Int32Array.from(pairs, (p) => p[1]),
        )
        expect(n).toBe(merges)
        expect(batch.setCount).toBe(one.setCount)
        for (let i = 0; i < 50; i++) expect(batch.sizeOf(i)).toBe(one.sizeOf(i))
      }),
      { numRuns: 60 },
    )
  })
})

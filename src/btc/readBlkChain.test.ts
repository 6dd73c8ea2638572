import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { bestChain, type ChainLink } from './readBlkChain.js'

/** A random block tree (plus orphans) given in a random order. */
const forest = fc
  .record({
    parents: fc.array(fc.nat(), { minLength: 1, maxLength: 60 }),
    orphans: fc.array(fc.nat({ max: 5 }), { maxLength: 4 }),
    order: fc.array(fc.nat(), { maxLength: 80 }),
  })
  .map(({ parents, orphans, order }) => {
    // Block 0 is the root ('h0', prev 'genesis-parent'); block i > 0 has parent parents[i-1] % i.
    const links: (ChainLink & { depth: number })[] = [{ hash: 'h0', prevHash: 'none', depth: 1 }]
    for (let i = 1; i <= parents.length; i++) {
      const p = parents[i - 1]! % i
      links.push({ hash: `h${i}`, prevHash: `h${p}`, depth: links[p]!.depth + 1 })
    }
    orphans.forEach((k, j) => {
      links.push({ hash: `o${j}`, prevHash: `missing${k}`, depth: 0 })
    })
    // Shuffle by the random keys.
    const keyed = links.map((l, i) => ({ l, k: order[i] ?? i }))
    keyed.sort((a, b) => a.k - b.k)
    return keyed.map((x) => x.l)
  })

describe('bestChain', () => {
  test('property: a parent-linked path from the root, as long as the deepest block; the rest is stale', () => {
    fc.assert(
      fc.property(forest, (links) => {
        const { chain, staleBlocks, duplicateBlocks } = bestChain(links, 'h0')
        const blocks = chain.map((i) => links[i]!)
        expect(blocks[0]!.hash).toBe('h0')
        for (let k = 1; k < blocks.length; k++) expect(blocks[k]!.prevHash).toBe(blocks[k - 1]!.hash)
        const deepest = Math.max(...links.map((l) => l.depth))
        expect(chain.length).toBe(deepest)
        expect(staleBlocks).toBe(links.length - chain.length)
        expect(duplicateBlocks).toBe(0)
      }),
      { numRuns: 300 },
    )
  })

  test('tie: the first seen child wins; duplicates are ignored', () => {
    const links = [
      { hash: 'a', prevHash: 'x' },
      { hash: 'c', prevHash: 'a' },
      { hash: 'b', prevHash: 'a' },
      { hash: 'c', prevHash: 'a' },
    ]
    expect(bestChain(links)).toEqual({ chain: [0, 1], staleBlocks: 1, duplicateBlocks: 1 })
    // Without the start hash present: the first block without parent, in input order.
    expect(bestChain([{ hash: 'q', prevHash: 'z' }, ...links], 'nope').chain).toEqual([0])
    expect(bestChain([])).toEqual({ chain: [], staleBlocks: 0, duplicateBlocks: 0 })
  })

  test('a 300,000-block chain given backwards (no recursion limits)', () => {
    const n = 300_000
    const links: ChainLink[] = []
    for (let i = n - 1; i >= 0; i--) links.push({ hash: `b${i}`, prevHash: i === 0 ? 'none' : `b${i - 1}` })
    const { chain, staleBlocks } = bestChain(links)
    expect(chain.length).toBe(n)
    expect(links[chain[n - 1]!]!.hash).toBe(`b${n - 1}`)
    expect(staleBlocks).toBe(0)
  })
})

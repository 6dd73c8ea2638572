import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { buildUtxoGraph, type TxSpec } from '../graph/buildUtxoGraph.js'
import { fromColumns, type UtxoGraph } from '../graph/UtxoGraph.js'
import { randomChain } from './_randomChain.js'
import { type AddressLabel, clusterGraph } from './clusterGraph.js'
import { clusterIdOfAddress } from './clusterIds.js'
import { clusteringAtHeight } from './clusteringAtHeight.js'
import { STATUS_APPLIED, STATUS_CANNOT_LINK, STATUS_SIZE_GUARD } from './EvidenceLog.js'
import { UnionFind } from './UnionFind.js'
import { whyLinked } from './whyLinked.js'

const cb = (name: string, address: string, value = 100_000_000, height?: number): TxSpec => ({
  name,
  coinbase: true,
  outputs: [{ address, value }],
  ...(height === undefined ? {} : { height }),
})

/** A: a1,a2,a3 co-spent (CIOH, outputs reuse a1/a3); B: b1,b2,b3 co-spent; then a tx co-spending A and B. */
function twoClustersThenBridge(): TxSpec[] {
  return [
    cb('fa1', 'a1', 100_000_000, 0),
    cb('fa2', 'a2', 100_000_000, 0),
    cb('fa3', 'a3', 100_000_000, 0),
    cb('fb1', 'b1', 100_000_000, 0),
    cb('fb2', 'b2', 100_000_000, 0),
    cb('fb3', 'b3', 100_000_000, 0),
    { name: 'ta', height: 1, inputs: ['fa1:0', 'fa2:0'], outputs: [{ address: 'a1', value: 199_990_000 }] },
    { name: 'ta2', height: 2, inputs: ['ta:0', 'fa3:0'], outputs: [{ address: 'a3', value: 299_980_000 }] },
    { name: 'tb', height: 1, inputs: ['fb1:0', 'fb2:0', 'fb3:0'], outputs: [{ address: 'b1', value: 299_990_000 }] },
    { name: 'bridge', height: 3, inputs: ['ta2:0', 'tb:0'], outputs: [{ address: 'z', value: 599_960_000 }] },
  ].sort((x, y) => (x.height ?? 0) - (y.height ?? 0))
}

const ids = (g: UtxoGraph) => (s: string) => g.names.addressIndex(s)

describe('multi-input (CIOH)', () => {
  test('merges co-spent inputs, records evidence, skips coinbase', () => {
    const g = buildUtxoGraph(twoClustersThenBridge())
    const id = ids(g)
    const c = clusterGraph(g)
    expect(c.uf.connected(id('a1'), id('a2'))).toBe(true)
    expect(c.uf.connected(id('a1'), id('b3'))).toBe(true)
    expect(c.uf.connected(id('a1'), id('z'))).toBe(false)
    expect(c.stats.multiInputMerges).toBe(c.log.count(STATUS_APPLIED))
    const r = c.log.record(0)
    expect(r).toMatchObject({ heuristic: 'multi-input', confidence: 1, height: 1, status: 'applied' })
    expect(g.names.txid(r.tx)).toHaveLength(64)
  })

  test('2-in/2-out with no output below the smallest input: PayJoin-suspect tier, confidence 0.8', () => {
    const g = buildUtxoGraph([
      cb('f1', 'p1', 1_000_000),
      cb('f2', 'p2', 2_000_000),
      {
        name: 'pj',
        inputs: ['f1:0', 'f2:0'],
        outputs: [
          { address: 'x', value: 1_500_000 },
          { address: 'y', value: 1_499_000 },
        ],
      },
    ])
    const c = clusterGraph(g)
    expect(c.log.record(0)).toMatchObject({ heuristic: 'multi-input', confidence: 0.8, status: 'applied' })
  })

  test('never fires on a CoinJoin', () => {
    const specs: TxSpec[] = [
      cb('f1', 'p1'),
      cb('f2', 'p2'),
      cb('f3', 'p3'),
      {
        name: 'cj',
        inputs: ['f1:0', 'f2:0', 'f3:0'],
        outputs: [
          { address: 'e1', value: 50_000_000 },
          { address: 'e2', value: 50_000_000 },
          { address: 'e3', value: 50_000_000 },
          { address: 'c1', value: 49_990_000 },
          { address: 'c2', value: 49_980_000 },
        ],
      },
    ]
    const g = buildUtxoGraph(specs)
    const c = clusterGraph(g, { change: true, changeHorizon: 0 })
    expect(c.log.length).toBe(0)
    expect(c.stats.coinJoinsSkipped).toBe(1)
    expect(c.clusterCount).toBe(g.addressCount)
  })
})

describe('guards', () => {
  test('size guard: a merge of two clusters both above T is held back and reported', () => {
    const g = buildUtxoGraph(twoClustersThenBridge())
    const id = ids(g)
    const c = clusterGraph(g, { maxMergeSize: 2 })
    expect(c.uf.connected(id('a1'), id('a3'))).toBe(true)
    expect(c.uf.connected(id('b1'), id('b3'))).toBe(true)
    expect(c.uf.connected(id('a1'), id('b1'))).toBe(false)
    expect(c.stats.heldBackBySize).toBe(1)
    const held = Array.from({ length: c.log.length }, (_, k) => c.log.record(k)).filter(
      (r) => r.status === 'size_guard',
    )
    expect(held).toHaveLength(1)
    expect(g.names.txid(held[0]!.tx)).toBe(g.names.txid(g.names.txIndex('bridge')))
    expect(c.log.count(STATUS_SIZE_GUARD)).toBe(1)
  })

  test('cannot-link: clusters labelled with different services never merge; same service or non-service may', () => {
    const g = buildUtxoGraph(twoClustersThenBridge())
    const id = ids(g)
    const labels = new Map<number, AddressLabel>([
      [id('a1'), { category: 'exchange', entity: 'Kraken' }],
      [id('b2'), { category: 'exchange', entity: 'Binance' }],
    ])
    const c = clusterGraph(g, { labels })
    expect(c.uf.connected(id('a1'), id('b1'))).toBe(false)
    expect(c.log.count(STATUS_CANNOT_LINK)).toBe(1)
    const same = new Map<number, AddressLabel>([
      [id('a1'), { category: 'exchange', entity: 'Kraken' }],
      [id('b2'), { category: 'exchange', entity: 'Kraken' }],
    ])
    expect(clusterGraph(g, { labels: same }).uf.connected(id('a1'), id('b1'))).toBe(true)
    const individuals = new Map<number, AddressLabel>([
      [id('a1'), { category: 'individual', entity: 'alice' }],
      [id('b2'), { category: 'individual', entity: 'bob' }],
    ])
    expect(clusterGraph(g, { labels: individuals }).uf.connected(id('a1'), id('b1'))).toBe(true)
  })
})

describe('why', () => {
  test('the chain of merges linking two addresses, each with txid, heuristic, confidence, height', () => {
    const g = buildUtxoGraph(twoClustersThenBridge())
    const id = ids(g)
    const c = clusterGraph(g)
    const path = whyLinked(c, id('a1'), id('b3'))
    expect(path).not.toBeNull()
    const txNames = path!.map((s) => s.txid)
    expect(txNames).toContain(g.names.txid(g.names.txIndex('bridge')))
    // path is connected: consecutive steps share an endpoint, starting at a1 and ending at b3
    let at = id('a1')
    for (const s of path!) {
      expect([s.addrA, s.addrB]).toContain(at)
      at = s.addrA === at ? s.addrB : s.addrA
      expect(s.heuristic).toBe('multi-input')
      expect(s.confidence).toBe(1)
    }
    expect(at).toBe(id('b3'))
    expect(whyLinked(c, id('a1'), id('z'))).toBeNull()
    expect(whyLinked(c, id('a1'), id('a1'))).toEqual([])
  })
})

describe('as of height', () => {
  test('replaying the log up to H gives the clustering at H', () => {
    const g = buildUtxoGraph(twoClustersThenBridge())
    const id = ids(g)
    const c = clusterGraph(g)
    const at0 = clusteringAtHeight(c, 0)
    expect(at0.clusterCount).toBe(g.addressCount)
    const at2 = clusteringAtHeight(c, 2)
    expect(at2.uf.connected(id('a1'), id('a3'))).toBe(true)
    expect(at2.uf.connected(id('a1'), id('b1'))).toBe(false)
    // equal to clustering only up to height 2
    const direct = clusterGraph(g, { toHeight: 2 })
    for (let a = 0; a < g.addressCount; a++) expect(at2.clusterOf(a)).toBe(direct.clusterOf(a))
    expect(clusteringAtHeight(c, 3).uf.connected(id('a1'), id('b1'))).toBe(true)
  })
})

function partition(c: { clusterOf(a: number): string }, n: number): string[] {
  return Array.from({ length: n }, (_, a) => c.clusterOf(a))
}

describe('incremental update', () => {
  test('property: resuming through H1 up to H2 equals a rebuild through H2 (change and guards on)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 40 }), (seed, cut) => {
        const { specs, maxHeight } = randomChain(seed, { txs: 150 })
        const g = buildUtxoGraph(specs)
        const labels = new Map<number, AddressLabel>([
          [0, { category: 'exchange', entity: 'X0' }],
          [1, { category: 'exchange', entity: 'X1' }],
        ])
        const params = { change: true, changeHorizon: 3, maxMergeSize: 2, threshold: 0.95, labels }
        const h1 = Math.min(cut, maxHeight)
        const first = clusterGraph(g, { ...params, toHeight: h1 })
        // resume from a replay of the stored evidence (what the store does), not from the live object
        const uf = new UnionFind(g.addressCount)
        for (let k = 0; k < first.log.length; k++)
          if (first.log.status[k] === STATUS_APPLIED) uf.union(first.log.addrA[k]!, first.log.addrB[k]!)
        const resumed = clusterGraph(g, {
          ...params,
          resume: { uf, throughHeight: first.throughHeight },
        })
        const rebuilt = clusterGraph(g, params)
        expect(partition(resumed, g.addressCount)).toEqual(partition(rebuilt, g.addressCount))
        expect(first.log.length + resumed.log.length).toBe(rebuilt.log.length)
      }),
      { numRuns: 25 },
    )
  })

  test('the property above exercises change links and both guards', () => {
    const g = buildUtxoGraph(randomChain(3, { txs: 150 }).specs)
    const labels = new Map<number, AddressLabel>([
      [0, { category: 'exchange', entity: 'X0' }],
      [1, { category: 'exchange', entity: 'X1' }],
    ])
    const c = clusterGraph(g, { change: true, changeHorizon: 3, maxMergeSize: 2, threshold: 0.95, labels })
    expect(c.stats.changeMerges).toBeGreaterThan(0)
    expect(c.stats.heldBackBySize).toBeGreaterThan(0)
    expect(c.stats.coinJoinsSkipped).toBeGreaterThan(0)
  })
})

/** The same chain with address ids permuted (as another store might number them). */
function permuteAddresses(g: UtxoGraph, perm: (a: number) => number): UtxoGraph {
  const map = (x: number) => (x < 0 ? x : perm(x))
  const outAddr = g.outAddr.map(map)
  const inAddr = g.inAddr.map(map)
  const inverse = new Map<number, number>()
  for (let a = 0; a < g.addressCount; a++) inverse.set(perm(a), a)
  return fromColumns({
    ...g,
    inValue: g.inValue.slice(),
    inAddr,
    outAddr,
    names: {
      ...g.names,
      address: (a) => g.names.address(inverse.get(a) ?? -1),
      addressIndex: (s) => map(g.names.addressIndex(s)),
    },
  })
}

describe('stable cluster ids', () => {
  test('cl_ + sha256 of the earliest address; independent of address numbering and run order', () => {
    const { specs } = randomChain(7, { txs: 100 })
    const g = buildUtxoGraph(specs)
    const c = clusterGraph(g, { change: true, changeHorizon: 2 })
    const n = g.addressCount
    const perm = (a: number) => n - 1 - a
    const g2 = permuteAddresses(g, perm)
    const c2 = clusterGraph(g2, { change: true, changeHorizon: 2 })
    for (let a = 0; a < n; a++) expect(c2.clusterOf(perm(a))).toBe(c.clusterOf(a))
    // deterministic across runs
    const again = clusterGraph(g, { change: true, changeHorizon: 2 })
    expect(partition(again, n)).toEqual(partition(c, n))
    // the id names the earliest member: the first address of the chain is in cluster of its own id
    const first = g.outAddr[0]!
    expect(c.clusterOf(first)).toBe(clusterIdOfAddress(g.names.address(first)!))
  })
})

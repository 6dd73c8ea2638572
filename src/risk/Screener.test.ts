import { sha256 } from '@noble/hashes/sha2.js'
import { createBase58check } from '@scure/base'
import { describe, expect, it } from 'vitest'
import { buildUtxoGraph } from '../graph/buildUtxoGraph.js'
import { LabelIndex } from '../intel/LabelIndex.js'
import { isScreenError, Screener, type ScreenResult } from './Screener.js'

const b58 = createBase58check(sha256)
const addr = (tag: number) => b58.encode(Uint8Array.from([0, ...new Array(19).fill(9), tag]))
const [X, M, M2, Y] = [addr(1), addr(2), addr(3), addr(5)]
const U = 100_000_000

function label(id: number, address: string, category: 'exchange' | 'scam', scope: 'address' | 'cluster' = 'address') {
  return {
    labelId: id,
    scope,
    chain: 'btc',
    address,
    category,
    entity: `E${id}`,
    actor: null,
    source: 'test',
    confidence: 'ownership' as const,
    tlp: 'clear' as const,
    validFrom: null,
    asset: null,
    reference: null,
    note: null,
    incidentId: null,
    amount: null,
    policy: null,
  }
}

describe('Screener', () => {
  const g = buildUtxoGraph([
    { name: 'cb', coinbase: true, outputs: [{ address: M, value: 10 * U }] },
    { name: 'cb2', coinbase: true, outputs: [{ address: Y, value: 10 * U }] },
    { name: 'mToX', inputs: ['cb:0'], outputs: [{ address: X, value: 10 * U }] },
    { name: 'yToM2', inputs: ['cb2:0'], outputs: [{ address: M2, value: 10 * U }] },
  ])
  const idx = new LabelIndex(7)
  idx.add(M2, label(1, M2, 'exchange', 'cluster'))
  idx.add(Y, label(2, Y, 'scam'))
  const id = (s: string) => g.names.addressIndex(s)
  const clusterOf = new Map([
    [id(M), 'c1'],
    [id(M2), 'c1'],
  ])

  it('cluster-scope labels apply to every member, in own labels and in exposure', () => {
    const s = new Screener({ index: idx, graph: g, tipHeight: 3, chain: 'btc', clusterOf })
    const m = s.screen(M) as ScreenResult
    expect(m.labels.map((l) => l.entity)).toEqual(['E1'])
    expect(m.cluster).toEqual({ id: 'c1', size: 2, exposureOfCluster: false })
    const x = s.screen(X) as ScreenResult
    expect(x.exposure!.incoming.categories).toMatchObject([{ category: 'exchange', direct: 1, minHop: 1 }])
    expect(x.dataVersion).toEqual({ intel: 7, tipHeight: 3, chain: 'btc' })
    // without clustering M is unlabelled and X's exposure is empty
    const plain = new Screener({ index: idx, graph: g })
    expect((plain.screen(M) as ScreenResult).labels).toEqual([])
    expect((plain.screen(X) as ScreenResult).exposure!.incoming.categories).toEqual([])
  })

  it('cluster exposure: M alone received newly mined coins; its cluster {M, M2} also received from a scam', () => {
    const s = new Screener({ index: idx, graph: g, clusterOf })
    const alone = s.screen(M) as ScreenResult
    expect(alone.exposure!.incoming).toMatchObject({ total: 10 * U, categories: [] })
    const all = s.screen(M, 'red', { cluster: true }) as ScreenResult
    expect(all.cluster!.exposureOfCluster).toBe(true)
    expect(all.exposure!.incoming).toMatchObject({ total: 20 * U })
    expect(all.exposure!.incoming.categories).toMatchObject([{ category: 'scam', direct: 0.5 }])
  })

  it('rejects malformed input with a reason, caches and keeps the typed string', () => {
    const s = new Screener({ index: idx })
    const e = s.screen('0xzz')
    expect(isScreenError(e) && e.error).toContain('40 hex')
    const a = s.screen(Y) as ScreenResult
    expect(a.risk).toBe('high')
    expect(s.screen(` ${Y} `)).toBe(a)
    expect(a.resultHash).toMatch(/^[0-9a-f]{64}$/)
  })
})

import { describe, expect, it } from 'vitest'
import { buildUtxoGraph } from '../graph/buildUtxoGraph.js'
import { opReturnData } from '../store/detectMemos.js'
import { BTC, labelsFor } from './_chains.js'
import { detectChainHops } from './chainHop.js'
import { parseSwapMemo } from './parseSwapMemo.js'

describe('parseSwapMemo (THORChain memo formats, heuristics.md §5.11)', () => {
  it('parses SWAP, s and = forms with limit, affiliate and refund address', () => {
    expect(parseSwapMemo('SWAP:ETH.ETH:0x7a250d5630b4cf539739df2c5dacb4c659f2488d:1000000')).toMatchObject({
      chain: 'ETH',
      asset: 'ETH.ETH',
      destination: '0x7a250d5630b4cf539739df2c5dacb4c659f2488d',
      limit: '1000000',
    })
    expect(parseSwapMemo('=:BTC.BTC:bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh:0/1/0:t:30')).toMatchObject({
      chain: 'BTC',
      destination: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
      limit: '0/1/0',
      affiliate: 't',
    })
    expect(parseSwapMemo('s:ETH.USDT-0xdac17f958d2ee523a2206206994597c13d831ec7:0xabc/0xdef')).toMatchObject({
      chain: 'ETH',
      destination: '0xabc',
      refund: '0xdef',
    })
    expect(parseSwapMemo('=:BSC.BNB:0x00000000000000000000000000000000000000aa')?.chain).toBe('BSC')
  })

  it('rejects outbound, add-liquidity and free text memos', () => {
    for (const m of ['OUT:ABCDEF', '+:BTC.BTC', 'hello world', '=:', 'SWAP::x']) expect(parseSwapMemo(m)).toBeNull()
  })
})

describe('opReturnData', () => {
  it('concatenates the pushes of an OP_RETURN script and rejects other scripts', () => {
    const memo = new TextEncoder().encode('=:ETH.ETH:0xabc')
    expect(new TextDecoder().decode(opReturnData(Uint8Array.of(0x6a, memo.length, ...memo))!)).toBe('=:ETH.ETH:0xabc')
    const long = new Uint8Array(80).fill(0x41)
    expect(opReturnData(Uint8Array.of(0x6a, 0x4c, 80, ...long))?.length).toBe(80)
    expect(opReturnData(Uint8Array.of(0x00, 0x14, ...new Uint8Array(20)))).toBeNull()
    expect(opReturnData(Uint8Array.of(0x6a, 0x05, 1, 2))).toBeNull() // truncated push
  })
})

describe('detectChainHops', () => {
  const dest = '0x419f5ed7d7c778900d720ebb9cebd5343a7749e2'
  const g = buildUtxoGraph([
    {
      name: 'hop',
      inputs: [{ value: 3 * BTC, address: 'thief' }],
      outputs: [
        { address: 'VAULT', value: 2 * BTC },
        { address: 'thief2', value: BTC - 2_000 },
        { address: null, value: 0 },
      ],
    },
    { name: 'plain', inputs: [{ value: BTC, address: 'user' }], outputs: [{ address: 'VAULT', value: BTC - 1_000 }] },
    {
      name: 'rotated',
      inputs: [{ value: BTC, address: 'user2' }],
      outputs: [
        { address: 'newvault', value: BTC - 1_000 },
        { address: null, value: 0 },
      ],
    },
    {
      name: 'vaultpays',
      inputs: ['hop:0'],
      outputs: [
        { address: 'someone', value: 2 * BTC - 1_000 },
        { address: null, value: 0 },
      ],
    },
  ])
  const labels = labelsFor(g, { VAULT: ['bridge', 'thorchain'] })
  const memos = new Map<number, string[]>([
    [0, [`=:ETH.ETH:${dest}`]],
    [2, [`SWAP:AVAX.AVAX:0x00000000000000000000000000000000000000bb:0`]],
    [3, ['OUT:0123456789ABCDEF']],
  ])

  it('names the destination chain and address from the memo of a deposit to a labelled bridge', () => {
    const alerts = detectChainHops(g, labels, (t) => memos.get(t))
    expect(alerts.map((a) => [a.code, a.confidence, a.evidence.destinationChain])).toEqual([
      ['chainhop.memo', 0.6, 'ETH'],
      ['chainhop.deposit', 0.5, null],
      ['chainhop.memo_unlabelled', 0.4, 'AVAX'],
    ])
    const a = alerts[0]!
    expect(a.evidence).toMatchObject({
      service: 'thorchain',
      amount: 2 * BTC,
      destinationAddress: dest,
      destinationAsset: 'ETH.ETH',
    })
    expect(a.addresses).toEqual(['VAULT', 'thief'])
  })

  it('without memos only labelled deposits remain, destination unknown', () => {
    const alerts = detectChainHops(g, labels)
    expect(alerts.map((a) => a.code)).toEqual(['chainhop.deposit', 'chainhop.deposit'])
  })

  it('a hop of coins layered just before (upstream alert) or unusually large for the service gets high confidence', () => {
    const small = Array.from({ length: 30 }, (_, k) => ({
      name: `user${k}`,
      inputs: [{ value: 2_000_000 + k * 10_000, address: `u${k}` }],
      outputs: [{ address: 'VAULT', value: 1_990_000 + k * 10_000 }],
    }))
    const g2 = buildUtxoGraph([
      ...small,
      {
        name: 'split',
        inputs: [{ value: 30 * BTC, address: 'thief' }],
        outputs: [{ address: 't1', value: 30 * BTC - 1_000 }],
      },
      { name: 'mid', inputs: ['split:0'], outputs: [{ address: 't2', value: 30 * BTC - 2_000 }] },
      { name: 'bighop', inputs: ['mid:0'], outputs: [{ address: 'VAULT', value: 30 * BTC - 3_000 }] },
      {
        name: 'laundered',
        inputs: [{ value: 2_000_000, address: 'l1' }],
        outputs: [{ address: 'l2', value: 1_999_000 }],
      },
      { name: 'smallhop', inputs: ['laundered:0'], outputs: [{ address: 'VAULT', value: 1_998_000 }] },
    ])
    const lab = labelsFor(g2, { VAULT: ['bridge', 'thorchain'] })
    const memo = `=:ETH.ETH:${dest}`
    const hops = new Set([g2.names.txIndex('bighop'), g2.names.txIndex('smallhop')])
    const memoOf = (t: number) => (hops.has(t) ? [memo] : undefined)
    const upstream = new Map([[g2.names.txIndex('laundered'), 'peel_chain']])
    const both = new Map([...upstream, [g2.names.txIndex('split'), 'fan_in']])
    const alerts = detectChainHops(g2, lab, memoOf, undefined, upstream)
    const by = (name: string) => alerts.find((a) => a.txids[0] === g2.names.txid(g2.names.txIndex(name)))!
    expect(alerts).toHaveLength(32)
    expect([by('bighop').confidence, by('bighop').evidence.signals]).toEqual([0.8, ['large_for_service']])
    expect([by('smallhop').confidence, by('smallhop').evidence.signals]).toEqual([0.8, ['laundering_upstream']])
    const big2 = detectChainHops(g2, lab, memoOf, undefined, both).find((a) => a.txids[0] === by('bighop').txids[0])!
    expect([big2.confidence, big2.evidence.signals]).toEqual([0.95, ['laundering_upstream', 'large_for_service']])
    expect(big2.evidence.upstream).toMatchObject({ kind: 'fan_in', hops: 2 })
    expect(by('smallhop').evidence.upstream).toEqual({
      txid: g2.names.txid(g2.names.txIndex('laundered')),
      kind: 'peel_chain',
      hops: 1,
    })
    expect(by('user3').confidence).toBe(0.5)
    // without enough deposits to the service there is no percentile: size alone says nothing
    const few = detectChainHops(g2, lab, memoOf, undefined, new Map(), { minDepositsForPercentile: 100 })
    expect(few.every((a) => (a.evidence.signals as string[]).length === 0)).toBe(true)
  })
})

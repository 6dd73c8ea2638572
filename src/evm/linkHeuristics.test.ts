import { describe, expect, it } from 'vitest'
import {
  linkBridgeDeposits,
  linkMixerWithdrawals,
  type MixerDeposit,
  type MixerWithdrawal,
  pairKey,
} from './linkHeuristics.js'

const P1 = '0xp1'
const P10 = '0xp10'
const dep = (
  row: number,
  pool: string,
  depositor: string,
  time: number,
  gasPrice = 1000n + BigInt(row),
): MixerDeposit => ({
  row,
  pool,
  depositor,
  time,
  gasPrice,
  tx: `d${row}`,
})
const wd = (
  row: number,
  pool: string,
  to: string,
  time: number,
  o: Partial<MixerWithdrawal> = {},
): MixerWithdrawal => ({
  row,
  pool,
  to,
  relayer: o.relayer ?? to,
  submitter: o.submitter ?? to,
  time,
  gasPrice: o.gasPrice ?? 5000n + BigInt(row),
  tx: `w${row}`,
})

describe('mixer linking heuristics (Tutela §6)', () => {
  it('H1 address match, only for a later withdrawal in the same pool', () => {
    const l = linkMixerWithdrawals(
      [dep(1, P1, 'alice', 100)],
      [wd(2, P1, 'alice', 200), wd(3, P10, 'alice', 300), wd(4, P1, 'alice', 50)],
    )
    expect(l.map((x) => [x.from, x.to, x.rules, x.confidence])).toEqual([[1, 2, ['H1-address-match'], 0.95]])
  })
  it('H2 unique gas price, not for relayer-submitted withdrawals, not for shared prices', () => {
    const d = [
      dep(1, P1, 'a', 100, 123_456_789n),
      dep(2, P1, 'b', 100, 7n),
      dep(3, P1, 'c', 100, 7n),
      dep(4, P1, 'e', 100, 42n),
    ]
    const w = [
      wd(10, P1, 'x', 200, { gasPrice: 123_456_789n }),
      wd(11, P1, 'y', 200, { gasPrice: 7n }),
      wd(12, P1, 'z', 200, { gasPrice: 42n, submitter: 'relayer' }),
    ]
    const l = linkMixerWithdrawals(d, w)
    expect(l.map((x) => [x.from, x.to, x.rules])).toEqual([[1, 10, ['H2-unique-gas-price']]])
  })
  it('H3 linked addresses: ≥ 3 direct transfers; confidence grows with the count', () => {
    const direct = new Map([
      [pairKey('d1', 'w1'), 3],
      [pairKey('d2', 'w2'), 2],
      [pairKey('d3', 'w3'), 9],
    ])
    const l = linkMixerWithdrawals(
      [dep(1, P1, 'd1', 1), dep(2, P1, 'd2', 1), dep(3, P1, 'd3', 1)],
      [wd(11, P1, 'w1', 9), wd(12, P1, 'w2', 9), wd(13, P1, 'w3', 9)],
      { directTransfers: direct },
    )
    expect(l.map((x) => [x.to, x.confidence]).sort()).toEqual([
      [11, 0.8],
      [13, 0.9],
    ])
  })
  it('H4 multi-denomination: equal portfolios over ≥ 2 pools within 24 h', () => {
    const d = [dep(1, P1, 'u', 0), dep(2, P1, 'u', 60), dep(3, P10, 'u', 120)]
    const w = [wd(11, P1, 'v', 7200), wd(12, P10, 'v', 7300), wd(13, P1, 'v', 7400)]
    const l = linkMixerWithdrawals(d, w)
    expect(l.map((x) => [x.from, x.to, x.rules[0]]).sort()).toEqual([
      [1, 11, 'H4-multi-denomination'],
      [2, 13, 'H4-multi-denomination'],
      [3, 12, 'H4-multi-denomination'],
    ])
    // a different portfolio (2 × P1 + 2 × P10) does not match
    expect(linkMixerWithdrawals(d, [...w, wd(14, P10, 'v', 7500)])).toEqual([])
  })
})

describe('bridge deposits', () => {
  it('link to the first transfer to the named destination on the named chain within the window', () => {
    const l = linkBridgeDeposits(
      [
        {
          row: 0,
          chain: 'evm-1',
          time: 100,
          destChain: 'evm-43114',
          destAddress: '0xd',
          memo: '=:AVAX.AVAX:0xd',
          protocol: 'thorchain',
          tx: 't',
        },
      ],
      [
        { row: 5, chain: 'evm-43114', to: '0xd', time: 50 },
        { row: 6, chain: 'evm-43114', to: '0xd', time: 160 },
        { row: 7, chain: 'evm-43114', to: '0xd', time: 170 },
        { row: 8, chain: 'evm-1', to: '0xd', time: 120 },
      ],
    )
    expect(l.map((x) => [x.from, x.to, x.confidence])).toEqual([[0, 6, 0.8]])
  })
})

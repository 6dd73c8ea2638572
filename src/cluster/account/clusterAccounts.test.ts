import { describe, expect, it } from 'vitest'
import { airdropParticipation } from './airdropParticipation.js'
import { clusterAccounts } from './clusterAccounts.js'
import { darConfidence, depositAddressReuse } from './depositAddressReuse.js'
import { selfAuthorization } from './selfAuthorization.js'
import type { AccountTransfer } from './types.js'

const ETH = 10n ** 18n
let n = 0
const tr = (
  from: string,
  to: string,
  value: bigint,
  block: number,
  asset = 'ETH',
  txFrom?: string,
): AccountTransfer => ({
  chain: 'evm-1',
  txHash: `0x${(n++).toString(16).padStart(64, '0')}`,
  block,
  from,
  to,
  asset,
  value,
  ...(txFrom ? { txFrom } : {}),
})
const X = 'exchange'

describe('deposit-address reuse (Victor 2020)', () => {
  it('golden test: 1.0000 ETH at block 100 forwarded as 0.9958 ETH at block 420 → κ = 0.74', () => {
    const k = darConfidence(ETH, 9958n * 10n ** 14n, 100, 420, 10n ** 16n, 3200)
    expect(k).toBeCloseTo(0.74, 12)
    const ev = depositAddressReuse([tr('u', 'd', ETH, 100), tr('d', X, 9958n * 10n ** 14n, 420)], {
      isExchange: (a) => a === X,
    })
    expect(ev.map((e) => [e.addrA, e.addrB, e.heuristic])).toEqual([['u', 'd', 'deposit-address-reuse']])
    expect(ev[0]!.confidence).toBeCloseTo(0.74, 12)
    expect(ev[0]!.params).toMatchObject({ aMax: '10000000000000000', tMax: 3200, exchange: X })
  })
  it('rejects: too slow, lost too much, gained value, deposit address is a known entity, non-exchange target', () => {
    const isExchange = (a: string) => a === X
    expect(depositAddressReuse([tr('u', 'd', ETH, 100), tr('d', X, ETH, 3301)], { isExchange })).toEqual([])
    expect(
      depositAddressReuse([tr('u', 'd', ETH, 100), tr('d', X, ETH - 2n * 10n ** 16n, 101)], { isExchange }),
    ).toEqual([])
    expect(depositAddressReuse([tr('u', 'd', ETH, 100), tr('d', X, ETH + 1n, 101)], { isExchange })).toEqual([])
    expect(
      depositAddressReuse([tr('u', 'd', ETH, 100), tr('d', X, ETH, 101)], {
        isExchange,
        isKnownEntity: (a) => a === 'd',
      }),
    ).toEqual([])
    expect(depositAddressReuse([tr('u', 'd', ETH, 100), tr('d', 'y', ETH, 101)], { isExchange })).toEqual([])
    // the etherclust demo parameters accept the slow one
    expect(
      depositAddressReuse([tr('u', 'd', ETH, 100), tr('d', X, ETH, 3301)], { isExchange, tMax: 10_000 }).length,
    ).toBe(1)
  })
  it('clusters are components over {u, d} edges with the exchange removed; token deposits count too', () => {
    const c = clusterAccounts(
      {
        transfers: [
          tr('u1', 'd1', ETH, 1),
          tr('d1', X, ETH, 2),
          tr('u1', 'd2', 5n, 3, '0xtok'),
          tr('d2', X, 5n, 4, '0xtok'),
          tr('u2', 'd2', ETH, 5),
          tr('d2', X, ETH, 6),
          tr('u3', 'd3', ETH, 1),
          tr('d3', X, ETH, 2),
        ],
        approvals: [],
        contracts: new Set(),
      },
      { exchanges: new Set([X]) },
    )
    expect(c.clusters.sort()).toEqual([
      ['d1', 'd2', 'u1', 'u2'],
      ['d3', 'u3'],
    ])
    expect(c.clusterOf.has(X)).toBe(false)
    expect(c.evidence.map((e) => e.seq)).toEqual([0, 1, 2, 3])
  })
})

describe('airdrop multi-participation', () => {
  it('an aggregator receiving the airdrop amount from ≥ 2 recipients joins them', () => {
    const ts: AccountTransfer[] = []
    for (let i = 0; i < 6; i++) ts.push(tr('drop', `r${i}`, 100n, 10 + i, '0xair'))
    ts.push(
      tr('r1', 'agg', 100n, 50, '0xair'),
      tr('r2', 'agg', 100n, 51, '0xair'),
      tr('r3', 'other', 100n, 52, '0xair'),
    )
    const ev = airdropParticipation(ts, { minRecipients: 5 })
    expect(ev.map((e) => [e.addrA, e.addrB]).sort()).toEqual([
      ['r1', 'agg'],
      ['r2', 'agg'],
    ])
    expect(airdropParticipation(ts, { minRecipients: 7 })).toEqual([]) // not enough recipients
    const slow = ts.map((t) => (t.from === 'drop' ? { ...t, block: t.block * 10 } : t))
    expect(airdropParticipation(slow, { minRecipients: 5 })).toEqual([]) // median gap 10 > 2
  })
})

describe('self-authorization', () => {
  it('owner approves an EOA spender that then moves the owner tokens: linked; contract spenders are not', () => {
    const ap = (spender: string) => ({
      chain: 'evm-1',
      txHash: '0xa',
      block: 5,
      token: '0xt',
      owner: 'o',
      spender,
      txFrom: 'o',
    })
    const spend = (spender: string) => tr('o', spender, 7n, 6, '0xt', spender)
    expect(
      selfAuthorization([ap('s')], [spend('s')], { isContract: () => false }).map((e) => [e.addrA, e.addrB]),
    ).toEqual([['o', 's']])
    expect(selfAuthorization([ap('router')], [spend('router')], { isContract: (a) => a === 'router' })).toEqual([])
    expect(selfAuthorization([ap('s')], [], { isContract: () => false })).toEqual([])
  })
})

/** Test vectors of heuristics.md §5.2–5.6 (one per CoinJoin kind) and negatives. */
import { describe, expect, test } from 'vitest'
import { buildUtxoGraph, type TxSpec } from '../../graph/buildUtxoGraph.js'
import type { UtxoGraph } from '../../graph/UtxoGraph.js'
import { detectCoinJoin, isCoinJoinForCioh } from './detectCoinJoin.js'
import { isGenericCoinJoin } from './isGenericCoinJoin.js'
import { wabiSabiDenominations, wabiSabiNonDecimalDenominations } from './wabiSabiDenominations.js'

/** A chain that funds each input from its own coinbase, then the tx under test (last). */
function chainWith(
  inputs: readonly { address: string; value: number; type?: 'p2wpkh' | 'p2tr' | 'p2pkh' }[],
  outputs: TxSpec['outputs'],
  extra: Partial<TxSpec> = {},
): { g: UtxoGraph; t: number } {
  const specs: TxSpec[] = inputs.map((i, k) => ({
    name: `f${k}`,
    coinbase: true,
    outputs: [{ address: i.address, value: i.value, type: i.type ?? 'p2wpkh' }],
  }))
  specs.push({ name: 'tx', inputs: inputs.map((_, k) => `f${k}:0`), outputs, ...extra })
  return { g: buildUtxoGraph(specs), t: specs.length - 1 }
}

const out = (value: number, k: number, type: 'p2wpkh' | 'p2pkh' | 'p2tr' = 'p2wpkh') => ({
  address: `o${k}-${value}`,
  value,
  type,
})

describe('generic equal-output CoinJoin (§5.2)', () => {
  test('golden: 4 participants, 5 inputs from 4 addresses, 4 × 5,000,000 + 3 change', () => {
    const { g, t } = chainWith(
      [
        { address: 'p1', value: 3_000_000 },
        { address: 'p1', value: 2_600_000 },
        { address: 'p2', value: 5_900_000 },
        { address: 'p3', value: 6_400_000 },
        { address: 'p4', value: 5_000_900 },
      ],
      [5_000_000, 5_000_000, 5_000_000, 5_000_000, 598_000, 899_000, 1_399_000].map((v, k) => out(v, k)),
    )
    const m = isGenericCoinJoin(g, t)
    expect(m).not.toBeNull()
    expect(m?.anonSet).toBe(4)
    expect(m?.denomination).toBe(5_000_000)
    const d = detectCoinJoin(g, t)
    expect(['generic', 'joinmarket']).toContain(d?.kind)
    expect(isCoinJoinForCioh(d)).toBe(true)
  })

  test('p must not exceed the distinct input addresses', () => {
    const { g, t } = chainWith(
      [
        { address: 'x', value: 6_000_000 },
        { address: 'x', value: 6_000_000 },
        { address: 'x', value: 6_000_000 },
        { address: 'y', value: 6_000_000 },
      ],
      [5_000_000, 5_000_000, 5_000_000, 5_000_000, 900_000, 990_000, 999_000].map((v, k) => out(v, k)),
    )
    expect(isGenericCoinJoin(g, t)).toBeNull()
  })

  test('dust top value is not a CoinJoin', () => {
    const { g, t } = chainWith(
      [
        { address: 'a', value: 100_000 },
        { address: 'b', value: 100_000 },
      ],
      [546, 546, 150_000].map((v, k) => out(v, k)),
    )
    expect(detectCoinJoin(g, t)).toBeNull()
  })

  test('an ordinary payment and a batch payout are not CoinJoins', () => {
    const pay = chainWith(
      [
        { address: 'a', value: 50_000_000 },
        { address: 'b', value: 30_000_000 },
      ],
      [60_000_000, 19_970_000].map((v, k) => out(v, k)),
    )
    expect(detectCoinJoin(pay.g, pay.t)).toBeNull()
    const batch = chainWith(
      [
        { address: 'a', value: 50_000_000 },
        { address: 'b', value: 30_000_000 },
      ],
      [1_000_000, 2_000_000, 3_000_000, 4_000_000, 69_000_000].map((v, k) => out(v, k)),
    )
    expect(detectCoinJoin(batch.g, batch.t)).toBeNull()
  })
})

describe('JoinMarket (§5.6): generic rule + subset-sum', () => {
  test('makers paid, taker pays mining and maker fees → joinmarket', () => {
    const { g, t } = chainWith(
      [
        { address: 'm1', value: 5_800_000 },
        { address: 'm2', value: 3_000_000 },
        { address: 'm2b', value: 2_500_000 },
        { address: 'm3', value: 6_100_000 },
        { address: 'taker', value: 7_000_000 },
      ],
      [5_000_000, 5_000_000, 5_000_000, 5_000_000, 800_050, 500_050, 1_100_050, 1_997_850].map((v, k) => out(v, k)),
    )
    const m = detectCoinJoin(g, t)
    expect(m?.kind).toBe('joinmarket')
    expect(m?.code).toBe('coinjoin.joinmarket')
    expect(m?.equalOutputs).toHaveLength(4)
  })

  test('equal outputs whose inputs cannot fund participants within the fee bound stay generic', () => {
    const { g, t } = chainWith(
      [
        { address: 'a', value: 9_000_000 },
        { address: 'b', value: 9_000_000 },
        { address: 'c', value: 9_000_000 },
        { address: 'd', value: 9_000_000 },
      ],
      [5_000_000, 5_000_000, 5_000_000, 5_000_000, 100_000, 200_000, 300_000].map((v, k) => out(v, k)),
    )
    expect(detectCoinJoin(g, t)?.kind).toBe('generic')
  })
})

describe('Whirlpool (§5.5)', () => {
  test('golden: 0.01 pool 5×5, 3 remixes + 2 premixes of 1,002,550 → whirlpool', () => {
    const { g, t } = chainWith(
      [
        { address: 'r1', value: 1_000_000 },
        { address: 'r2', value: 1_000_000 },
        { address: 'r3', value: 1_000_000 },
        { address: 'n1', value: 1_002_550 },
        { address: 'n2', value: 1_002_550 },
      ],
      [1, 2, 3, 4, 5].map((k) => out(1_000_000, k)),
    )
    const m = detectCoinJoin(g, t)
    expect(m?.kind).toBe('whirlpool')
    expect(m?.anonSet).toBe(5)
    expect(m?.denomination).toBe(1_000_000)
    // fee 5,100 sat
    expect(2 * 1_002_550 - 2 * 1_000_000).toBe(5_100)
  })

  test('an input above the premix bound breaks the mix rule', () => {
    const { g, t } = chainWith(
      [
        { address: 'r1', value: 1_000_000 },
        { address: 'r2', value: 1_000_000 },
        { address: 'r3', value: 1_000_000 },
        { address: 'n1', value: 1_200_000 },
        { address: 'n2', value: 1_002_550 },
      ],
      [1, 2, 3, 4, 5].map((k) => out(1_000_000, k)),
    )
    expect(detectCoinJoin(g, t)?.kind).not.toBe('whirlpool')
  })

  test('tx0: premix outputs + coordinator fee + OP_RETURN + toxic change → whirlpool_tx0, CIOH allowed', () => {
    const { g, t } = chainWith(
      [{ address: 'owner', value: 5_200_000 }],
      [
        out(1_002_550, 1),
        out(1_002_550, 2),
        out(1_002_550, 3),
        out(1_002_550, 4),
        out(42_500, 5),
        { address: null, value: 0, type: 'nulldata' },
        out(1_141_800, 6),
      ],
    )
    const m = detectCoinJoin(g, t)
    expect(m?.kind).toBe('whirlpool_tx0')
    expect(m?.anonSet).toBe(4)
    expect(m?.denomination).toBe(1_000_000)
    expect(isCoinJoinForCioh(m)).toBe(false)
  })
})

describe('Wasabi 1.x (§5.3)', () => {
  test('structural rule: ≥ 10 equal P2WPKH outputs near 0.1 BTC, change, coordinator fee', () => {
    const inputs = Array.from({ length: 12 }, (_, k) => ({ address: `w${k}`, value: 10_500_000 + k * 1000 }))
    const outputs = [
      ...Array.from({ length: 11 }, (_, k) => out(9_990_000, k)),
      out(400_000, 100),
      out(350_000, 101),
      out(33_000, 102),
    ]
    const { g, t } = chainWith(inputs, outputs)
    const m = detectCoinJoin(g, t)
    expect(m?.kind).toBe('wasabi1')
    expect(m?.anonSet).toBe(11)
    expect(m?.denomination).toBe(9_990_000)
  })

  test('coordinator rule: an output to the zkSNACKs coordinator and a value seen > 2 times', () => {
    const { g, t } = chainWith(
      [
        { address: 'a', value: 2_000_000 },
        { address: 'b', value: 2_000_000 },
        { address: 'c', value: 2_000_000 },
      ],
      [
        out(1_500_000, 1),
        out(1_500_000, 2),
        out(1_500_000, 3),
        { address: 'bc1qs604c7jv6amk4cxqlnvuxv26hv3e48cds4m0ew', value: 20_000 },
        out(480_000, 4),
      ],
    )
    expect(detectCoinJoin(g, t)?.kind).toBe('wasabi1')
  })
})

describe('WabiSabi (§5.4)', () => {
  test('93 standard denominations; 2^23 and 3^14 are non-decimal fingerprints', () => {
    expect(wabiSabiDenominations.size).toBe(93)
    expect(wabiSabiNonDecimalDenominations.has(8_388_608)).toBe(true)
    expect(wabiSabiNonDecimalDenominations.has(4_782_969)).toBe(true)
    expect(wabiSabiNonDecimalDenominations.has(1_000_000)).toBe(false)
    expect(wabiSabiDenominations.has(5_000)).toBe(true)
    expect(wabiSabiDenominations.has(4_096)).toBe(false)
  })

  test('am-i-exposed rule: sorted, final sequences, locktime 0, standard denominations', () => {
    const inputs = [30_000_000, 20_000_000, 12_000_000, 9_000_000, 6_000_000, 4_000_000].map((v, k) => ({
      address: `i${k}`,
      value: v,
    }))
    const outputs = [
      out(10_000_000, 1),
      out(10_000_000, 2),
      out(8_388_608, 3),
      out(8_388_608, 4),
      out(8_388_608, 5),
      out(5_000_000, 8),
      out(5_000_000, 9),
      out(4_782_969, 6),
      out(4_782_969, 7),
      out(3_000_000, 10),
      out(1_234_567, 11),
    ]
    const { g, t } = chainWith(inputs, outputs, { locktime: 0 })
    const m = detectCoinJoin(g, t)
    expect(m?.kind).toBe('wabisabi')
    expect(m?.denomination).toBe(8_388_608)
    expect(m?.anonSet).toBe(3)
    expect(m?.equalOutputs).toHaveLength(9)
  })

  test('unsorted outputs are not WabiSabi', () => {
    const inputs = [30_000_000, 20_000_000, 12_000_000, 9_000_000, 6_000_000].map((v, k) => ({
      address: `i${k}`,
      value: v,
    }))
    const outputs = [
      out(8_388_608, 3),
      out(10_000_000, 1),
      out(8_388_608, 4),
      out(4_782_969, 6),
      out(4_782_969, 7),
      out(5_000_000, 8),
    ]
    const { g, t } = chainWith(inputs, outputs)
    expect(detectCoinJoin(g, t)?.kind).not.toBe('wabisabi')
  })
})

test('coinbase is never a CoinJoin', () => {
  const g = buildUtxoGraph([{ name: 'cb', coinbase: true, outputs: [1, 2, 3, 4].map((k) => out(1_000_000, k)) }])
  expect(detectCoinJoin(g, 0)).toBeNull()
})

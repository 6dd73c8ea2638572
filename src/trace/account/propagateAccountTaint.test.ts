import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { A, BOB, C1, C2, CAROL, row, THIEF, worked } from './_testWorkedExample.js'
import { buildAccountTransferSet, type TransferRow } from './AccountTransferSet.js'
import {
  type AccountPolicy,
  accountPolicies,
  openingBalancesBigint,
  openingBalancesLimbs,
  propagateAccountTaint,
} from './propagateAccountTaint.js'

const ETH = 10n ** 18n
/** heuristics.md §4.6 worked example: +5 clean, +1 stolen, +5 clean; send 1 to Bob, then 5 to Carol. */
function workedExample(policy: AccountPolicy, unit: bigint) {
  const set = worked(unit)
  const r = propagateAccountTaint(set, { policy, seedAddresses: new Set([set.addressIndex.get(THIEF)!]) })
  const alice = r.ledgerOf(set.addressIndex.get(A)!, 0)!
  return { bob: r.taint[3]!, carol: r.taint[4]!, alice: alice.tainted, aliceBalance: alice.balance, r }
}

describe('account policies: the worked example of heuristics.md §4.6 (exact)', () => {
  // Units of 1/11 ETH make every haircut share an integer, so the table's rationals are checked exactly.
  const u = 11n
  const table: Record<string, [bigint, bigint, bigint]> = {
    poison: [11n, 55n, 55n],
    haircut: [1n, 5n, 5n],
    fifo: [0n, 11n, 0n],
    lifo: [0n, 11n, 0n],
    'dirty-first': [11n, 0n, 0n],
    'clean-first': [0n, 0n, 11n],
  }
  for (const policy of accountPolicies) {
    it(`${policy}: Bob, Carol, Alice's remainder (in 1/11 ETH)`, () => {
      const got = workedExample(policy, u)
      expect([got.bob, got.carol, got.alice]).toEqual(table[policy])
      expect(got.aliceBalance).toBe(55n)
    })
  }

  it('haircut in wei: floor per outflow, the remainder stays in the ledger, conservation exact', () => {
    const got = workedExample('haircut', ETH)
    expect(got.bob).toBe(ETH / 11n) // 90909090909090909 = floor(1/11 ETH)
    expect(got.bob).toBe(90909090909090909n)
    // After Bob: B = 10 ETH, T = 1 ETH − floor(1/11 ETH); Carol takes floor(5·T/B).
    expect(got.carol).toBe((5n * ETH * (ETH - ETH / 11n)) / (10n * ETH))
    expect(got.carol).toBe(454545454545454545n)
    expect(got.alice).toBe(454545454545454546n)
    expect(got.bob + got.carol + got.alice).toBe(ETH)
    // each within one wei of the exact rational k/11 ETH
    for (const [v, k] of [
      [got.bob, 1n],
      [got.carol, 5n],
      [got.alice, 5n],
    ] as const) {
      const diff = 11n * v - k * ETH
      expect(diff > -11n && diff < 11n).toBe(true)
    }
  })

  it('the stolen lot and opening balances are accounted in stats', () => {
    const got = workedExample('fifo', ETH)
    expect(got.r.stats.taintedIn).toBe(ETH)
    // C1 and C2 paid 5 ETH each with no inflow in the window, but taint never reaches them: not tracked
    expect(got.r.stats.openingBalance).toBe(0n)
  })

  it('history outside the window is clean and older: an overdrawn ledger gets a clean opening lot', () => {
    const set = buildAccountTransferSet([row(0, THIEF, A, ETH), row(1, A, BOB, 3n * ETH)])
    const seeds = new Set([set.addressIndex.get(THIEF)!])
    const fifo = propagateAccountTaint(set, { policy: 'fifo', seedAddresses: seeds })
    expect(fifo.stats.openingBalance).toBe(2n * ETH)
    expect(fifo.taint[1]).toBe(ETH) // 2 clean (opening) + 1 stolen
    const lifo = propagateAccountTaint(set, { policy: 'lifo', seedAddresses: seeds })
    expect(lifo.taint[1]).toBe(ETH)
    const haircut = propagateAccountTaint(set, { policy: 'haircut', seedAddresses: seeds })
    expect(haircut.taint[1]).toBe(ETH)
  })
})

describe('gas fee convention (value first, fee last by default)', () => {
  // Alice: 1 ETH clean then 1 ETH stolen; sends 1 ETH to Bob paying 0.1 ETH gas (FIFO).
  const rows = (): TransferRow[] => [
    row(0, C1, A, ETH),
    row(1, THIEF, A, ETH),
    row(2, A, BOB, ETH, { subIndex: 0 }),
    row(2, A, null, ETH / 10n, { kind: 'fee' }),
  ]
  const run = (fee: 'last' | 'first' | 'ignore') => {
    const set = buildAccountTransferSet(rows(), { fee })
    const r = propagateAccountTaint(set, { policy: 'fifo', seedAddresses: new Set([set.addressIndex.get(THIEF)!]) })
    const bobRow = set.to.indexOf(set.addressIndex.get(BOB)!)
    const feeRow = set.kind.indexOf(3)
    return { bob: r.taint[bobRow]!, fee: feeRow < 0 ? null : r.taint[feeRow]!, n: set.n }
  }
  it('fee last: Bob gets the clean coin, the fee is paid from the stolen lot', () => {
    expect(run('last')).toEqual({ bob: 0n, fee: ETH / 10n, n: 4 })
  })
  it('fee first: the fee takes the clean head, Bob gets 0.9 clean + 0.1 stolen', () => {
    expect(run('first')).toEqual({ bob: ETH / 10n, fee: 0n, n: 4 })
  })
  it('fee ignored: fee rows are dropped', () => {
    expect(run('ignore')).toEqual({ bob: 0n, fee: null, n: 3 })
  })
})

describe('pools: swap outputs carry the input ratio', () => {
  it('half-tainted 10 TOKA swapped for 4 ETH carries 2 ETH of taint to the recipient', () => {
    const PAIR = '0x00000000000000000000000000000000000000dd'
    const TOK = '0x00000000000000000000000000000000000000aa'
    const rows = [
      row(0, THIEF, A, 5n, { asset: TOK, kind: 'erc20' }),
      row(1, C1, A, 5n, { asset: TOK, kind: 'erc20' }),
      row(2, A, PAIR, 10n, { asset: TOK, kind: 'erc20', subIndex: 1 }),
      row(2, PAIR, A, 4n * ETH, { kind: 'internal', subIndex: 2 }),
    ]
    const set = buildAccountTransferSet(rows, {
      pools: new Map([[PAIR, 'swap']]),
      links: [{ from: 2, to: 3, kind: 'swap', confidence: 1 }],
    })
    const r = propagateAccountTaint(set, { policy: 'haircut', seedAddresses: new Set([set.addressIndex.get(THIEF)!]) })
    expect(r.taint[2]).toBe(5n)
    expect(r.taint[3]).toBe(2n * ETH)
    expect(r.hops[3]).toBe(3)
  })
})

describe('properties', () => {
  const addrs = [A, BOB, CAROL, C1, C2, THIEF]
  const arbRows = fc.array(
    fc.record({
      f: fc.integer({ min: 0, max: 5 }),
      t: fc.integer({ min: 0, max: 5 }),
      v: fc.bigInt({ min: 0n, max: 10n ** 24n }),
      tok: fc.boolean(),
    }),
    { minLength: 1, maxLength: 40 },
  )
  const mk = (rs: { f: number; t: number; v: bigint; tok: boolean }[]) =>
    buildAccountTransferSet(
      rs.map((x, i) => row(i, addrs[x.f]!, addrs[x.t]!, x.v, x.tok ? { asset: C2, kind: 'erc20' } : { kind: 'tx' })),
    )

  it('conserving policies: Σ taint into sinks + Σ tainted held = taint in; 0 ≤ taint ≤ value', () => {
    fc.assert(
      fc.property(arbRows, fc.constantFrom(...accountPolicies.filter((p) => p !== 'poison')), (rs, policy) => {
        const set = mk(rs)
        const seed = set.addressIndex.get(THIEF)
        const seeds = new Set(seed === undefined ? [] : [seed])
        const r = propagateAccountTaint(set, { policy, seedAddresses: seeds })
        let sunk = 0n
        for (let p = 0; p < set.n; p++) {
          expect(r.taint[p]! >= 0n && r.taint[p]! <= set.value[p]!).toBe(true)
          if (seeds.has(set.to[p]!)) sunk += r.taint[p]!
        }
        let held = 0n
        for (const l of r.ledgers()) {
          expect(l.tainted >= 0n && l.tainted <= l.balance).toBe(true)
          held += l.tainted
        }
        expect(sunk + held).toBe(r.stats.taintedIn)
      }),
      { numRuns: 300 },
    )
  })

  it('no seeds → nothing tainted; poison taints at least what haircut taints', () => {
    fc.assert(
      fc.property(arbRows, (rs) => {
        const set = mk(rs)
        for (const policy of accountPolicies) {
          const r = propagateAccountTaint(set, { policy })
          expect(r.taint.every((t) => t === 0n)).toBe(true)
        }
        const seed = set.addressIndex.get(THIEF)
        const seeds = new Set(seed === undefined ? [] : [seed])
        const p = propagateAccountTaint(set, { policy: 'poison', seedAddresses: seeds })
        const h = propagateAccountTaint(set, { policy: 'haircut', seedAddresses: seeds })
        for (let i = 0; i < set.n; i++) expect(p.taint[i]! >= h.taint[i]!).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('FIFO is unchanged when an inflow is split into two consecutive inflows', () => {
    const a = buildAccountTransferSet([
      row(0, THIEF, A, 3n),
      row(1, C1, A, 4n),
      row(2, A, BOB, 5n),
      row(3, A, CAROL, 2n),
    ])
    const b = buildAccountTransferSet([
      row(0, THIEF, A, 1n),
      row(1, THIEF, A, 2n),
      row(2, C1, A, 4n),
      row(3, A, BOB, 5n),
      row(4, A, CAROL, 2n),
    ])
    const ra = propagateAccountTaint(a, { policy: 'fifo', seedAddresses: new Set([a.addressIndex.get(THIEF)!]) })
    const rb = propagateAccountTaint(b, { policy: 'fifo', seedAddresses: new Set([b.addressIndex.get(THIEF)!]) })
    expect([ra.taint[2], ra.taint[3]]).toEqual([rb.taint[3], rb.taint[4]])
    expect([ra.taint[2], ra.taint[3]]).toEqual([3n, 0n])
  })

  it('opening balances: the float64-limb pre-pass gives the bigint one exactly, and declines amounts beyond 2^84', () => {
    // magnitudes around the 2^32 limb boundary, wei-sized, and beyond the exact range (2^84 and more)
    const big = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 33n }),
      fc.bigInt({ min: 2n ** 32n - 3n, max: 2n ** 32n + 3n }),
      fc.bigInt({ min: 0n, max: 10n ** 24n }),
      fc.bigInt({ min: 2n ** 80n, max: 2n ** 90n }),
    )
    const rows = fc.array(fc.record({ f: fc.integer({ min: 0, max: 5 }), t: fc.integer({ min: 0, max: 5 }), v: big }), {
      minLength: 1,
      maxLength: 60,
    })
    let exact = 0
    let declined = 0
    fc.assert(
      fc.property(rows, fc.integer({ min: 0, max: 5 }), (rs, seed) => {
        const set = buildAccountTransferSet(rs.map((x, i) => row(i, addrs[x.f]!, addrs[x.t]!, x.v, { kind: 'tx' })))
        const flag = new Uint8Array(set.addresses.length)
        const s = set.addressIndex.get(addrs[seed]!)
        if (s !== undefined) flag[s] = 1
        const relevant = new Uint8Array(set.ledgerAddress.length).fill(1)
        const none = new Uint8Array(set.n)
        const want = openingBalancesBigint(set, flag, none, relevant)
        const got = openingBalancesLimbs(set, flag, none, relevant)
        if (rs.some((x) => x.v >= 2n ** 84n)) expect(got).toBeNull()
        if (got === null) declined++
        else {
          exact++
          expect(got).toEqual(want)
        }
      }),
      { numRuns: 300 },
    )
    expect(exact).toBeGreaterThan(50)
    expect(declined).toBeGreaterThan(10)
  })
})

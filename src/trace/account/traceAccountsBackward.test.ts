import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { A, addr, BOB, C1, C2, CAROL, hash, row, THIEF, worked } from './_testWorkedExample.js'
import { buildAccountTransferSet } from './AccountTransferSet.js'
import { type AccountPolicy, accountPolicies, propagateAccountTaint } from './propagateAccountTaint.js'
import { traceAccountsBackward } from './traceAccountsBackward.js'

const origins = (r: ReturnType<typeof traceAccountsBackward>) =>
  Object.fromEntries(r.endpoints.map((e) => [e.address, [e.reason, BigInt(e.amount)]]))

describe('backward account tracing: the worked example of heuristics.md §4.6 (in 1/11 ETH, exact)', () => {
  const u = 11n
  // where Carol's 5 came from, per policy: [C1, THIEF, C2]
  const carol: Record<AccountPolicy, [bigint, bigint, bigint]> = {
    poison: [55n, 11n, 55n], // every inflow before, for its whole value
    haircut: [25n, 5n, 25n], // 55 · (55, 11, 55) / 121
    fifo: [44n, 11n, 0n], // Bob took C1's first unit; Carol the next 4 of C1 and the stolen one
    lifo: [0n, 11n, 44n], // Bob took C2's last unit; Carol C2's other 4 and the stolen one
    'dirty-first': [44n, 11n, 0n], // backward every lot is a source's: runs as fifo
    'clean-first': [44n, 11n, 0n],
  }
  const bob: Record<AccountPolicy, [bigint, bigint, bigint]> = {
    poison: [55n, 11n, 55n],
    haircut: [5n, 1n, 5n],
    fifo: [11n, 0n, 0n],
    lifo: [0n, 0n, 11n],
    'dirty-first': [11n, 0n, 0n],
    'clean-first': [11n, 0n, 0n],
  }
  for (const policy of accountPolicies) {
    it(`${policy}: the origins of Carol's and Bob's payments`, () => {
      const set = worked(u)
      for (const [seed, want] of [
        [hash(4), carol[policy]],
        [hash(3), bob[policy]],
      ] as const) {
        const r = traceAccountsBackward(set, { policy, seeds: [seed] })
        expect(r.direction).toBe('backward')
        expect(r.model).toBe('account')
        const o = origins(r)
        const got = [C1, THIEF, C2].map((a) => (o[a] ? (o[a]![1] as bigint) : 0n))
        expect(got, `${policy} ${seed}`).toEqual(want)
        for (const a of [C1, THIEF, C2]) if (o[a]) expect(o[a]![0]).toBe('unknown-origin')
        if (policy !== 'poison') expect(got.reduce((s, x) => s + x, 0n)).toBe(BigInt(r.taintedIn[0]!.amount))
      }
    })
  }

  it('haircut in wei: the split is floored and the remainder goes to the largest share (conserved)', () => {
    const ETH = 10n ** 18n
    const r = traceAccountsBackward(worked(ETH), { policy: 'haircut', seeds: [hash(4)] })
    const o = origins(r)
    const thief = o[THIEF]![1] as bigint
    expect(thief).toBe((5n * ETH * 11n) / 121n) // floor(5 ETH · 1/11): inflows of one segment split exactly
    expect((o[C1]![1] as bigint) + thief + (o[C2]![1] as bigint)).toBe(5n * ETH)
  })

  it('an address seed explains everything it received; the path starts at the seed transaction', () => {
    const set = worked(11n)
    const r = traceAccountsBackward(set, { policy: 'fifo', seeds: [CAROL] })
    expect(r.seeds).toEqual([{ seed: CAROL, kind: 'address', rows: 1 }])
    const thief = r.endpoints.find((e) => e.address === THIEF)!
    expect(thief.path).toEqual([hash(4), hash(1)])
    expect(thief.hops).toBe(2)
    expect(r.outputs.map((x) => [x.txid, x.amount])).toEqual([
      [hash(0), '44'],
      [hash(1), '11'],
      [hash(4), '55'],
    ])
  })

  it('max-hops stops at the boundary; a mint (no sender) is an origin', () => {
    const set = buildAccountTransferSet([
      row(0, null, C1, 7n, { kind: 'reward' }),
      row(1, C1, A, 7n),
      row(2, A, BOB, 7n),
    ])
    expect(origins(traceAccountsBackward(set, { policy: 'fifo', seeds: [hash(2)] }))).toEqual({
      '0x0000000000000000000000000000000000000000': ['mint', 7n],
    })
    expect(origins(traceAccountsBackward(set, { policy: 'fifo', seeds: [hash(2)], maxHops: 1 }))).toEqual({
      [C1]: ['max-hops', 7n],
    })
  })

  it('through a swap link: the output is funded by the linked input, in the input asset', () => {
    const TOKA = addr('aa')
    const TOKB = addr('bb')
    const PAIR = addr('99')
    const rows = [
      row(0, THIEF, A, 100n, { asset: TOKA, kind: 'erc20' }),
      row(1, A, PAIR, 100n, { asset: TOKA, kind: 'erc20', txHash: hash(9) }),
      row(2, PAIR, A, 40n, { asset: TOKB, kind: 'erc20', txHash: hash(9), block: 101, subIndex: 1 }),
      row(3, A, BOB, 30n, { asset: TOKB, kind: 'erc20' }),
    ]
    rows[2]!.time = rows[1]!.time
    const set = buildAccountTransferSet(rows, {
      links: [{ from: 1, to: 2, kind: 'swap', confidence: 1 }],
      pools: new Map([[PAIR, 'swap']]),
    })
    const r = traceAccountsBackward(set, { policy: 'haircut', seeds: [hash(3)] })
    // Bob's 30 TOKB: 30/40 of the swap output → 75 of the 100 TOKA paid in → the thief
    expect(r.endpoints.map((e) => [e.address, e.asset, e.reason, e.amount])).toEqual([
      [THIEF, TOKA, 'unknown-origin', '75'],
    ])
    expect(r.links).toMatchObject([{ kind: 'swap', followed: true, amount: '30' }])
  })
})

describe('haircut backward on near-drained ledgers', () => {
  it('an outflow of all but 1 wei of a 1e20-wei balance (x/bal rounds to 1 as a double) keeps the trace finite', () => {
    const S = addr('5')
    const [p1, p2, p3, p4] = [addr('1'), addr('2'), addr('3'), addr('4')]
    const V = 99999999999999991809n
    const set = buildAccountTransferSet([
      row(0, S, p1, V),
      row(1, p1, p2, V - 1n),
      row(2, p3, p1, 10n),
      row(3, p1, p4, 5n),
    ])
    const back = traceAccountsBackward(set, { policy: 'haircut', seeds: [hash(3)] })
    const fwd = propagateAccountTaint(set, { policy: 'haircut', seedAddresses: new Set([set.addressIndex.get(S)!]) })
    expect(back.endpoints.reduce((t, e) => t + BigInt(e.amount), 0n)).toBe(5n)
    const fromS = back.endpoints.find((e) => e.address === S)
    expect(fromS ? BigInt(fromS.amount) : 0n).toBe(fwd.taint[3]!)
  })
})

describe('backward is the inverse of forward (property)', () => {
  // random transfers among 4 ordinary addresses, plus one pure source S (it only sends): the amount of a transfer
  // attributed backward to S equals the forward taint of that transfer from seed S (exact for fifo and lifo,
  // within the flooring of each hop and double-precision survival ratios for haircut)
  const S = addr('5')
  const people = [addr('1'), addr('2'), addr('3'), addr('4')]
  const arb = fc.array(
    fc.record({
      f: fc.integer({ min: -1, max: 3 }),
      t: fc.integer({ min: 0, max: 3 }),
      v: fc.bigInt({ min: 1n, max: 10n ** 20n }),
    }),
    { minLength: 1, maxLength: 40 },
  )
  for (const policy of ['fifo', 'lifo', 'haircut', 'poison'] as const) {
    it(policy, () => {
      fc.assert(
        fc.property(arb, (xs) => {
          const rows = xs.map((x, i) => row(i, x.f < 0 ? S : people[x.f]!, people[x.t]!, x.v))
          const set = buildAccountTransferSet(rows)
          const fwd = propagateAccountTaint(set, { policy, seedAddresses: new Set([set.addressIndex.get(S)!]) })
          const last = set.n - 1
          const back = traceAccountsBackward(set, { policy, seeds: [hash(last)] })
          const fromS = back.endpoints.find((e) => e.address === S)
          const got = fromS ? BigInt(fromS.amount) : 0n
          const want = fwd.taint[last]!
          if (policy === 'poison') return want > 0n === got > 0n
          if (policy === 'haircut') {
            // forward floors once per hop; backward's survival ratios are doubles (relative error ~1e-16)
            const d = got - want
            const tol = 64n + set.value[last]! / 10n ** 14n
            return d >= -tol && d <= tol
          }
          return got === want
        }),
        { numRuns: 300, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: true },
      )
    })
  }
})

import { describe, expect, it } from 'vitest'
import { setView } from './_testSetView.js'
import { A, addr, BOB, C1, hash, row, THIEF, worked } from './_testWorkedExample.js'
import { type AccountTransferSet, buildAccountTransferSet } from './AccountTransferSet.js'
import {
  decodeAccountSetSnapshot,
  encodeAccountSetSnapshot,
  peekSnapshotKey,
  type SnapshotKey,
} from './accountSetSnapshot.js'

const key: SnapshotKey = { fee: 'last', chains: [], fingerprint: 'code:x;evm_transfers:5:1:2' }
const encode = (s: AccountTransferSet, k = key) => Buffer.concat(encodeAccountSetSnapshot(s, k)!)
const roundTrip = (s: AccountTransferSet, k = key) => {
  const d = decodeAccountSetSnapshot(encode(s, k), k)
  if (!('set' in d)) throw new Error(d.reject)
  return d.set
}

/** Everything the format has a special case for: wide values, non-hex tx ids, links with evidence, bridges… */
function rich(): AccountTransferSet {
  const POOL = addr('5a')
  const BRIDGE = addr('b7')
  const TOKEN = addr('70')
  const rows = [
    row(0, THIEF, A, 7n),
    row(1, A, POOL, 2n ** 64n + 1n), // needs the high word
    row(2, POOL, BOB, 2n ** 127n + 3n, { asset: TOKEN, kind: 'erc20', subIndex: 1_000_001 }),
    row(3, BOB, C1, 2n ** 200n + 5n, { asset: TOKEN, kind: 'erc20' }), // beyond 128 bits: a decimal string
    row(4, null, A, 32n * 10n ** 9n, { kind: 'withdrawal', txHash: 'withdrawal:104:0' }), // not a hex hash
    row(5, A, BRIDGE, 10n ** 18n),
    row(6, BOB, null, 21_000n * 10n ** 9n, { kind: 'fee', txHash: hash(3) }),
    row(7, addr('dd'), C1, 0n, { chain: 'evm-10', txHash: hash(1) }), // same hash on another chain
  ]
  return buildAccountTransferSet(rows, {
    links: [
      { from: 1, to: 2, kind: 'swap', confidence: 1 },
      {
        from: 5,
        to: 7,
        kind: 'bridge',
        confidence: 0.8,
        rules: ['destination-address+time'],
        evidence: { memo: null, windowSec: 259200, wide: 2n ** 70n, nested: { list: [1, 'x', undefined] } },
      },
    ],
    pools: new Map([
      [POOL, 'swap' as const],
      [BRIDGE, 'bridge' as const],
    ]),
    assetInfo: new Map([
      ['evm-1:' + TOKEN, { chain: 'evm-1', asset: TOKEN, symbol: 'ЕТН', decimals: 18, unverified: true }],
      ['evm-1:ETH', { chain: 'evm-1', asset: 'ETH', symbol: undefined, decimals: undefined, unverified: false }],
    ]),
    bridgeDestinations: new Map([[5, { protocol: 'thorchain', chain: 'btc', address: null, memo: '=:BTC.BTC:bc1q' }]]),
  })
}

describe('accountSetSnapshot: encode/decode', () => {
  it('the worked example round-trips to an identical set (every column, map and lookup)', () => {
    const s = worked(10n ** 18n)
    expect(setView(roundTrip(s), [hash(99), 'nope'])).toStrictEqual(setView(s, [hash(99), 'nope']))
  })

  it('wide values, non-hex tx ids, same hash on two chains, links with evidence, pools, assets, bridges', () => {
    const s = rich()
    const got = roundTrip(s)
    expect(setView(got, [hash(1), 'withdrawal:104:0'])).toStrictEqual(setView(s, [hash(1), 'withdrawal:104:0']))
    expect(got.value).toContain(2n ** 200n + 5n)
    expect(got.txIdsOf(hash(1))).toHaveLength(2)
    expect(got.linkFrom.filter((x) => x >= 0)).toHaveLength(2)
    expect(got.linkInfo.size).toBe(1) // the swap link has no rules or evidence
    const info = [...got.linkInfo.values()][0]!
    expect(info.evidence).toStrictEqual({
      memo: null,
      windowSec: 259200,
      wide: 2n ** 70n,
      nested: { list: [1, 'x', undefined] },
    })
    expect(Object.keys(got.assets.find((a) => a.asset === 'ETH')!)).toEqual([
      'chain',
      'asset',
      'symbol',
      'decimals',
      'unverified',
    ])
  })

  it('evidence JSON would not give back exactly: non-finite numbers and -0 are kept, a Map means no snapshot', () => {
    const withEvidence = (evidence: Record<string, unknown>) =>
      buildAccountTransferSet([row(0, THIEF, A, 5n), row(1, A, BOB, 5n)], {
        links: [{ from: 0, to: 1, kind: 'mixer', confidence: 0.7, rules: ['H4'], evidence }],
      })
    const odd = withEvidence({ a: Number.NaN, b: Number.POSITIVE_INFINITY, c: -0, d: [Number.NEGATIVE_INFINITY] })
    expect([...roundTrip(odd).linkInfo]).toStrictEqual([...odd.linkInfo])
    expect(Object.is(roundTrip(odd).linkInfo.get(1)!.evidence.c, -0)).toBe(true)
    expect(encodeAccountSetSnapshot(withEvidence({ m: new Map([[1, 2]]) }), key)).toBeNull()
    expect(encodeAccountSetSnapshot(withEvidence({ d: new Date(0) }), key)).toBeNull()
  })

  it('addresses containing a newline go through the JSON section; an empty address survives', () => {
    const s = buildAccountTransferSet([row(0, 'odd\nname', A, 1n), row(1, A, '', 2n)])
    expect(setView(roundTrip(s))).toStrictEqual(setView(s))
    // a pool row with an empty address is the set's only address (the loader adds pool addresses as they are)
    const lone = {
      ...buildAccountTransferSet([row(0, null, null, 1n)]),
      addresses: [''],
      addressIndex: new Map([['', 0]]),
    }
    expect(roundTrip(lone).addresses).toEqual([''])
  })

  it('the header key can be read alone; a snapshot for other options or content is rejected', () => {
    const b = encode(worked(1n))
    expect(peekSnapshotKey(b)).toStrictEqual(key)
    for (const other of [
      { ...key, fee: 'first' as const },
      { ...key, fee: 'ignore' as const },
      { ...key, fingerprint: `${key.fingerprint}0` },
      { ...key, chains: ['evm-1'] },
    ])
      expect(decodeAccountSetSnapshot(b, other)).toEqual({ reject: 'built for other options or another store content' })
  })

  it('any single flipped byte anywhere in the file is rejected, never trusted and never thrown', () => {
    const b = encode(rich())
    expect(b.length).toBeGreaterThan(500)
    for (let i = 0; i < b.length; i++) {
      const c = Buffer.from(b)
      c[i] = c[i]! ^ (1 << (i % 8))
      const d = decodeAccountSetSnapshot(c, key)
      expect('reject' in d, `byte ${i}`).toBe(true)
    }
  })

  it('truncated, extended, empty, foreign or future-version files are rejected', () => {
    const b = encode(rich())
    for (const len of [0, 7, 8, 23, 24, 100, b.length >> 1, b.length - 8, b.length - 1])
      expect('reject' in decodeAccountSetSnapshot(b.subarray(0, len), key), `length ${len}`).toBe(true)
    expect('reject' in decodeAccountSetSnapshot(Buffer.concat([b, Buffer.alloc(8)]), key)).toBe(true)
    const v2 = Buffer.from(b)
    v2.writeUInt32LE(2, 8)
    expect(decodeAccountSetSnapshot(v2, key)).toEqual({ reject: 'format version 2' })
    expect(peekSnapshotKey(v2)).toBeNull()
    expect('reject' in decodeAccountSetSnapshot(Buffer.from('PK\x03\x04 not a snapshot at all'.repeat(4)), key)).toBe(
      true,
    )
  })

  it('an unaligned buffer (a slice of a larger one) decodes to the same set', () => {
    const b = encode(rich())
    const big = Buffer.alloc(b.length + 3)
    b.copy(big, 3)
    const d = decodeAccountSetSnapshot(big.subarray(3), key)
    expect('set' in d && setView(d.set)).toStrictEqual(setView(rich()))
  })

  it('file size: about 49 bytes per transfer plus 32 per transaction (all 64-bit values)', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) =>
      row(i, addr((i % 500).toString(16)), addr('f'), BigInt(i) * 10n ** 14n),
    )
    const s = buildAccountTransferSet(rows)
    const per = encode(s).length / s.n
    expect(per).toBeGreaterThan(49 + 32)
    expect(per).toBeLessThan(49 + 32 + 4) // + addresses and the header, amortised
  })
})

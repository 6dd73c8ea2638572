import { describe, expect, it } from 'vitest'
import { ensureEvmSchema } from '../../store/evmSchema.js'
import { HoundStore } from '../../store/HoundStore.js'
import {
  type AccountTransferSet,
  buildAccountTransferSet,
  type FeeConvention,
  type TransferRow,
  transferKinds,
} from './AccountTransferSet.js'
import { loadAccountTransferSet } from './loadAccountTransferSet.js'

/**
 * The columnar store loader (ids computed in SQL, hashes rendered lazily) must give exactly the set that
 * `buildAccountTransferSet` builds from the same rows: same canonical order, same ids, same values and links.
 */
describe('loadAccountTransferSet: the store loader equals the reference builder', () => {
  let seed = 7
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed % k
  }
  const addr = (i: number) => `0x${i.toString(16).padStart(40, '0')}`.replace('a', 'A') // mixed case in the store
  const rows: TransferRow[] = []
  const fees: TransferRow[] = []
  for (let i = 0; i < 400; i++) {
    const block = 100 + (i >> 3)
    const txHash = i % 97 === 5 ? `withdrawal:${block}:${i}` : `0x${(i * 7919).toString(16).padStart(64, 'c')}`
    const kind = i % 97 === 5 ? 'withdrawal' : i % 5 === 0 ? 'erc20' : 'tx'
    const value =
      i === 11 ? 2n ** 255n + 12345n : i === 12 ? 10n ** 38n - 1n : BigInt(rnd(1_000_000)) * 10n ** BigInt(rnd(25))
    rows.push({
      chain: i % 50 === 0 ? 'evm-10' : 'evm-1',
      txHash,
      block,
      time: 1_700_000_000 + (i >> 3) * 12,
      txIndex: i & 7,
      subIndex: kind === 'erc20' ? 1_000_000 + rnd(3) : 0,
      from: kind === 'withdrawal' ? null : addr(rnd(30)),
      to: addr(rnd(30)),
      asset: kind === 'erc20' ? addr(900 + rnd(2)) : 'ETH',
      value,
      kind,
    })
    if (kind === 'tx' && i % 3 === 0)
      fees.push({
        ...rows[rows.length - 1]!,
        subIndex: -1,
        to: null,
        asset: 'ETH',
        value: BigInt(21000 * (i + 1)),
        kind: 'fee',
      })
  }

  async function storeOf(): Promise<HoundStore> {
    const store = await HoundStore.open(':memory:')
    await ensureEvmSchema(store)
    for (const r of rows)
      await store.run(
        `INSERT INTO evm_transfers (chain, block, time, tx_index, sub_index, tx_hash, kind, from_addr, to_addr, asset, value, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'test')`,
        [
          r.chain,
          r.block,
          r.time,
          r.txIndex,
          r.subIndex,
          r.txHash,
          transferKinds.indexOf(r.kind),
          r.from,
          r.to,
          r.asset,
          `${r.value}`,
        ],
      )
    for (const f of fees)
      await store.run(
        `INSERT INTO evm_txs (chain, block, tx_index, hash, time, from_addr, value, fee, status)
         VALUES ($1, $2, $3, $4, $5, $6, '0', $7, 1)`,
        [f.chain, f.block, f.txIndex, f.txHash, f.time, f.from, `${f.value}`],
      )
    // a stored swap link between two transfers of different transactions
    const [a, b] = [rows[40]!, rows[45]!]
    await store.run(
      `INSERT INTO evm_links (chain_from, tx_from, sub_from, chain_to, tx_to, sub_to, kind, confidence, evidence)
       VALUES ($1, $2, $3, $4, $5, $6, 'swap', 1, '{}')`,
      [a.chain, a.txHash, a.subIndex, b.chain, b.txHash, b.subIndex],
    )
    await store.run(
      `INSERT INTO evm_pools (chain, address, role, protocol) VALUES ('evm-1', $1, 'swap', 'uniswap-v2')`,
      [addr(3).toLowerCase()],
    )
    return store
  }

  const view = (s: AccountTransferSet) =>
    Array.from({ length: s.n }, (_, p) => [
      s.from[p]! >= 0 ? s.addresses[s.from[p]!] : null,
      s.to[p]! >= 0 ? s.addresses[s.to[p]!] : null,
      s.assets[s.asset[p]!]!.chain,
      s.assets[s.asset[p]!]!.asset,
      s.value[p]!,
      s.kind[p],
      s.txHashes[s.tx[p]!],
      s.time[p],
      s.block[p],
      s.linkFrom[p],
      s.fromLedger[p],
      s.toLedger[p],
    ])

  for (const fee of ['last', 'first', 'ignore'] as FeeConvention[]) {
    it(`fee ${fee}: same rows, ids, values, hashes, links and ledgers`, async () => {
      const store = await storeOf()
      const got = await loadAccountTransferSet(store, { fee })
      store.close()
      const all = [...rows, ...fees]
      const want = buildAccountTransferSet(all, {
        fee,
        links: [{ from: 40, to: 45, kind: 'swap', confidence: 1 }],
        pools: new Map([[addr(3).toLowerCase(), 'swap' as const]]),
      })
      expect(got.n).toBe(want.n)
      expect(view(got)).toEqual(view(want))
      expect(got.addresses).toEqual(want.addresses)
      expect([...got.pools]).toEqual([...want.pools])
      expect(Array.from({ length: got.txHashes.length }, (_, i) => got.txHashes[i])).toEqual(
        Array.from({ length: want.txHashes.length }, (_, i) => want.txHashes[i]),
      )
      expect(got.value).toContain(2n ** 255n + 12345n) // beyond 38 digits: read as a decimal string
      expect(got.value).toContain(10n ** 38n - 1n)
      for (const h of [rows[7]!.txHash, rows[5]!.txHash, '0x'.padEnd(66, '0')])
        expect(got.txIdsOf(h), h).toEqual(want.txIdsOf(h))
      expect(got.linkFrom.filter((x) => x >= 0).length).toBe(1)
    })
  }
})

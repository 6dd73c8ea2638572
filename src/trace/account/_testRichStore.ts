/**
 * Test-only: a file store with the content the account loader has special cases for: the real Bybit 2025 trace
 * (../shared/data/flows, imported as transfers: ETH and many unverified ERC-20s), gas fees, and after it rows as
 * `hound ingest evm` writes them for a DEX swap (stored swap link), a mixer deposit and its withdrawal to the same
 * address (H1 link), a THORChain bridge deposit whose destination receives funds on another chain (bridge link),
 * a validator withdrawal (not a hex tx hash) and a token amount wider than 128 bits.
 * @internal
 */
import { dataPath } from '../../core/_testData.js'
import { importTransfersCsv } from '../../evm/importTransfersCsv.js'
import { HoundStore } from '../../store/HoundStore.js'

const a = (k: string) => `0x${k.repeat(40 / k.length)}`
export const X = a('a1')
export const RELAYER = a('e1')
export const PAIR = a('5a')
export const MIXER = a('7c')
export const BRIDGE = a('b7')
export const DEST = a('d3')
export const TOKA = a('ac')
export const TOKB = a('bc')
const h = (k: string) => `0x${k.repeat(64 / k.length)}`
export const TX = { swap: h('51'), deposit: h('d1'), withdraw: h('d2'), bridge: h('b1'), avax: h('a7') }

/** Open (create) the store at `path` and fill it; returns the store, open read-write. */
export async function richStore(path: string): Promise<HoundStore> {
  const store = await HoundStore.open(path)
  await importTransfersCsv(store, dataPath('flows/bybit_2025_trace_5hops_phvaz.csv'))
  const top = (await store.one<{ b: bigint; t: bigint }>('SELECT max(block) AS b, max(time) AS t FROM evm_transfers'))!
  const B = Number(top.b)
  const T = Number(top.t)
  const transfer = (
    chain: string,
    block: number,
    time: number,
    txIndex: number,
    sub: number,
    tx: string,
    kind: number,
    from: string | null,
    to: string,
    asset: string,
    value: string,
  ) =>
    store.run(
      `INSERT INTO evm_transfers (chain, block, time, tx_index, sub_index, tx_hash, kind, from_addr, to_addr, asset, value, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'rpc')`,
      [chain, block, time, txIndex, sub, tx, kind, from, to, asset, value],
    )
  const txRow = (block: number, time: number, hash: string, from: string, gasPrice: string, fee: string) =>
    store.run(
      `INSERT INTO evm_txs (chain, block, tx_index, hash, time, from_addr, value, gas_price, effective_gas_price, fee, status)
       VALUES ('evm-1', $1, 0, $2, $3, $4, '0', $5, $5, $6, 1)`,
      [block, hash, time, from, gasPrice, fee],
    )
  // gas fees of the first 40 Bybit transactions (the CSV has none)
  await store.run(
    `INSERT INTO evm_txs (chain, block, tx_index, hash, time, from_addr, value, gas_price, effective_gas_price, fee, status)
     SELECT chain, block, tx_index, tx_hash, time, from_addr, '0', '30000000000', '30000000000',
       CAST(21000 * 30000000000 + row_number() OVER () AS VARCHAR), 1
     FROM (SELECT DISTINCT ON (tx_hash) * FROM evm_transfers ORDER BY tx_hash LIMIT 40)`,
  )
  // swap: X pays 1,000 TOKA into the pair and receives 500 TOKB (one transaction, linked by the Swap event)
  await transfer('evm-1', B + 1, T + 12, 0, 1_000_001, TX.swap, 2, X, PAIR, TOKA, '1000000000000000000000')
  await transfer('evm-1', B + 1, T + 12, 0, 1_000_002, TX.swap, 2, PAIR, X, TOKB, '500000000000000000000')
  await txRow(B + 1, T + 12, TX.swap, X, '31000000000', '4000000000000000')
  await store.run(
    `INSERT INTO evm_links (chain_from, tx_from, sub_from, chain_to, tx_to, sub_to, kind, confidence, evidence)
     VALUES ('evm-1', $1, 1000001, 'evm-1', $1, 1000002, 'swap', 1, '{"pair":"${PAIR}"}')`,
    [TX.swap],
  )
  // mixer: X deposits 1 ETH, a relayer withdraws 0.99 ETH to X (H1: address match)
  await transfer('evm-1', B + 2, T + 24, 0, 0, TX.deposit, 0, X, MIXER, 'ETH', '1000000000000000000')
  await txRow(B + 2, T + 24, TX.deposit, X, '32000000000', '900000000000000')
  await transfer('evm-1', B + 3, T + 36, 0, 1, TX.withdraw, 1, MIXER, X, 'ETH', '990000000000000000')
  await transfer('evm-1', B + 3, T + 36, 0, 2, TX.withdraw, 1, MIXER, RELAYER, 'ETH', '10000000000000000')
  await txRow(B + 3, T + 36, TX.withdraw, RELAYER, '33000000000', '1200000000000000')
  // bridge: X sends 2 ETH to THORChain naming DEST on Avalanche; DEST receives 2 ETH there a minute later
  await transfer('evm-1', B + 4, T + 48, 0, 0, TX.bridge, 0, X, BRIDGE, 'ETH', '2000000000000000000')
  await txRow(B + 4, T + 48, TX.bridge, X, '34000000000', '700000000000000')
  await transfer('evm-43114', 900, T + 108, 0, 0, TX.avax, 0, a('77'), DEST, 'ETH', '2000000000000000000')
  const ev = (block: number, tx: string, kind: string, contract: string, data: object) =>
    store.run(
      `INSERT INTO evm_events (chain, block, tx_index, log_index, tx_hash, kind, contract, data)
       VALUES ('evm-1', $1, 0, 0, $2, $3, $4, $5)`,
      [block, tx, kind, contract, JSON.stringify(data)],
    )
  await ev(B + 1, TX.swap, 'swap-v2', PAIR, { kind: 'swap-v2', pool: PAIR, to: X })
  await ev(B + 2, TX.deposit, 'mixer-deposit', MIXER, { kind: 'mixer-deposit', pool: MIXER, leafIndex: 0 })
  await ev(B + 3, TX.withdraw, 'mixer-withdrawal', MIXER, { kind: 'mixer-withdrawal', to: X, relayer: RELAYER })
  await ev(B + 4, TX.bridge, 'bridge-deposit', BRIDGE, {
    kind: 'bridge-deposit',
    protocol: 'thorchain',
    memo: `=:AVAX.AVAX:${DEST}`,
    destChain: 'evm-43114',
    destAddress: DEST,
  })
  for (const [p, role, protocol] of [
    [PAIR, 'swap', 'uniswap-v2'],
    [MIXER, 'mixer', 'tornado'],
    [BRIDGE, 'bridge', 'thorchain'],
  ] as const)
    await store.run(`INSERT INTO evm_pools (chain, address, role, protocol) VALUES ('evm-1', $1, $2, $3)`, [
      p,
      role,
      protocol,
    ])
  for (const [t, sym, verified] of [
    [TOKA, 'TOKA', true],
    [TOKB, 'USDT', false],
  ] as const)
    await store.run(
      `INSERT INTO evm_assets (chain, asset, symbol, name, decimals, standard, verified, decimals_source)
       VALUES ('evm-1', $1, $2, $2, 18, 'erc20', $3, 'contract')`,
      [t, sym, verified],
    )
  // a validator withdrawal (tx id not a hash) and a token amount beyond 128 bits
  await transfer('evm-1', B + 5, T + 60, 1_000_000, 0, `withdrawal:${B + 5}:0`, 5, null, X, 'ETH', '32000000000')
  await transfer('evm-1', B + 5, T + 60, 0, 1_000_000, h('f5'), 2, TOKB, X, TOKB, (2n ** 200n + 1n).toString())
  return store
}

/**
 * Against a real EVM node: Hardhat Network started by the test, a laundering scenario played on it with
 * solc-compiled contracts, ingested over JSON-RPC, traced, and every amount checked against what was sent.
 */
import { createPublicClient, http } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clusterAccounts, loadAccountClusteringInput } from '../cluster/account/clusterAccounts.js'
import { HoundStore } from '../store/HoundStore.js'
import { loadAccountTransferSet } from '../trace/account/loadAccountTransferSet.js'
import { accountPolicies } from '../trace/account/propagateAccountTaint.js'
import { traceAccounts } from '../trace/account/traceAccounts.js'
import { traceAccountsBackward } from '../trace/account/traceAccountsBackward.js'
import { type HardhatNode, startHardhat } from './_testHardhat.js'
import { ETH, playScenario, type Scenario } from './_testScenario.js'
import { EvmRpc } from './EvmRpc.js'
import { ingestEvm } from './ingestEvm.js'

describe('ingest evm from a live Hardhat node: laundering scenario', () => {
  let node: HardhatNode
  let sc: Scenario
  let store: HoundStore
  beforeAll(async () => {
    node = await startHardhat()
    sc = await playScenario(node.url)
    store = await HoundStore.open(':memory:')
  }, 120_000)
  afterAll(async () => {
    store?.close()
    await node?.stop()
  })

  it('ingests every block, transaction and fee (EIP-1559 effective price) exactly', async () => {
    const rpc = new EvmRpc(node.url)
    const stats = await ingestEvm(store, rpc, {})
    expect(stats.chain).toBe('evm-31337')
    expect(stats.traceMode).toBe('structlog') // Hardhat offers neither callTracer nor trace_block
    const pub = createPublicClient({ transport: http(node.url) })
    const tip = Number(await pub.getBlockNumber({ cacheTime: 0 }))
    expect(stats.tip).toBe(tip)
    expect((await store.one<{ n: bigint }>('SELECT count(*) AS n FROM evm_txs'))!.n).toBe(BigInt(sc.txs.length))
    for (const t of sc.txs) {
      const r = await pub.getTransactionReceipt({ hash: t.hash })
      const row = await store.one<{ fee: string; status: number; from_addr: string }>(
        'SELECT fee, status, from_addr FROM evm_txs WHERE hash = $1',
        [t.hash],
      )
      expect(row, t.label).toBeDefined()
      expect(BigInt(row!.fee), t.label).toBe(r.gasUsed * r.effectiveGasPrice)
      expect(row!.from_addr).toBe(r.from.toLowerCase())
    }
  })

  it('records native, internal and token transfers as sent', async () => {
    const q = (sql: string, p: unknown[]) =>
      store.all<{ from_addr: string; to_addr: string; value: string; asset: string; kind: number }>(sql, p as never)
    const a = sc.accounts
    const k = sc.contracts
    // fan-out: 5 × 8 ETH
    const fan = await q("SELECT * FROM evm_transfers WHERE from_addr = $1 AND asset = 'ETH' ORDER BY to_addr", [
      a.thief,
    ])
    expect(fan.map((r) => r.value)).toEqual(Array(5).fill((8n * ETH).toString()))
    // internal: mixer pays m2 1 ETH, fresh 0.99 ETH, relayer 0.01; the bridge forwards 5 ETH to the vault
    const internal = await q('SELECT * FROM evm_transfers WHERE kind = 1 ORDER BY block, sub_index', [])
    expect(internal.map((r) => [r.from_addr, r.to_addr, r.value])).toEqual([
      [k.mixer, a.m2, ETH.toString()],
      [k.mixer, a.fresh, (ETH - sc.mixerFee).toString()],
      [k.mixer, a.relayer, sc.mixerFee.toString()],
      [k.bridge, a.vault, (5n * ETH).toString()],
      [k.bridge, a.vault, ETH.toString()],
    ])
    // ERC-20: swap in and out through the pair
    const sw = await q(
      'SELECT * FROM evm_transfers WHERE kind = 2 AND (to_addr = $1 OR from_addr = $1) AND from_addr <> $2 ORDER BY sub_index',
      [k.pair, a.hot],
    )
    expect(sw.map((r) => [r.from_addr, r.to_addr, r.asset, r.value])).toEqual([
      [a.m1, k.pair, k.toka, sc.swap.amountIn.toString()],
      [k.pair, a.m1, k.tokb, sc.swap.amountOut.toString()],
    ])
    // registry: decimals as reported, the look-alike flagged
    const assets = await store.all<{
      asset: string
      symbol: string
      decimals: number
      verified: boolean
      impersonates: string | null
    }>('SELECT asset, symbol, decimals, verified, impersonates FROM evm_assets ORDER BY symbol')
    expect(assets.find((x) => x.asset === k.tokb)).toMatchObject({
      symbol: 'TOKB',
      decimals: 6,
      verified: false,
      impersonates: null,
    })
    expect(assets.find((x) => x.asset === k.fake)).toMatchObject({ symbol: 'ЕТН', impersonates: 'ETH' })
    // pools from protocol events
    const pools = await store.all<{ address: string; role: string }>(
      'SELECT address, role FROM evm_pools ORDER BY role',
    )
    expect(pools).toEqual([
      { address: k.bridge, role: 'bridge' },
      { address: k.mixer, role: 'mixer' },
      { address: k.pair, role: 'swap' },
    ])
  })

  it('traces from the thief: swap output, mixer sink, bridge hop and the exchange deposit, exact (FIFO)', async () => {
    const set = await loadAccountTransferSet(store)
    const r = traceAccounts(set, { policy: 'fifo', seeds: [sc.accounts.thief!] })
    const end = (address: string, asset: string, reason: string) =>
      r.endpoints.find((e) => e.address === address && e.asset === asset && e.reason === reason)
    const k = sc.contracts
    const a = sc.accounts
    expect(end(a.m1!, k.tokb, 'holding')?.amount).toBe(sc.swap.amountOut.toString())
    expect(end(a.m2!, k.toka, 'holding')?.amount).toBe((1_900n * ETH).toString())
    expect(end(a.spender!, k.toka, 'holding')?.amount).toBe((100n * ETH).toString())
    expect(end(k.mixer, 'ETH', 'mixer')?.amount).toBe((2n * ETH).toString())
    expect(end(k.bridge, 'ETH', 'bridge')?.amount).toBe((6n * ETH).toString()) // 5 ETH to BTC + 1 ETH to Avalanche
    expect(end(a.exchange!, 'ETH', 'holding')?.amount).toBe((8n * ETH).toString())
    expect(r.outputs.find((o) => o.to === a.m1 && o.asset === k.tokb)?.link?.kind).toBe('swap')
    // the thief's ETH out: 5 × 8 ETH + the gas of its 7 transactions
    const pub = createPublicClient({ transport: http(node.url) })
    let gas = 0n
    for (const t of sc.txs) {
      const rc = await pub.getTransactionReceipt({ hash: t.hash })
      if (rc.from.toLowerCase() === a.thief) gas += rc.gasUsed * rc.effectiveGasPrice
    }
    expect(r.taintedIn.find((x) => x.asset === 'ETH')?.amount).toBe((40n * ETH + gas).toString())
    expect(r.fees.find((x) => x.asset === 'ETH')).toBeDefined()
    // the bridge endpoint names where the value went (memo)
    expect(end(k.bridge, 'ETH', 'bridge')?.destinations).toEqual([
      { protocol: 'thorchain', chain: 'btc', address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh', memo: sc.memo },
      { protocol: 'thorchain', chain: 'evm-43114', address: a.avaxdest, memo: sc.avaxMemo },
    ])
  })

  it('mixer withdrawals are linked only by the published heuristics, each with its confidence', async () => {
    const set = await loadAccountTransferSet(store)
    const a = sc.accounts
    const r = traceAccounts(set, { policy: 'haircut', seeds: [a.thief!] })
    const mix = r.links.filter((l) => l.kind === 'mixer')
    expect(mix.map((l) => [l.to, l.rules, l.confidence, l.followed, l.amount]).sort()).toEqual(
      [
        [a.m2, ['H1-address-match'], 0.95, false, ETH.toString()],
        [a.fresh, ['H3-linked-addresses'], 0.8, false, ETH.toString()],
      ].sort(),
    )
    // not followed by default: the fresh address holds only m3's three direct payments (0.006 ETH);
    // followed on request, the 0.99 ETH withdrawal adds to it
    const direct = 6n * 10n ** 15n
    expect(r.endpoints.find((e) => e.address === a.fresh && e.asset === 'ETH')?.amount).toBe(direct.toString())
    const f = traceAccounts(set, { policy: 'haircut', seeds: [a.thief!], followMixerLinks: true })
    expect(f.endpoints.find((e) => e.address === a.fresh && e.asset === 'ETH')?.amount).toBe(
      (direct + ETH - sc.mixerFee).toString(),
    )
    const fresh = f.outputs.find((o) => o.to === a.fresh && o.link?.kind === 'mixer')
    expect(fresh?.amount).toBe((ETH - sc.mixerFee).toString())
    expect(fresh?.link?.rules).toEqual(['H3-linked-addresses'])
  })

  it('traces backward from the exchange cash-out to the theft, under every policy', async () => {
    const set = await loadAccountTransferSet(store)
    const a = sc.accounts
    const tx = (label: string) => sc.txs.find((t) => t.label === label)!.hash.toLowerCase()
    const sweep = tx('deposit sweep')
    const theft = tx('theft ETH')
    const fan = tx('fan-out m5')
    for (const policy of accountPolicies) {
      const r = traceAccountsBackward(set, { policy, seeds: [sweep] })
      expect(r.direction).toBe('backward')
      expect(r.taintedIn).toEqual([
        { chain: 'evm-31337', asset: 'ETH', symbol: 'ETH', amount: (10n * ETH - ETH / 200n).toString() },
      ])
      // the hot wallet's history before the store (its genesis balance) is where the stolen part came from
      const hot = r.endpoints.find((e) => e.address === a.hot && e.reason === 'unknown-origin')
      expect(hot, policy).toBeDefined()
      expect(hot!.path, policy).toEqual([sweep, tx('m5 to deposit'), fan, theft])
      expect(r.outputs.some((o) => o.txid === theft)).toBe(true)
      if (policy === 'fifo') expect(hot!.amount).toBe((8n * ETH).toString()) // exactly the fan-out, as forward
      if (policy === 'lifo') expect(hot!.amount).toBe((8n * ETH - ETH / 200n).toString()) // 2 clean ETH left first
      if (policy !== 'poison') {
        const total = r.endpoints.reduce((s, e) => s + BigInt(e.amount), 0n)
        expect(total, policy).toBe(10n * ETH - ETH / 200n) // attribution conserved
      }
    }
    // FIFO backward from the cash-out = FIFO forward from the thief, at that transfer
    const fwd = traceAccounts(set, { policy: 'fifo', seeds: [a.thief!] })
    expect(fwd.outputs.find((o) => o.txid === sweep)?.amount).toBe((8n * ETH).toString())
  })

  it('account clustering on the ingested chain: deposit-address reuse and self-authorization, with evidence', async () => {
    const a = sc.accounts
    const input = await loadAccountClusteringInput(store)
    const c = clusterAccounts(input, { exchanges: new Set([a.exchange!]) })
    const ev = c.evidence.map((e) => [e.heuristic, e.addrA, e.addrB])
    expect(ev).toContainEqual(['deposit-address-reuse', a.m5, a.deposit])
    expect(ev).toContainEqual(['self-authorization', a.m2, a.spender])
    // m1 approved the router (a contract): no self-authorization link
    expect(ev.some((e) => e[0] === 'self-authorization' && e[1] === a.m1)).toBe(false)
    expect(c.clusterOf.get(a.m5!)).toBe(c.clusterOf.get(a.deposit!))
    expect(c.clusterOf.has(a.exchange!)).toBe(false)
    const dar = c.evidence.find((e) => e.heuristic === 'deposit-address-reuse' && e.addrA === a.m5)!
    // 10 ETH in, 9.995 ETH forwarded a block later: κ = 1 − ½·0.005/0.01 − ½·1/3200
    expect(dar.confidence).toBeCloseTo(1 - 0.25 - 0.5 / 3200, 9)
    expect(dar.txids.length).toBe(2)
  })

  it('a trace continues on another chain through a recorded bridge hop (THORChain memo → Avalanche transfers)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const { importTransfersCsv } = await import('./importTransfersCsv.js')
    const a = sc.accounts
    const t = (s: number) => new Date((sc.avaxBridgeTime + s) * 1000).toISOString()
    const vault = `0x${'7'.repeat(40)}`
    const next = `0x${'8'.repeat(40)}`
    const csv = join(mkdtempSync(join(tmpdir(), 'hound-avax-')), 'avax.csv')
    writeFileSync(
      csv,
      'chain,tx_hash,block,time,from,to,asset,amount\n' +
        `avalanche,0x${'1'.repeat(64)},500,${t(60)},${vault},${a.avaxdest},ETH,30\n` +
        `avalanche,0x${'2'.repeat(64)},501,${t(120)},${a.avaxdest},${next},ETH,10\n`,
    )
    await importTransfersCsv(store, csv)
    const set = await loadAccountTransferSet(store)
    const r = traceAccounts(set, { policy: 'haircut', seeds: [a.thief!] })
    const hop = r.outputs.find((o) => o.chain === 'evm-43114' && o.to === a.avaxdest)
    expect(hop?.link).toMatchObject({ kind: 'bridge', confidence: 0.8, rules: ['destination-address+time'] })
    expect(hop?.amount).toBe((30n * ETH).toString()) // the 1 ETH deposit was fully tainted
    const onward = r.outputs.find((o) => o.chain === 'evm-43114' && o.to === next)
    expect(onward?.amount).toBe((10n * ETH).toString())
    expect(onward?.hops).toBeGreaterThan(hop!.hops)
    const e = r.endpoints.find((x) => x.address === next && x.chain === 'evm-43114')
    const thiefTxs = new Set(r.outputs.filter((o) => o.from === a.thief).map((o) => o.txid))
    expect(thiefTxs.has(e!.path[0]!)).toBe(true)
    expect(e!.path.slice(-2)).toEqual([hop!.txid, onward!.txid])
    expect(e!.path).toContain(hop!.link!.fromTxid) // the bridge deposit on the first chain
  })
})

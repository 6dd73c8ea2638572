/**
 * Against Foundry's Anvil node (npm `@foundry-rs/anvil`), which offers `trace_block`, the geth callTracer and
 * `eth_getBlockReceipts` where Hardhat offers none of them: the ingest picks `trace_block` and receipts per
 * block, both trace shapes decode to the same internal transfers, and the store holds what was sent. Behind a proxy
 * that refuses block tracing and block receipts (what Hardhat 3 offers), the callTracer per transaction is detected
 * and gives the same transfers. Skipped,
 * with a message, where the Anvil binary is not installed; the Hardhat tests remain the main suite.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createPublicClient, createWalletClient, http } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HoundStore } from '../store/HoundStore.js'
import { type AnvilNode, anvilBinary, startAnvil } from './_testAnvil.js'
import { compileContracts } from './_testContracts.js'
import { decodeGethCallTraces, decodeParityTraces, internalTransfers } from './decodeTraces.js'
import { EvmRpc } from './EvmRpc.js'
import { detectTraceMode } from './fetchEvmBlocks.js'
import { toHex } from './hex.js'
import { ingestEvm } from './ingestEvm.js'

const bin = anvilBinary()
if (!bin) console.warn('fetchEvmBlocks.anvil.test: skipped, the Anvil binary is not installed (@foundry-rs/anvil)')

describe.skipIf(!bin)('ingest from a live Anvil node: block traces and block receipts', () => {
  let node: AnvilNode
  let block: number
  let bridge: string
  let token: string
  let a: `0x${string}`[]
  beforeAll(async () => {
    node = await startAnvil({ accounts: 4 })
    const pub = createPublicClient({ transport: http(node.url), pollingInterval: 20, cacheTime: 0 })
    const w = createWalletClient({ transport: http(node.url) })
    a = await w.getAddresses()
    const c = compileContracts()
    const deploy = async (name: string, args: unknown[]) => {
      const hash = await w.deployContract({ ...c[name]!, args, account: a[0]!, chain: null } as never)
      return (await pub.waitForTransactionReceipt({ hash })).contractAddress!.toLowerCase()
    }
    token = await deploy('Token', ['T', 'T', 18, 10n ** 24n])
    bridge = await deploy('Bridge', [])
    // one block: an ETH payment, an ERC-20 transfer, a bridge deposit forwarding 7 wei to a[3] internally
    await pub.request({ method: 'evm_setAutomine', params: [false] } as never)
    const nonce = await pub.getTransactionCount({ address: a[0]!, blockTag: 'pending' })
    const opts = { account: a[0]!, chain: null, gas: 200_000n } as const
    await w.sendTransaction({ ...opts, to: a[1]!, value: 5n, nonce })
    await w.writeContract({
      ...opts,
      address: token as `0x${string}`,
      abi: c.Token!.abi,
      functionName: 'transfer',
      args: [a[2]!, 11n],
      nonce: nonce + 1,
    })
    await w.writeContract({
      ...opts,
      address: bridge as `0x${string}`,
      abi: c.Bridge!.abi,
      functionName: 'depositWithExpiry',
      args: [a[3]!, '0x0000000000000000000000000000000000000000', 7n, 'BTC:bc1q', 0n],
      value: 7n,
      nonce: nonce + 2,
    })
    await pub.request({ method: 'evm_mine', params: [] } as never)
    block = Number(await pub.getBlockNumber({ cacheTime: 0 }))
  }, 60_000)
  afterAll(async () => {
    await node?.stop()
  })

  it('detects trace_block, and both trace shapes give the same internal transfer', async () => {
    const rpc = new EvmRpc(node.url)
    expect(await detectTraceMode(rpc, block)).toBe('parity')
    const parity = internalTransfers(decodeParityTraces(await rpc.request('trace_block', [toHex(block)])))
    const geth = internalTransfers(
      decodeGethCallTraces(await rpc.request('debug_traceBlockByNumber', [toHex(block), { tracer: 'callTracer' }])),
    )
    const pick = (ts: typeof parity) => ts.map((t) => [t.txIndex, t.from, t.to, t.value, t.traceAddress.join('.')])
    expect(pick(parity)).toEqual([[2, bridge, a[3]!.toLowerCase(), 7n, '0']])
    expect(pick(geth)).toEqual(pick(parity))
  })

  const ingestedRows = async (traceMode: 'auto' | 'geth-tx', rpc: EvmRpc) => {
    const store = await HoundStore.open(':memory:')
    try {
      const stats = await ingestEvm(store, rpc, { traceMode })
      expect(stats.tip).toBe(block)
      const rows = await store.all<{ kind: number; from_addr: string; to_addr: string; asset: string; value: string }>(
        'SELECT kind, from_addr, to_addr, asset, value FROM evm_transfers WHERE block = $1 ORDER BY tx_index, kind',
        [block],
      )
      return { stats, rows: rows.map((r) => [r.kind, r.from_addr, r.to_addr, r.asset, r.value]) }
    } finally {
      store.close()
    }
  }
  const sent = () => {
    const l = (x: string) => x.toLowerCase()
    return [
      [0, l(a[0]!), l(a[1]!), 'ETH', '5'],
      [2, l(a[0]!), l(a[2]!), token, '11'],
      [0, l(a[0]!), bridge, 'ETH', '7'],
      [1, bridge, l(a[3]!), 'ETH', '7'],
    ]
  }

  it('ingests the block with receipts per block and the transfers as sent', async () => {
    const { stats, rows } = await ingestedRows('auto', new EvmRpc(node.url))
    expect(stats.traceMode).toBe('parity')
    expect(rows).toEqual(sent())
  })

  it('geth-tx (callTracer per transaction, as Hardhat 3 offers) traces only what can move value, same transfers', async () => {
    const traced: unknown[] = []
    const rpc = new (class extends EvmRpc {
      override request<T>(method: string, params?: unknown[]): Promise<T> {
        if (method === 'debug_traceTransaction') traced.push(params?.[0])
        return super.request<T>(method, params)
      }
    })(node.url)
    const { stats, rows } = await ingestedRows('geth-tx', rpc)
    expect(stats.traceMode).toBe('geth-tx')
    expect(rows).toEqual(sent())
    // the setup blocks' two deployments and the bridge deposit; not the payment, not the token transfer
    const hashes = await Promise.all(
      [block - 1, block - 2, block].map((n) =>
        rpc.request<{ transactions: string[] }>('eth_getBlockByNumber', [toHex(n), false]),
      ),
    )
    expect(traced).toHaveLength(3)
    expect(traced).toContain(hashes[2]!.transactions[2])
    expect(traced).not.toContain(hashes[2]!.transactions[0])
    expect(traced).not.toContain(hashes[2]!.transactions[1])
  })
  it('detects geth-tx on a node that offers the callTracer only per transaction (Anvil behind a proxy refusing block tracing)', async () => {
    // what Hardhat 3 offers: no trace_block, no debug_traceBlockByNumber, no eth_getBlockReceipts
    const refused = new Set(['trace_block', 'debug_traceBlockByNumber', 'eth_getBlockReceipts'])
    const answer = async (req: { id: unknown; method: string }) =>
      refused.has(req.method)
        ? { jsonrpc: '2.0', id: req.id, error: { code: -32601, message: `Method ${req.method} is not supported` } }
        : ((await (
            await fetch(node.url, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(req),
            })
          ).json()) as unknown)
    const proxy: Server = createServer((q, res) => {
      let body = ''
      q.on('data', (c) => (body += c))
      q.on('end', async () => {
        const r = JSON.parse(body)
        const out = Array.isArray(r) ? await Promise.all(r.map(answer)) : await answer(r)
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify(out))
      })
    })
    await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok))
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
      expect(await detectTraceMode(new EvmRpc(url), block)).toBe('geth-tx')
      const { stats, rows } = await ingestedRows('auto', new EvmRpc(url))
      expect(stats.traceMode).toBe('geth-tx')
      expect(rows).toEqual(sent())
    } finally {
      await new Promise((ok) => proxy.close(ok))
    }
  })
})

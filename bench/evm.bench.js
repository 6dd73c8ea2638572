// EVM benchmarks (run after `npm run build`): node bench/evm.bench.js [--txs N] [--transfers N]
// 1. Ingest from a local Hardhat node (started here, offline): N transactions (90 % ETH payments, 10 % ERC-20
//    transfers, which need struct-log traces), mined 250 per block, ingested over JSON-RPC with receipts and traces.
// 2. Account-model trace over M synthetic transfers (power-law senders), every policy.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPublicClient, createWalletClient, http } from 'viem'
import { EvmRpc } from '../dist/evm/EvmRpc.js'
import { ingestEvm } from '../dist/evm/ingestEvm.js'
import { HoundStore } from '../dist/store/HoundStore.js'
import { buildAccountTransferSet } from '../dist/trace/account/AccountTransferSet.js'
import { accountPolicies, propagateAccountTaint } from '../dist/trace/account/propagateAccountTaint.js'
import { traceAccounts } from '../dist/trace/account/traceAccounts.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const arg = (name, def) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : def
}
const N_TX = arg('--txs', 10_000)
const N_TRANSFERS = arg('--transfers', 1_000_000)

async function freePort() {
  return new Promise((res) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => res(p))
    })
  })
}

async function startHardhat() {
  const dir = mkdtempSync(join(tmpdir(), 'hound-bench-hh-'))
  const cfg = join(dir, 'hardhat.config.cjs')
  writeFileSync(
    cfg,
    `module.exports = { networks: { hardhat: { chainId: 31337, hardfork: 'cancun', blockGasLimit: 100000000, accounts: { count: 50 } } } }\n`,
  )
  const port = await freePort()
  const proc = spawn(
    process.execPath,
    [
      join(root, 'node_modules/hardhat/internal/cli/cli.js'),
      'node',
      '--hostname',
      '127.0.0.1',
      '--port',
      String(port),
      '--config',
      cfg,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  await new Promise((res, rej) => {
    let log = ''
    const on = (b) => {
      log += b
      if (log.includes('Started HTTP')) res()
    }
    proc.stdout.on('data', on)
    proc.stderr.on('data', on)
    proc.on('exit', (c) => rej(new Error(`hardhat exited ${c}: ${log}`)))
  })
  proc.stdout.resume()
  proc.stderr.resume()
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 50; i++) {
    try {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}',
      })
      if (r.ok) break
    } catch {
      await new Promise((res) => setTimeout(res, 100))
    }
  }
  return { url, stop: () => proc.kill('SIGTERM') }
}

function compileToken() {
  const solc = createRequire(import.meta.url)('solc')
  const src = readFileSync(join(root, 'src/evm/_contracts/Token.sol'), 'utf8')
  const out = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { 'Token.sol': { content: src } },
        settings: {
          optimizer: { enabled: true, runs: 200 },
          evmVersion: 'paris',
          outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
        },
      }),
    ),
  )
  const c = out.contracts['Token.sol'].Token
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` }
}

async function retryCall(f) {
  for (let a = 0; ; a++) {
    try {
      return await f()
    } catch (e) {
      if (a >= 5) throw e
      await new Promise((res) => setTimeout(res, 200))
    }
  }
}

async function benchIngest() {
  const node = await startHardhat()
  try {
    const pub = createPublicClient({ transport: http(node.url) })
    const w = createWalletClient({ transport: http(node.url, { batch: { batchSize: 200 } }) })
    const accs = await w.getAddresses()
    const tok = compileToken()
    const h = await retryCall(() =>
      w.deployContract({
        abi: tok.abi,
        bytecode: tok.bytecode,
        args: ['T', 'T', 18, 10n ** 30n],
        account: accs[0],
        chain: null,
      }),
    )
    const token = (await pub.waitForTransactionReceipt({ hash: h })).contractAddress
    await pub.request({ method: 'evm_setAutomine', params: [false] })
    const t0 = performance.now()
    const perBlock = 250
    for (let sent = 0; sent < N_TX; ) {
      const k = Math.min(perBlock, N_TX - sent)
      const ps = []
      const _retry = async (f) => {
        for (let a = 0; ; a++) {
          try {
            return await f()
          } catch (e) {
            if (a >= 3 || /nonce/i.test(String(e?.details ?? e))) return null
          }
        }
      }
      for (let i = 0; i < k; i++) {
        const n = sent + i
        const from = accs[n % 40]
        const to = accs[40 + (n % 10)]
        if (n % 10 === 9 && from === accs[0])
          ps.push(
            w.writeContract({
              address: token,
              abi: tok.abi,
              functionName: 'transfer',
              args: [to, BigInt(n)],
              account: from,
              chain: null,
              gas: 100000n,
            }),
          )
        else if (n % 10 === 9)
          ps.push(
            w
              .sendTransaction({ account: from, to: token, value: 0n, data: '0x', chain: null, gas: 100000n })
              .catch(() => null),
          )
        else ps.push(w.sendTransaction({ account: from, to, value: BigInt(n + 1), chain: null, gas: 21000n }))
      }
      await Promise.all(ps)
      await pub.request({ method: 'evm_mine', params: [] })
      sent += k
    }
    const genSecs = (performance.now() - t0) / 1000
    const store = await HoundStore.open(':memory:')
    const rpc = new EvmRpc(node.url, { batchSize: 200, concurrency: 4 })
    const s = await ingestEvm(store, rpc, { batchBlocks: 4 })
    const traced = await store.one('SELECT count(*) AS n FROM evm_txs WHERE gas_used > 21000')
    store.close()
    return {
      fetchSecs: s.fetchSeconds,
      writeSecs: s.writeSeconds,
      txs: s.txs,
      blocks: s.blocks,
      transfers: s.transfers,
      secs: s.seconds,
      tps: s.txs / s.seconds,
      traceMode: s.traceMode,
      tracedTxs: Number(traced.n),
      genSecs,
      rpcCalls: rpc.calls,
    }
  } finally {
    node.stop()
  }
}

function benchTrace() {
  // power-law senders over 100k addresses; 1 seed; one asset
  let seed = 42
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
  const A = 100_000
  const addr = (i) => `0x${i.toString(16).padStart(40, '0')}`
  const rows = new Array(N_TRANSFERS)
  for (let i = 0; i < N_TRANSFERS; i++) {
    const f = i < 1000 ? 0 : Math.floor(A * rnd() ** 3)
    const t = Math.floor(A * rnd())
    rows[i] = {
      chain: 'evm-1',
      txHash: `0x${i.toString(16).padStart(64, '0')}`,
      block: i >> 7,
      time: 1_700_000_000 + (i >> 7) * 12,
      txIndex: i & 127,
      subIndex: 0,
      from: addr(f),
      to: addr(t),
      asset: 'ETH',
      value: BigInt(Math.floor(rnd() * 1e9)) * 10n ** 9n,
      kind: 'tx',
    }
  }
  let t0 = performance.now()
  const set = buildAccountTransferSet(rows)
  const buildMs = performance.now() - t0
  const out = []
  for (const policy of accountPolicies) {
    t0 = performance.now()
    const r = propagateAccountTaint(set, { policy, seedAddresses: new Set([set.addressIndex.get(addr(0))]) })
    const ms = performance.now() - t0
    out.push({ policy, ms, tainted: r.stats.taintedRows })
  }
  t0 = performance.now()
  const tr = traceAccounts(set, { policy: 'haircut', seeds: [addr(0)], maxOutputs: 1000 })
  const fullMs = performance.now() - t0
  return { buildMs, out, fullMs, endpoints: tr.endpoints.length }
}

const ing = process.argv.includes('--skip-ingest') ? null : await benchIngest()
const tr = benchTrace()
const lines = []
if (ing) {
  lines.push(
    `EVM ingest from a local Hardhat node (${ing.txs} txs in ${ing.blocks} blocks, ${ing.tracedTxs} traced with struct logs, receipts for all, trace mode ${ing.traceMode})`,
  )
  lines.push('')
  lines.push('| Measure | Value |')
  lines.push('|---|---|')
  lines.push(`| ingest wall time | ${ing.secs.toFixed(2)} s |`)
  lines.push(`| **transactions / s** | **${Math.round(ing.tps).toLocaleString('en-US')}** |`)
  lines.push(
    `| of which waiting for the node / writing the store | ${ing.fetchSecs.toFixed(2)} s / ${ing.writeSecs.toFixed(2)} s |`,
  )
  lines.push(`| transfers written | ${ing.transfers} |`)
  lines.push(`| JSON-RPC calls | ${ing.rpcCalls} |`)
  lines.push(`| (scenario generation) | ${ing.genSecs.toFixed(1)} s |`)
  lines.push('')
}
lines.push(
  `Account-model trace over ${N_TRANSFERS.toLocaleString('en-US')} transfers (100k addresses, power-law senders, one seed); set built in ${tr.buildMs.toFixed(0)} ms`,
)
lines.push('')
lines.push('| Policy | ms | tainted rows |')
lines.push('|---|---|---|')
for (const r of tr.out) lines.push(`| ${r.policy} | ${r.ms.toFixed(0)} | ${r.tainted.toLocaleString('en-US')} |`)
lines.push(`| traceAccounts (haircut, JSON result) | ${tr.fullMs.toFixed(0)} | ${tr.endpoints} endpoints |`)
console.log(lines.join('\n'))

// EVM benchmarks (run after `npm run build`): node bench/evm.bench.js [--txs N] [--transfers N] [--skip-ingest]
//   [--skip-trace] [--node hardhat,hardhat3,anvil|all] [--batch-blocks 4] [--prefetch 2] [--rpc-batch 200]
//   [--concurrency 4] [--trace-mode auto|geth|parity|geth-tx|structlog]
// 1. Ingest from a local node started here, offline, request logging off: Hardhat 2 (the test suite's node), Hardhat 3
//    when bench/hardhat3/setup.sh has installed it (it needs Node >= 22, which setup.sh fetches from npm), Anvil when
//    @foundry-rs/anvil is installed (all of them by default). Two mixes of N transactions each, the same deployment
//    and the same transactions on each node, mined 250 per block, ingested over JSON-RPC with a receipt for every
//    transaction and the trace API the node reports (Hardhat 2: struct logs per transaction; Hardhat 3: callTracer
//    per transaction; Anvil: trace_block and eth_getBlockReceipts per block; `--trace-mode geth` forces Anvil's
//    block callTracer, which replays the block prefix per transaction). Per-transaction traces are requested only for
//    transactions whose code can move value. The store is checked against what was sent (fails loudly otherwise):
//    A. 90 % ETH payments, 10 % ERC-20 transfers (the token's code cannot move ETH, so no trace is needed after
//       one eth_getCode per contract and block);
//    B. 80 % ETH payments, 10 % ERC-20 transfers, 10 % bridge deposits whose contract forwards the ETH in an
//       internal call (each needs a per-transaction trace on Hardhat: neither version offers block tracing).
// 2. Account-model trace over M transfers: loaded from a DuckDB store (build) and traced with every policy.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPublicClient, createWalletClient, http } from 'viem'
import { EvmRpc } from '../dist/evm/EvmRpc.js'
import { ingestEvm } from '../dist/evm/ingestEvm.js'
import { HoundStore } from '../dist/store/HoundStore.js'
import { loadAccountTransferSet } from '../dist/trace/account/loadAccountTransferSet.js'
import { accountPolicies, propagateAccountTaint } from '../dist/trace/account/propagateAccountTaint.js'
import { traceAccounts } from '../dist/trace/account/traceAccounts.js'
import { traceAccountsBackward } from '../dist/trace/account/traceAccountsBackward.js'
import { SEED, writeSyntheticTransfers } from './_accountSet.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const arg = (name, def) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : def
}
const N_TX = arg('--txs', 10_000)
const N_TRANSFERS = arg('--transfers', 1_000_000)
const BLOCKS = arg('--batch-blocks', 4)
const BATCH = arg('--rpc-batch', 200)
const CONC = arg('--concurrency', 4)
const PREFETCH = arg('--prefetch', 2)
const TRACE_MODE = process.argv.includes('--trace-mode')
  ? process.argv[process.argv.indexOf('--trace-mode') + 1]
  : 'auto'

/** The Anvil binary of this platform's @foundry-rs/anvil-* package (spawned directly: its CPU is read from /proc). */
function anvilBinary() {
  const plat = {
    'linux-x64': 'linux-amd64',
    'linux-arm64': 'linux-arm64',
    'darwin-x64': 'darwin-amd64',
    'darwin-arm64': 'darwin-arm64',
  }[`${process.platform}-${process.arch}`]
  const f = plat && join(root, `node_modules/@foundry-rs/anvil-${plat}/bin/anvil`)
  return f && existsSync(f) ? f : null
}
/**
 * The Hardhat 3 node installed by bench/hardhat3/setup.sh (Hardhat 3.18 / EDR 0.22 need Node >= 22; the node-*
 * package of this platform there supplies it): its CLI and the Node binary to run it with, or null.
 */
function hardhat3() {
  const dir = join(root, 'bench/hardhat3')
  const cli = join(dir, 'node_modules/hardhat/dist/src/cli.js')
  const plat = `${process.platform}-${process.arch}`
  const bin = process.env.HOUND_NODE22 ?? join(dir, `node_modules/node-${plat}/bin/node`)
  return existsSync(cli) && existsSync(bin) ? { dir, cli, bin } : null
}
const nodeArg = process.argv.includes('--node') ? process.argv[process.argv.indexOf('--node') + 1] : null
const NODES =
  nodeArg === 'all' || nodeArg === 'both' || nodeArg === null
    ? ['hardhat', ...(hardhat3() ? ['hardhat3'] : []), ...(anvilBinary() ? ['anvil'] : [])]
    : nodeArg.split(',')
if (!NODES.every((n) => n === 'hardhat' || n === 'hardhat3' || n === 'anvil'))
  throw new Error(`--node hardhat|hardhat3|anvil (comma-separated) or all, not ${nodeArg}`)
if (NODES.includes('hardhat3') && !hardhat3())
  throw new Error(
    '--node hardhat3: not installed (run bench/hardhat3/setup.sh: Hardhat 3 and a Node 22 binary from npm)',
  )
if (NODES.includes('anvil') && !anvilBinary())
  throw new Error('--node anvil: the Anvil binary is not installed (npm install: @foundry-rs/anvil)')

/** EvmRpc counting calls per method (which receipt and trace APIs the ingest used, and how often). */
class CountingRpc extends EvmRpc {
  byMethod = {}
  request(method, params) {
    this.byMethod[method] = (this.byMethod[method] ?? 0) + 1
    return super.request(method, params)
  }
}

async function freePort() {
  return new Promise((res) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => res(p))
    })
  })
}

async function waitForRpc(url, proc) {
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`node exited ${proc.exitCode}`)
    try {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}',
      })
      if (r.ok) return
    } catch {}
    await new Promise((res) => setTimeout(res, 100))
  }
  throw new Error(`node at ${url} did not answer`)
}

async function startAnvil() {
  const port = await freePort()
  const proc = spawn(
    anvilBinary(),
    [
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--silent',
      '--accounts',
      '50',
      '--chain-id',
      '31337',
      '--hardfork',
      'cancun',
      '--gas-limit',
      '100000000',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
  const url = `http://127.0.0.1:${port}`
  await waitForRpc(url, proc)
  return { url, pid: proc.pid, stop: () => proc.kill('SIGTERM') }
}

/**
 * Hardhat 3's `hardhat node` (network `node` of bench/hardhat3/hardhat.config.js: the same chain settings as the
 * Hardhat 2 node below), run by the Node 22 binary; its request logging, which the task turns on, is turned off.
 */
async function startHardhat3() {
  const h = hardhat3()
  const port = await freePort()
  const proc = spawn(h.bin, [h.cli, 'node', '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: h.dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true', DO_NOT_TRACK: '1' },
  })
  const url = `http://127.0.0.1:${port}`
  await waitForRpc(url, proc)
  await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"jsonrpc":"2.0","id":1,"method":"hardhat_setLoggingEnabled","params":[false]}',
  })
  return { url, pid: proc.pid, stop: () => proc.kill('SIGTERM') }
}

async function startHardhat() {
  const dir = mkdtempSync(join(tmpdir(), 'hound-bench-hh-'))
  const cfg = join(dir, 'hardhat.config.cjs')
  writeFileSync(
    cfg,
    `module.exports = { networks: { hardhat: { chainId: 31337, hardfork: 'cancun', blockGasLimit: 100000000, loggingEnabled: false, accounts: { count: 50 } } } }\n`,
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
      if (log.includes('Started HTTP')) {
        // stop accumulating (the node may log every request; scanning that would cost this process CPU)
        proc.stdout.off('data', on)
        proc.stderr.off('data', on)
        res()
      }
    }
    proc.stdout.on('data', on)
    proc.stderr.on('data', on)
    proc.on('exit', (c) => rej(new Error(`hardhat exited ${c}: ${log}`)))
  })
  proc.stdout.resume()
  proc.stderr.resume()
  const url = `http://127.0.0.1:${port}`
  await waitForRpc(url, proc)
  return { url, pid: proc.pid, stop: () => proc.kill('SIGTERM') }
}

function compileContracts() {
  const solc = createRequire(import.meta.url)('solc')
  const sources = {}
  for (const f of ['Token.sol', 'Mixer.sol'])
    sources[f] = { content: readFileSync(join(root, 'src/evm/_contracts', f), 'utf8') }
  const out = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources,
        settings: {
          optimizer: { enabled: true, runs: 200 },
          evmVersion: 'paris',
          outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
        },
      }),
    ),
  )
  const get = (f, n) => ({ abi: out.contracts[f][n].abi, bytecode: `0x${out.contracts[f][n].evm.bytecode.object}` })
  return { token: get('Token.sol', 'Token'), bridge: get('Mixer.sol', 'Bridge') }
}

/** CPU seconds (user + system) used so far by process `pid` (Linux /proc). */
function cpuOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(f[11]) + Number(f[12])) / 100
  } catch {
    return Number.NaN
  }
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

async function benchIngest(traced, nodeName) {
  const node =
    nodeName === 'anvil' ? await startAnvil() : nodeName === 'hardhat3' ? await startHardhat3() : await startHardhat()
  try {
    // no block-number cache and a short poll: the setup waits for each receipt, and the first timed block must
    // follow the last setup block exactly
    const pub = createPublicClient({ transport: http(node.url), pollingInterval: 20, cacheTime: 0 })
    const w = createWalletClient({ transport: http(node.url, { batch: { batchSize: 200 } }) })
    const accs = await w.getAddresses()
    const client = await pub.request({ method: 'web3_clientVersion', params: [] })
    const c = compileContracts()
    const deploy = async (k, args) => {
      const h = await retryCall(() =>
        w.deployContract({ abi: c[k].abi, bytecode: c[k].bytecode, args, account: accs[0], chain: null }),
      )
      return (await pub.waitForTransactionReceipt({ hash: h })).contractAddress
    }
    const token = await deploy('token', ['T', 'T', 18, 10n ** 30n])
    const bridge = await deploy('bridge', [])
    // every sender holds tokens, so its ERC-20 transfers succeed and emit Transfer logs
    for (let i = 1; i < 40; i++) {
      const h = await w.writeContract({
        address: token,
        abi: c.token.abi,
        functionName: 'transfer',
        args: [accs[i], 10n ** 24n],
        account: accs[0],
        chain: null,
      })
      await pub.waitForTransactionReceipt({ hash: h })
    }
    const startBlock = Number(BigInt(await pub.request({ method: 'eth_blockNumber', params: [] }))) + 1
    // explicit nonces: Anvil gives concurrent eth_sendTransaction calls from one sender the same nonce
    const nonces = await Promise.all(accs.slice(0, 40).map((a) => pub.getTransactionCount({ address: a })))
    const nonce = (n) => nonces[n % 40]++
    await pub.request({ method: 'evm_setAutomine', params: [false] })
    const t0 = performance.now()
    const perBlock = 250
    const kinds = { eth: 0, erc20: 0, bridge: 0 }
    for (let sent = 0; sent < N_TX; ) {
      const k = Math.min(perBlock, N_TX - sent)
      const ps = []
      for (let i = 0; i < k; i++) {
        const n = sent + i
        const from = accs[n % 40]
        const to = accs[40 + (n % 10)]
        if (n % 10 === 8 || (n % 10 === 9 && !traced)) {
          kinds.erc20++
          ps.push(
            w.writeContract({
              address: token,
              abi: c.token.abi,
              functionName: 'transfer',
              args: [to, BigInt(n + 1)],
              account: from,
              chain: null,
              gas: 100000n,
              nonce: nonce(n),
            }),
          )
        } else if (n % 10 === 9 && traced) {
          // a bridge deposit: the contract forwards the ETH to the vault in an internal call (needs a trace)
          kinds.bridge++
          ps.push(
            w.writeContract({
              address: bridge,
              abi: c.bridge.abi,
              functionName: 'depositWithExpiry',
              args: [to, '0x0000000000000000000000000000000000000000', BigInt(n + 1), `BTC:${n}`, 0n],
              value: BigInt(n + 1),
              account: from,
              chain: null,
              gas: 200000n,
              nonce: nonce(n),
            }),
          )
        } else {
          kinds.eth++
          ps.push(
            w.sendTransaction({ account: from, to, value: BigInt(n + 1), chain: null, gas: 21000n, nonce: nonce(n) }),
          )
        }
      }
      await Promise.all(ps)
      await pub.request({ method: 'evm_mine', params: [] })
      sent += k
    }
    const genSecs = (performance.now() - t0) / 1000
    const store = await HoundStore.open(':memory:')
    // the setup blocks (deployments, token distribution) are ingested first, outside the timed run
    const rpc0 = new EvmRpc(node.url)
    await ingestEvm(store, rpc0, { to: startBlock - 1 })
    const rpc = new CountingRpc(node.url, { batchSize: BATCH, concurrency: CONC })
    const cpu0 = process.cpuUsage()
    const node0 = cpuOf(node.pid)
    const s = await ingestEvm(store, rpc, {
      from: startBlock,
      batchBlocks: BLOCKS,
      prefetch: PREFETCH,
      traceMode: TRACE_MODE,
    })
    const cpu = process.cpuUsage(cpu0)
    const nodeCpu = cpuOf(node.pid) - node0
    const q = async (sql) => Number((await store.one(sql, [startBlock])).n)
    const counts = {
      failed: await q('SELECT count(*) AS n FROM evm_txs WHERE block >= $1 AND status = 0'),
      internal: await q('SELECT count(*) AS n FROM evm_transfers WHERE block >= $1 AND kind = 1'),
      erc20: await q('SELECT count(*) AS n FROM evm_transfers WHERE block >= $1 AND kind = 2'),
      events: await q('SELECT count(*) AS n FROM evm_events WHERE block >= $1'),
    }
    store.close()
    // the store must hold what was sent: every transaction, one internal transfer per bridge deposit, one ERC-20
    // transfer per token transfer, nothing failed
    const want = { txs: N_TX, failed: 0, internal: kinds.bridge, erc20: kinds.erc20 }
    const got = { txs: s.txs, failed: counts.failed, internal: counts.internal, erc20: counts.erc20 }
    if (JSON.stringify(want) !== JSON.stringify(got))
      throw new Error(
        `${nodeName} mix ${traced ? 'B' : 'A'}: store ${JSON.stringify(got)} != sent ${JSON.stringify(want)}`,
      )
    return {
      ...s,
      node: nodeName,
      client,
      byMethod: rpc.byMethod,
      counts,
      kinds,
      tps: s.txs / s.seconds,
      genSecs,
      rpcCalls: rpc.calls,
      houndCpu: (cpu.user + cpu.system) / 1e6,
      nodeCpu,
    }
  } finally {
    node.stop()
  }
}

async function benchTrace() {
  // N transfers written to a DuckDB store file (bench/_accountSet.js: power-law senders over 100k addresses, one seed
  // sending the first 1,000, one asset, one transaction per transfer)
  const dir = mkdtempSync(join(tmpdir(), 'hound-bench-acct-'))
  const store = await HoundStore.open(join(dir, 'acct.duckdb'))
  await writeSyntheticTransfers(store, N_TRANSFERS)
  const cpu0 = process.cpuUsage()
  let t0 = performance.now()
  const set = await loadAccountTransferSet(store, { fee: 'ignore' })
  const buildMs = performance.now() - t0
  const bc = process.cpuUsage(cpu0)
  const buildCpu = (bc.user + bc.system) / 1000
  store.close()
  const out = []
  for (const policy of accountPolicies) {
    t0 = performance.now()
    const r = propagateAccountTaint(set, { policy, seedAddresses: new Set([set.addressIndex.get(SEED)]) })
    const ms = performance.now() - t0
    out.push({ policy, ms, tainted: r.stats.taintedRows })
  }
  t0 = performance.now()
  const tr = traceAccounts(set, { policy: 'haircut', seeds: [SEED], maxOutputs: 1000 })
  const fullMs = performance.now() - t0
  // backward from everything the busiest receiver got, 10 hops back
  const inflows = new Int32Array(set.addresses.length)
  for (let p = 0; p < set.n; p++) if (set.to[p] >= 0) inflows[set.to[p]]++
  let busiest = 0
  for (let a = 0; a < inflows.length; a++) if (inflows[a] > inflows[busiest]) busiest = a
  const back = []
  for (const policy of ['fifo', 'lifo', 'haircut', 'poison']) {
    t0 = performance.now()
    const b = traceAccountsBackward(set, { policy, seeds: [set.addresses[busiest]], maxHops: 10 })
    back.push({ policy, ms: performance.now() - t0, rows: b.stats.taintedRows, endpoints: b.endpoints.length })
  }
  const targetInflows = inflows[busiest]
  rmSync(dir, { recursive: true, force: true })
  return { buildMs, buildCpu, out, fullMs, endpoints: tr.endpoints.length, back, n: set.n, targetInflows }
}

const skipIngest = process.argv.includes('--skip-ingest')
const skipTrace = process.argv.includes('--skip-trace')
const mixes = skipIngest ? [] : [false, true]
const ings = []
const load0 = loadavg()
for (const traced of mixes) for (const n of NODES) ings.push(await benchIngest(traced, n))
const tr = skipTrace ? null : await benchTrace()
const lines = []
const la = (l) => l.map((x) => x.toFixed(2)).join(' ')
if (ings.length) {
  lines.push(
    `EVM ingest from a local node (${ings[0].txs} txs per mix, 250 per block; a receipt for every tx; internal transfers by the trace API the node offers). Mix A: 90 % ETH payments, 10 % ERC-20 transfers. Mix B: 80 % ETH, 10 % ERC-20, 10 % bridge deposits forwarding ETH in an internal call. Store checked against what was sent.`,
  )
  lines.push('')
  const head = [
    'mix',
    'node',
    'receipts / traces (calls)',
    'wall',
    '**tx/s**',
    'CPU hound / node',
    'waiting for node / writing',
    'internal / ERC-20 transfers',
    'JSON-RPC calls',
  ]
  lines.push(`| ${head.join(' | ')} |`)
  lines.push(`|${head.map(() => '---').join('|')}|`)
  for (const i of ings) {
    const m = i.byMethod
    // a node without eth_getBlockReceipts refuses the first calls (one per block of the first batch)
    const rc = m.eth_getTransactionReceipt
      ? `eth_getTransactionReceipt ×${m.eth_getTransactionReceipt}`
      : `eth_getBlockReceipts ×${m.eth_getBlockReceipts ?? 0}`
    const tc =
      i.traceMode === 'geth'
        ? `callTracer block ×${m.debug_traceBlockByNumber ?? 0}`
        : i.traceMode === 'parity'
          ? `trace_block ×${m.trace_block ?? 0}`
          : i.traceMode === 'geth-tx'
            ? `callTracer per tx ×${m.debug_traceTransaction ?? 0} (+ eth_getCode ×${m.eth_getCode ?? 0})`
            : `struct logs ×${m.debug_traceTransaction ?? 0} (+ eth_getCode ×${m.eth_getCode ?? 0})`
    lines.push(
      `| ${i.kinds.bridge ? 'B' : 'A'} | ${i.node} | ${rc}; ${tc} | ${i.seconds.toFixed(2)} s | **${Math.round(i.tps).toLocaleString('en-US')}** | ${i.houndCpu.toFixed(2)} s / ${i.nodeCpu.toFixed(2)} s | ${i.fetchSeconds.toFixed(2)} s / ${i.writeSeconds.toFixed(2)} s | ${i.counts.internal.toLocaleString('en-US')} / ${i.counts.erc20.toLocaleString('en-US')} | ${i.rpcCalls.toLocaleString('en-US')} |`,
    )
  }
  lines.push('')
  lines.push(
    `Settings: ${BLOCKS} blocks per batch, ${PREFETCH} batches fetched ahead, ${BATCH} calls per JSON-RPC batch, ${CONC} batches in flight. Nodes: ${[...new Map(ings.map((i) => [i.node, i.client])).entries()].map(([n, c]) => `${n} = ${c}`).join(', ')}. Scenario generation: ${ings.map((i) => `${i.node} ${i.kinds.bridge ? 'B' : 'A'} ${i.genSecs.toFixed(1)} s`).join(', ')}. Load average at the start: ${la(load0)}; at the end of the ingest runs: ${la(loadavg())}`,
  )
  lines.push('')
}
if (tr) {
  lines.push(
    `Account-model trace over ${tr.n.toLocaleString('en-US')} transfers loaded from a DuckDB store file (100k addresses, power-law senders, one seed)`,
  )
  lines.push('')
  lines.push('| Step | ms | result |')
  lines.push('|---|---|---|')
  lines.push(
    `| load the set from the store (loadAccountTransferSet) | ${tr.buildMs.toFixed(0)} | CPU ${tr.buildCpu.toFixed(0)} ms (this process; DuckDB threads included) |`,
  )
  for (const r of tr.out)
    lines.push(`| ${r.policy} | ${r.ms.toFixed(0)} | ${r.tainted.toLocaleString('en-US')} tainted rows |`)
  lines.push(`| traceAccounts (haircut, JSON result) | ${tr.fullMs.toFixed(0)} | ${tr.endpoints} endpoints |`)
  for (const b of tr.back)
    lines.push(
      `| backward ${b.policy}: origins of the ${tr.targetInflows} inflows of the busiest receiver, 10 hops | ${b.ms.toFixed(0)} | ${b.rows.toLocaleString('en-US')} rows, ${b.endpoints.toLocaleString('en-US')} origins |`,
    )
  lines.push(`| **load + trace (haircut, JSON)** | **${(tr.buildMs + tr.fullMs).toFixed(0)}** | |`)
  lines.push('')
  lines.push(
    `Load average at the end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  )
}
console.log(lines.join('\n'))

/**
 * Clustering benchmark. One command, one table per part; every timed phase reports wall time AND process CPU time
 * (user + system, all threads: DuckDB scans run on worker threads), and the load average is printed, because the
 * machine may be shared.
 *
 * A. Union-find throughput over dense address ids (Int32Array parent/−size, union by size, path halving), median of
 *    5 runs, pairs pre-generated so only `union` is timed:
 *    - synthetic: random pairs over 10M ids (cache-hostile worst case) and a CIOH-like window pattern;
 *    - real workloads: the exact sequence of `union(first input, other input)` calls the multi-input heuristic makes
 *      on a chain (every non-coinbase tx with ≥ 2 addressed inputs, chain order), plus the change links the engine
 *      applied, in decision order — taken from the 10M-tx store below and from the simulator chain given with
 *      --sim-store (addresses with real locality: wallets reuse their own recent coins).
 * B. End to end on a 10M-tx store: loadUtxoGraph (ids only, `names: false`, as `hound cluster` does) +
 *    clusterGraph (multi-input + change, horizon 6, guards on) + saveClusterRun, on a copy of
 *    bench/.data/trace-10000000.duckdb (built by `node bench/trace.bench.js`), or the store given with --store.
 *    Its addresses are random hashes, so CIOH forms one giant cluster and every union-find access misses the
 *    cache: a stress case, not a realistic partition.
 *
 * Usage: npm run build && node --expose-gc bench/cluster.bench.js [--n 10000000] [--store FILE] [--sim-store FILE]
 *        [--skip-e2e] [--with-names]
 *   --sim-store: e.g. a store ingested from `hound sim --txs 1500000 --seed ledgerhound` (read only).
 *   --with-names: also time the full loader (txids + address strings, as tracing uses it).
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs'
import { loadavg } from 'node:os'
import { clusterGraph, clusteringLoadOptions, resolveClusterParameters } from '../dist/cluster/clusterGraph.js'
import { HEURISTIC_CHANGE, STATUS_APPLIED } from '../dist/cluster/EvidenceLog.js'
import { UnionFind } from '../dist/cluster/UnionFind.js'
import { loadUtxoGraph } from '../dist/graph/loadUtxoGraph.js'
import { isCoinbase } from '../dist/graph/UtxoGraph.js'
import { saveClusterRun } from '../dist/store/clusterSave.js'
import { HoundStore } from '../dist/store/HoundStore.js'

const arg = (name, dflt) => {
  const k = process.argv.indexOf(`--${name}`)
  return k >= 0 ? process.argv[k + 1] : dflt
}
const N = Number(arg('n', 10_000_000))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (x) => Math.round(x).toLocaleString('en-US')
const sec = (ms) => `${(ms / 1000).toFixed(2)} s`
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')
const cpuMs = (c) => (c.user + c.system) / 1000

/** Run fn, return [result, wall ms, cpu ms]. */
async function timed(fn) {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const r = await fn()
  return [r, performance.now() - t0, cpuMs(process.cpuUsage(c0))]
}

function printTable(title, head, rows) {
  console.log(`\n${title}`)
  const all = [head, ...rows]
  const w = head.map((_, j) => Math.max(...all.map((r) => String(r[j]).length)))
  const line = (r) => `| ${r.map((c, j) => String(c).padEnd(w[j])).join(' | ')} |`
  console.log(line(head))
  console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`)
  for (const r of rows) console.log(line(r))
}

function xorshift(seed) {
  let s = seed >>> 0
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s
  }
}

function syntheticPairs(kind) {
  const r = xorshift(kind === 'random' ? 42 : 7)
  const a = new Int32Array(N)
  const b = new Int32Array(N)
  for (let k = 0; k < N; k++) {
    if (kind === 'random') {
      a[k] = r() % N
      b[k] = r() % N
    } else {
      // CIOH-like: a tx spends outputs of recent addresses (ids within a window of 1,000)
      const base = Math.floor((k / N) * (N - 1000))
      a[k] = base + (r() % 1000)
      b[k] = base + (r() % 1000)
    }
  }
  return { a, b, ids: N }
}

/**
 * The union calls clustering makes on graph g: multi-input (first addressed input with every other, per tx, chain
 * order; CoinJoin exclusion not applied) followed by the applied change links of clustering c in log order.
 */
function realPairs(g, c) {
  let n = 0
  for (let t = 0; t < g.txCount; t++) {
    const k = g.txInStart[t + 1] - g.txInStart[t]
    if (k >= 2 && !isCoinbase(g, t)) n += k - 1
  }
  let nc = 0
  if (c) for (let k = 0; k < c.log.length; k++) if (c.log.heuristic[k] === HEURISTIC_CHANGE) nc++
  const a = new Int32Array(n + nc)
  const b = new Int32Array(n + nc)
  let m = 0
  for (let t = 0; t < g.txCount; t++) {
    const i0 = g.txInStart[t]
    const i1 = g.txInStart[t + 1]
    if (i1 - i0 < 2 || isCoinbase(g, t)) continue
    let first = -1
    for (let i = i0; i < i1; i++) {
      const x = g.inAddr[i]
      if (x < 0) continue
      if (first < 0) first = x
      else {
        a[m] = first
        b[m++] = x
      }
    }
  }
  if (c) {
    for (let k = 0; k < c.log.length; k++) {
      if (c.log.heuristic[k] !== HEURISTIC_CHANGE || c.log.status[k] !== STATUS_APPLIED) continue
      a[m] = c.log.addrA[k]
      b[m++] = c.log.addrB[k]
    }
  }
  return { a: a.subarray(0, m), b: b.subarray(0, m), ids: g.addressCount }
}

const ufRows = []
function benchUnionFind(label, { a, b, ids }, batch = false) {
  const times = []
  const cpus = []
  let merged = 0
  for (let run = 0; run < 5; run++) {
    const uf = new UnionFind(ids)
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    merged = 0
    if (batch) merged = uf.unionPairs(a, b)
    else for (let k = 0; k < a.length; k++) if (uf.union(a[k], b[k]) >= 0) merged++
    times.push(performance.now() - t0)
    cpus.push(cpuMs(process.cpuUsage(c0)))
  }
  const ms = median(times)
  ufRows.push([
    label,
    fmt(ids),
    fmt(a.length),
    fmt(merged),
    `${ms.toFixed(0)} ms`,
    `${median(cpus).toFixed(0)} ms`,
    `${(a.length / (ms / 1000) / 1e6).toFixed(1)} M/s`,
    load(),
  ])
}

console.log(`node ${process.version}, load average at start ${load()}`)

// --- A. synthetic union-find patterns ---
for (const kind of ['random', 'cioh-like']) benchUnionFind(`synthetic: ${kind}`, syntheticPairs(kind))

// --- A'. the simulator chain's real union sequence ---
const simStore = arg('sim-store')
if (simStore) {
  const store = await HoundStore.open(simStore, { readOnly: true })
  const g = await loadUtxoGraph(store, clusteringLoadOptions)
  store.close()
  const c = clusterGraph(g, resolveClusterParameters({ change: true, changeHorizon: 12 }))
  const pairs = realPairs(g, c)
  benchUnionFind(`real: sim chain ${fmt(g.txCount)} txs (CIOH + change)`, pairs)
  benchUnionFind(`real: sim chain, batch unionPairs`, pairs, true)
}

// --- B. end to end ---
const phases = []
let result = []
if (!process.argv.includes('--skip-e2e')) {
  const src = arg('store', new URL('./.data/trace-10000000.duckdb', import.meta.url).pathname)
  if (!existsSync(src)) {
    console.error(`no store at ${src}: run node bench/trace.bench.js first or pass --store (skipping end to end)`)
  } else {
    const copy = `/tmp/cluster-bench-${process.pid}.duckdb`
    copyFileSync(src, copy)
    try {
      const store = await HoundStore.open(copy)
      if (process.argv.includes('--with-names')) {
        const [, w, c] = await timed(() => loadUtxoGraph(store))
        phases.push(['(reference) loadUtxoGraph with names', sec(w), sec(c), load()])
        global.gc?.()
      }
      await settleGc()
      const m0 = process.memoryUsage()
      const [g, w1, c1] = await timed(() => loadUtxoGraph(store, clusteringLoadOptions))
      phases.push(['load: loadUtxoGraph (ids only)', sec(w1), sec(c1), load()])
      await settleGc()
      const m1 = process.memoryUsage()
      const params = resolveClusterParameters({ change: true, changeHorizon: 6 })
      const [c, w2, c2] = await timed(() => clusterGraph(g, params))
      phases.push(['heuristics: clusterGraph', sec(w2), sec(c2), load()])
      await settleGc()
      const m2 = process.memoryUsage()
      const [, w3, c3] = await timed(() => saveClusterRun(store, c, { params }))
      phases.push(['store: saveClusterRun', sec(w3), sec(c3), load()])
      phases.push(['total', sec(w1 + w2 + w3), sec(c1 + c2 + c3), ''])
      store.close()
      const pairs = realPairs(g, c)
      benchUnionFind(`real: 10M-tx store (CIOH + change)`, pairs)
      benchUnionFind(`real: 10M-tx store, batch unionPairs`, pairs, true)
      const perAddr = (m2.arrayBuffers + m2.heapUsed - (m1.arrayBuffers + m1.heapUsed)) / g.addressCount
      result = [
        [
          'graph',
          `${fmt(g.txCount)} txs, ${fmt(g.inputCount)} inputs, ${fmt(g.outputCount)} outputs, ${fmt(g.addressCount)} addresses`,
        ],
        [
          'graph memory',
          `${((m1.arrayBuffers + m1.heapUsed - m0.arrayBuffers - m0.heapUsed) / 2 ** 20).toFixed(0)} MB`,
        ],
        ['clusters', `${fmt(c.clusterCount)}, largest ${fmt(c.largestClusterSize())}`],
        [
          'evidence',
          `${fmt(c.log.length)} records: ${fmt(c.stats.multiInputMerges)} CIOH, ${fmt(c.stats.changeMerges)} change, ${fmt(c.stats.heldBackBySize)} held back, ${fmt(c.stats.coinJoinsSkipped)} CoinJoins skipped`,
        ],
        [
          'memory retained by clustering',
          `${perAddr.toFixed(1)} B/address (union-find + evidence log + CoinJoin cache)`,
        ],
      ]
    } finally {
      rmSync(copy, { force: true })
      rmSync(`${copy}.wal`, { force: true })
    }
  }
}

printTable(
  'A. Union-find: unions/s = unions / median wall time of 5 runs (CPU: median CPU time of the 5)',
  ['Sequence', 'Ids', 'Unions', 'Merges', 'Wall (median)', 'CPU (median)', 'Throughput', 'Load avg'],
  ufRows,
)
console.log(
  `union-find memory: ${(new UnionFind(1).parent.byteLength / 1).toFixed(0)} B/address (one Int32Array, parent or −size)`,
)
if (phases.length > 0) {
  printTable('B. End to end (10M-tx store): per phase', ['Phase', 'Wall', 'CPU (all threads)', 'Load avg'], phases)
  printTable('Result', ['What', 'Value'], result)
}

/**
 * Collect garbage until the numbers settle: V8 frees ArrayBuffer backing stores on a background thread after a
 * collection, so one gc() followed at once by memoryUsage() can still count buffers that are already garbage.
 */
async function settleGc() {
  for (let i = 0; i < 3; i++) {
    global.gc?.()
    await new Promise((r) => setTimeout(r, 50))
  }
}

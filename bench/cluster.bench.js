/**
 * Clustering benchmark.
 *
 * A. Union-find throughput over 10M dense address ids (Int32Array, union by size, path halving): random pairs
 *    (cache-hostile worst case) and a CIOH-like pattern (each tx joins a few nearby ids), pairs pre-generated so
 *    only `union` is timed. Memory per address of the structures the engine keeps per address.
 * B. End to end on a 10M-tx store: loadUtxoGraph + clusterGraph (multi-input + change, guards) + saveClusterRun,
 *    on a copy of the tracing bench's synthetic store (bench/.data/trace-10000000.duckdb, built by
 *    `node bench/trace.bench.js`), or the store given with --store. Its addresses are random hashes, so CIOH
 *    forms one giant cluster (the size guard holds merges back): a stress case, not a realistic partition.
 *
 * Usage: npm run build && node --expose-gc bench/cluster.bench.js [--n 10000000] [--store FILE] [--skip-e2e]
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs'
import { clusterGraph, resolveClusterParameters } from '../dist/cluster/clusterGraph.js'
import { UnionFind } from '../dist/cluster/UnionFind.js'
import { loadUtxoGraph } from '../dist/graph/loadUtxoGraph.js'
import { saveClusterRun } from '../dist/store/clusterSave.js'
import { HoundStore } from '../dist/store/HoundStore.js'

const arg = (name, dflt) => {
  const k = process.argv.indexOf(`--${name}`)
  return k >= 0 ? process.argv[k + 1] : dflt
}
const N = Number(arg('n', 10_000_000))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (x) => Math.round(x).toLocaleString('en-US')
const rows = []

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

// --- A. union-find ---
function pairs(kind) {
  const r = xorshift(kind === 'random' ? 42 : 7)
  const a = new Int32Array(N)
  const b = new Int32Array(N)
  for (let k = 0; k < N; k++) {
    if (kind === 'random') {
      a[k] = r() % N
      b[k] = r() % N
    } else {
      // CIOH-like: a tx spends 2–4 outputs of recent addresses (ids within a window of 1,000)
      const base = Math.floor((k / N) * (N - 1000))
      a[k] = base + (r() % 1000)
      b[k] = base + (r() % 1000)
    }
  }
  return [a, b]
}
for (const kind of ['random', 'cioh-like']) {
  const [a, b] = pairs(kind)
  const times = []
  let merged = 0
  for (let run = 0; run < 5; run++) {
    const uf = new UnionFind(N)
    const t0 = performance.now()
    merged = 0
    for (let k = 0; k < N; k++) if (uf.union(a[k], b[k]) >= 0) merged++
    times.push(performance.now() - t0)
  }
  const ms = median(times)
  rows.push([
    `union-find ${kind}`,
    `${fmt(N)} unions on ${fmt(N)} ids (${fmt(merged)} merges)`,
    `${ms.toFixed(0)} ms`,
    `${fmt(N / (ms / 1000))} unions/s`,
  ])
}
const uf = new UnionFind(N)
rows.push([
  'union-find memory',
  `${fmt(N)} ids`,
  `${(uf.parent.byteLength / N).toFixed(1)} B/address`,
  'Int32Array parent/size',
])

// --- B. end to end ---
if (!process.argv.includes('--skip-e2e')) {
  const src = arg('store', new URL('./.data/trace-10000000.duckdb', import.meta.url).pathname)
  if (!existsSync(src)) {
    console.error(`no store at ${src}: run node bench/trace.bench.js first or pass --store (skipping end to end)`)
  } else {
    const copy = `/tmp/cluster-bench-${process.pid}.duckdb`
    copyFileSync(src, copy)
    try {
      const store = await HoundStore.open(copy)
      global.gc?.()
      const m0 = process.memoryUsage()
      const t0 = performance.now()
      const g = await loadUtxoGraph(store)
      const t1 = performance.now()
      global.gc?.()
      const m1 = process.memoryUsage()
      const params = resolveClusterParameters({ change: true, changeHorizon: 6 })
      const c = clusterGraph(g, params)
      const t2 = performance.now()
      global.gc?.()
      const m2 = process.memoryUsage()
      await saveClusterRun(store, c, { params })
      const t3 = performance.now()
      store.close()
      const perAddr = (m2.arrayBuffers + m2.heapUsed - (m1.arrayBuffers + m1.heapUsed)) / g.addressCount
      rows.push([
        'end to end',
        `${fmt(g.txCount)} txs, ${fmt(g.inputCount)} inputs, ${fmt(g.addressCount)} addresses`,
        `${((t3 - t0) / 1000).toFixed(1)} s`,
        `load ${((t1 - t0) / 1000).toFixed(1)} s + heuristics ${((t2 - t1) / 1000).toFixed(1)} s + store ${((t3 - t2) / 1000).toFixed(1)} s`,
      ])
      rows.push([
        'clustering result',
        `${fmt(c.clusterCount)} clusters, largest ${fmt(c.largestClusterSize())}`,
        `${fmt(c.log.length)} evidence records`,
        `${fmt(c.stats.multiInputMerges)} CIOH, ${fmt(c.stats.changeMerges)} change, ${fmt(c.stats.heldBackBySize)} held back, ${fmt(c.stats.coinJoinsSkipped)} CoinJoins`,
      ])
      rows.push([
        'memory retained by clustering',
        `graph ${((m1.arrayBuffers + m1.heapUsed - m0.arrayBuffers - m0.heapUsed) / 2 ** 20).toFixed(0)} MB`,
        `${perAddr.toFixed(1)} B/address`,
        'union-find + evidence log + per-tx CoinJoin cache, over addresses',
      ])
    } finally {
      rmSync(copy, { force: true })
      rmSync(`${copy}.wal`, { force: true })
    }
  }
}

const w = [0, 1, 2, 3].map((j) => Math.max(...rows.map((r) => String(r[j]).length)))
for (const r of rows) console.log(r.map((c, j) => String(c).padEnd(w[j])).join('  '))

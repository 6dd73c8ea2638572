/**
 * End-to-end ingest benchmark: blk files → openBlockSource → decode (merkle checked) → classify → store.
 *
 *   npm run build && node bench/ingest.bench.js [--txs 5000000] [--fresh] [--batch-blocks 500] [--keep]
 *   npm run build && node bench/ingest.bench.js --sim DIR   (a chain written by `hound sim`, regtest)
 *
 * The chain is synthetic (bench/_synthChain.js: real blocks re-serialised under fresh hashes, cached under
 * /tmp). Prints, at every million transactions, throughput, RSS, JS heap and the sizes of ingest's off-heap tables;
 * then the time split (source / decode / write), DuckDB's memory, and the CPU split per thread (main thread, decode
 * workers, the rest: DuckDB and GC), which is the contention-proof figure on a shared machine.
 * Extra flags: --memory-limit 1GB (DuckDB cap during ingest), --duckdb-sql "SET …" (settings for experiments).
 */
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { networks } from '../dist/btc/networks.js'
import { openBlockSource } from '../dist/btc/openBlockSource.js'
import { ingestBtc } from '../dist/ingest/ingestBtc.js'
import { HoundStore } from '../dist/store/HoundStore.js'
import { synthChain } from './_synthChain.js'

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name)
  return i < 0 ? dflt : process.argv[i + 1]
}
const txs = Number(arg('--txs', 5_000_000))
const fresh = process.argv.includes('--fresh')
const batchBlocks = Number(arg('--batch-blocks', 500))
const batchTxs = Number(arg('--batch-txs', 100_000))
const chainDir = join(tmpdir(), `hound-bench-chain-${txs}${fresh ? '-fresh' : ''}`)
const dbFile = join(tmpdir(), `hound-bench-ingest-${process.pid}.duckdb`)
const mb = (b) => Math.round(b / 2 ** 20)

const simDir = arg('--sim', null)
const tg = Date.now()
const chain = simDir
  ? { blocks: null, txs: null, startHeight: 0 }
  : synthChain({ dir: chainDir, txs, freshAddresses: fresh, log: (m) => console.error(m) })
if (!simDir)
  console.error(
    `chain: ${chain.blocks} blocks, ${chain.txs} txs in ${chainDir} (${((Date.now() - tg) / 1000).toFixed(0)}s)`,
  )
const network = simDir ? 'regtest' : 'mainnet'

const store = await HoundStore.open(dbFile)
// --duckdb-sql "SET threads = 1; …": extra DuckDB settings for experiments
if (arg('--duckdb-sql', null)) await store.run(arg('--duckdb-sql', null))
const source = openBlockSource({ blocks: [simDir ?? chainDir], network, startHeight: chain.startHeight })
const marks = []
let next = 1_000_000
const t0 = performance.now()
const cpu0 = process.cpuUsage()
const summary = await ingestBtc(store, source, {
  network: networks[network],
  fromHeight: chain.startHeight,
  batchBlocks,
  batchTxs,
  memoryLimit: arg('--memory-limit', undefined),
  onBatch: (p) => {
    if (p.txs >= next) {
      const s = (performance.now() - t0) / 1000
      const m = process.memoryUsage()
      marks.push({ txs: p.txs, seconds: s, rss: m.rss, heap: m.heapUsed, buffers: m.arrayBuffers, ...p.memory })
      console.error(
        `${p.txs} txs  ${s.toFixed(1)}s  ${Math.round(p.txs / s)} tx/s  rss ${mb(process.memoryUsage().rss)} MB`,
      )
      while (next <= p.txs) next += 1_000_000
    }
  },
})
const seconds = (performance.now() - t0) / 1000
const cpu = process.cpuUsage(cpu0)
const cpuSeconds = (cpu.user + cpu.system) / 1e6
const duckMem = await store.all(
  'SELECT tag, round(memory_usage_bytes / 2^20) AS mb FROM duckdb_memory() WHERE memory_usage_bytes > 2^20 ORDER BY 2 DESC',
)
const dbSize = await store.one('SELECT database_size, memory_usage, memory_limit FROM pragma_database_size()')
store.close()
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024)

console.log(
  `\n## ingest: ${summary.txs.toLocaleString('en-US')} txs, ${summary.blocks} blocks${fresh ? ', fresh addresses' : ''}, batch ${batchBlocks} blocks\n`,
)
console.log(
  '| txs | elapsed (s) | tx/s (cumulative) | RSS (MB) | JS heap (MB) | ArrayBuffers (MB) | UTXOs | UTXO index (MB) | addresses | address map (MB) |',
)
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
const n = (x) => x.toLocaleString('en-US')
for (const m of marks)
  console.log(
    `| ${n(m.txs)} | ${m.seconds.toFixed(1)} | ${n(Math.round(m.txs / m.seconds))} | ${mb(m.rss)} | ${mb(m.heap)} | ${mb(m.buffers)} | ` +
      `${n(m.utxos)} | ${mb(m.utxoBytes)} | ${n(m.addresses)} | ${mb(m.addressBytes)} |`,
  )
console.log(
  `\ntotal ${seconds.toFixed(1)} s, ${Math.round(summary.txs / seconds).toLocaleString('en-US')} tx/s, ` +
    `${Math.round(summary.inputs / seconds).toLocaleString('en-US')} inputs/s, ${Math.round(summary.outputs / seconds).toLocaleString('en-US')} outputs/s; peak RSS ${maxRssMb} MB`,
)
console.log(
  `process CPU ${cpuSeconds.toFixed(1)} s (user+sys, all threads incl. DuckDB's): ${Math.round(summary.txs / cpuSeconds).toLocaleString('en-US')} tx per CPU-second; load average ${(
    await import('node:os')
  )
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
)
console.log(
  `time split: source wait ${summary.sourceSeconds.toFixed(1)} s, decode ${summary.decodeSeconds.toFixed(1)} s, ` +
    `write ${summary.writeSeconds.toFixed(1)} s (rows ${summary.writeSplit.rows.toFixed(1)}, appender flush ${summary.writeSplit.flush.toFixed(1)}, commit ${summary.writeSplit.commit.toFixed(1)}); late-resolved inputs ${summary.lateResolved}`,
)
console.log(
  `DuckDB at the end: ${dbSize.database_size} file, buffer pool ${dbSize.memory_usage} of ${dbSize.memory_limit} ` +
    `(${duckMem.map((r) => `${r.tag} ${r.mb} MB`).join(', ')})`,
)
if (summary.cpu) {
  const c = summary.cpu
  const us = (x) => ((x * 1e6) / summary.txs).toFixed(2)
  console.log(
    `CPU split (s, µs/tx): total ${c.total.toFixed(1)} (${us(c.total)}) = main thread ${c.main.toFixed(1)} (${us(c.main)}) + ` +
      `decode worker(s) ${c.decode.toFixed(1)} (${us(c.decode)}) + other threads (DuckDB, GC) ${c.other.toFixed(1)} (${us(c.other)})`,
  )
}
if (process.argv.includes('--load-graph')) {
  // loadUtxoGraph over the whole store: time, and heap/RSS added per transaction
  const { loadUtxoGraph } = await import('../dist/graph/loadUtxoGraph.js')
  globalThis.gc?.()
  const before = process.memoryUsage()
  const s2 = await HoundStore.open(dbFile, { readOnly: true })
  const tl = performance.now()
  const g = await loadUtxoGraph(s2)
  const loadS = (performance.now() - tl) / 1000
  const tIdx = performance.now()
  const hit = g.names.txIndex(g.names.txid(g.txCount - 1))
  const idxS = (performance.now() - tIdx) / 1000
  s2.close()
  globalThis.gc?.()
  const after = process.memoryUsage()
  const perTx = (x) => Math.round((after[x] + after.arrayBuffers - before[x] - before.arrayBuffers) / g.txCount)
  console.log(
    `\nloadUtxoGraph: ${g.txCount.toLocaleString('en-US')} txs, ${g.inputCount.toLocaleString('en-US')} inputs, ` +
      `${g.outputCount.toLocaleString('en-US')} outputs in ${loadS.toFixed(1)} s (${Math.round(g.txCount / loadS).toLocaleString('en-US')} tx/s); ` +
      `first txIndex (builds the hash table) ${idxS.toFixed(2)} s, found ${hit === g.txCount - 1}; ` +
      `heap+buffers retained ≈ ${perTx('heapUsed')} B/tx, RSS now ${mb(after.rss)} MB`,
  )
}
if (!process.argv.includes('--keep')) rmSync(dbFile, { force: true })
else console.log(`store kept at ${dbFile}`)

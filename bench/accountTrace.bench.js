// Account-model trace end to end (run after `npm run build`): node bench/accountTrace.bench.js [--transfers 1000000]
//   [--warm 3] [--fees]
// Builds an N-transfer EVM store exactly as bench/evm.bench.js benchTrace() does (the same generator,
// bench/_accountSet.js: power-law senders over 100k addresses, one seed sending the first 1,000, one transaction per
// transfer), then times
//   in this process: the SQL load (loadAccountTransferSet), the store fingerprint, encoding + writing the snapshot,
//   reading + decoding it (and checks the decoded set equals the SQL one);
//   as a child process: `hound trace <seed> --policy haircut --json` cold (no snapshot: SQL build + write), warm
//   (reads the snapshot), and with --no-cache, each with wall time and peak RSS; plus `hound --help` (the CLI's
//   start-up with every command's modules) and `hound trace --help` (start-up with only the trace command, which is
//   what `hound trace` loads).
//   The JSON of every run must be identical (apart from the "ms" timings).
import { spawn } from 'node:child_process'
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HoundStore } from '../dist/store/HoundStore.js'
import { decodeAccountSetSnapshot, encodeAccountSetSnapshot } from '../dist/trace/account/accountSetSnapshot.js'
import { accountStoreFingerprint } from '../dist/trace/account/accountStoreFingerprint.js'
import { loadAccountTransferSet } from '../dist/trace/account/loadAccountTransferSet.js'
import { snapshotFile } from '../dist/trace/account/loadAccountTransferSetCached.js'
import { SEED, writeSyntheticTransfers } from './_accountSet.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const arg = (name, def) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : def
}
const N = arg('--transfers', 1_000_000)
const WARM = arg('--warm', 3)
// --fees: also one evm_txs row per transaction with a gas fee, as `hound ingest evm` writes them (the set then has a
// fee row per transaction: 2N rows, and the fingerprint reads evm_txs too)
const FEES = process.argv.includes('--fees')
const load0 = loadavg()

/** The synthetic store of bench/evm.bench.js benchTrace() (same generator, same rows), with --fees a fee per tx. */
async function buildStore(path) {
  const store = await HoundStore.open(path)
  await writeSyntheticTransfers(store, N)
  if (FEES)
    await store.run(`INSERT INTO evm_txs (chain, block, tx_index, hash, time, from_addr, to_addr, value, gas_used,
        gas_price, effective_gas_price, fee, status, type, nonce)
      SELECT chain, block, tx_index, tx_hash, time, from_addr, to_addr, value, 21000, '30000000000', '30000000000',
        CAST(21000 * (30000000000 + hash(tx_hash) % 1000000000) AS VARCHAR), 1, 2, 0 FROM evm_transfers`)
  return store
}

/** Wall ms and CPU ms (this process, all threads: DuckDB's included) of `f`. */
async function timed(f) {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const value = await f()
  const ms = performance.now() - t0
  const c = process.cpuUsage(c0)
  return { value, ms, cpu: (c.user + c.system) / 1000 }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

/** Run the CLI under /usr/bin/time (peak RSS); wall time measured here. */
function hound(args, main = 'dist/cli/main.js') {
  return new Promise((resolve, reject) => {
    const useTime = existsSync('/usr/bin/time')
    const cmd = useTime ? '/usr/bin/time' : process.execPath
    const full = useTime ? ['-f', '%M', process.execPath, join(root, main), ...args] : [join(root, main), ...args]
    const t0 = performance.now()
    const p = spawn(cmd, full)
    let out = ''
    let err = ''
    p.stdout.on('data', (d) => {
      out += d
    })
    p.stderr.on('data', (d) => {
      err += d
    })
    p.on('close', (code) => {
      const ms = performance.now() - t0
      if (code !== 0) return reject(new Error(`hound ${args.join(' ')} exited ${code}: ${err}`))
      const kb = useTime ? Number(err.trim().split('\n').pop()) : Number.NaN
      resolve({ ms, rssMb: kb / 1024, out })
    })
  })
}

const dir = mkdtempSync(join(tmpdir(), 'hound-bench-acct-trace-'))
const path = join(dir, 'acct.duckdb')
try {
  const gen = await timed(() => buildStore(path))
  const store = gen.value
  // 1. in process: SQL load, fingerprint, write, read
  const sql = await timed(() => loadAccountTransferSet(store, { fee: 'last' }))
  const set = sql.value
  const fps = []
  let fingerprint = ''
  for (let r = 0; r < 3; r++) {
    const f = await timed(() => accountStoreFingerprint(store))
    fingerprint = f.value
    fps.push(f)
  }
  const key = { fee: 'last', chains: [], fingerprint }
  const enc = await timed(() => encodeAccountSetSnapshot(set, key))
  const file = snapshotFile(path, 'last', [])
  const wr = await timed(() => {
    // as loadAccountTransferSetCached writes it: the parts in order to a temporary file, then rename
    mkdirSync(`${path}.cache`, { recursive: true })
    const fd = openSync(`${file}.tmp`, 'w')
    for (const b of enc.value) for (let off = 0; off < b.length; ) off += writeSync(fd, b, off)
    closeSync(fd)
    renameSync(`${file}.tmp`, file)
  })
  const bytes = statSync(file).size
  const fileBytes = readFileSync(file)
  const header = JSON.parse(fileBytes.toString('utf8', 24, 24 + fileBytes.readUInt32LE(12)))
  const reads = []
  let decoded = null
  for (let r = 0; r < 3; r++) {
    const rd = await timed(() => {
      const b = readFileSync(file)
      return decodeAccountSetSnapshot(b, key)
    })
    decoded = rd.value
    reads.push(rd)
  }
  if (!('set' in decoded)) throw new Error(`snapshot rejected: ${decoded.reject}`)
  const d = decoded.set
  for (const col of ['from', 'to', 'asset', 'tx', 'kind', 'time', 'block', 'fromLedger', 'toLedger', 'ledgerAddress'])
    if (
      Buffer.compare(
        Buffer.from(d[col].buffer, d[col].byteOffset, d[col].byteLength),
        Buffer.from(set[col].buffer, set[col].byteOffset, set[col].byteLength),
      ) !== 0
    )
      throw new Error(`decoded column ${col} differs`)
  for (let p = 0; p < set.n; p++) if (d.value[p] !== set.value[p]) throw new Error(`value ${p} differs`)
  if (d.addresses.join() !== set.addresses.join()) throw new Error('addresses differ')
  store.close()
  rmSync(`${path}.cache`, { recursive: true, force: true })

  // 2. the CLI end to end
  const args = ['--db', path, 'trace', '--from', SEED, '--policy', 'haircut', '--json']
  const help = []
  for (let r = 0; r < 3; r++) help.push(await hound(['--help']))
  const traceHelp = []
  for (let r = 0; r < 3; r++) traceHelp.push(await hound(['trace', '--help']))
  const cold = await hound(args)
  if (!existsSync(file)) throw new Error('cold run wrote no snapshot')
  const warm = []
  for (let r = 0; r < WARM; r++) warm.push(await hound(args))
  const nocache = await hound([...args, '--no-cache'])
  const norm = (s) => s.replace(/"ms": \d+/g, '"ms": 0')
  for (const r of [...warm, nocache]) if (norm(r.out) !== norm(cold.out)) throw new Error('trace JSON differs')
  const load1 = loadavg()

  const perRow = header.sections.filter((s) => s[3] === set.n && s[0] !== 'txWords')
  const rowBytes = perRow.reduce((a, s) => a + s[3] * { i32: 4, u8: 1, f64: 8, u64: 8 }[s[1]], 0) / set.n
  const la = (l) => l.map((x) => x.toFixed(2)).join(' ')
  const fmt = (x) => x.toFixed(0)
  const wm = warm.map((r) => r.ms)
  const lines = [
    `Account-model trace over ${N.toLocaleString('en-US')} transfers${FEES ? ' + one gas-fee row per transaction (--fees)' : ''} (${set.n.toLocaleString('en-US')} rows in the set, ${set.addresses.length.toLocaleString('en-US')} addresses, ${set.txHashes.length.toLocaleString('en-US')} transactions), store built like bench/evm.bench.js benchTrace().`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}. Load average ${la(load0)} at the start, ${la(load1)} at the end.`,
    '',
    '| Step | wall ms | CPU ms (all threads) | notes |',
    '|---|---|---|---|',
    `| SQL load (loadAccountTransferSet, fee last) | ${fmt(sql.ms)} | ${fmt(sql.cpu)} | what every trace paid before |`,
    `| store fingerprint (DuckDB: count, xor, sum of row hashes over every evm_* table read) | ${fmt(median(fps.map((f) => f.ms)))} | ${fmt(median(fps.map((f) => f.cpu)))} | median of 3 |`,
    `| encode snapshot | ${fmt(enc.ms)} | ${fmt(enc.cpu)} | |`,
    `| write snapshot file | ${fmt(wr.ms)} | ${fmt(wr.cpu)} | ${(bytes / 1e6).toFixed(1)} MB, ${(bytes / N).toFixed(1)} bytes/transfer |`,
    `| read + decode snapshot (readFileSync, CRC-32, views, bigint values, maps) | ${fmt(median(reads.map((r) => r.ms)))} | ${fmt(median(reads.map((r) => r.cpu)))} | median of 3; equal to the SQL set |`,
    '',
    `\`hound trace ${SEED} --policy haircut --json\` as a child process (JSON ${(cold.out.length / 1e6).toFixed(1)} MB, identical in every run apart from "ms"):`,
    '',
    '| Run | wall ms | peak RSS MB |',
    '|---|---|---|',
    `| \`hound --help\` (CLI start-up: Node + every command's modules) | ${fmt(median(help.map((r) => r.ms)))} | ${fmt(median(help.map((r) => r.rssMb)))} |`,
    `| \`hound trace --help\` (start-up with the trace command only, as \`hound trace\` loads) | ${fmt(median(traceHelp.map((r) => r.ms)))} | ${fmt(median(traceHelp.map((r) => r.rssMb)))} |`,
    `| cold: no snapshot (SQL build + fingerprint + write) | ${fmt(cold.ms)} | ${fmt(cold.rssMb)} |`,
    `| **warm: snapshot read** (median of ${WARM}; min ${fmt(Math.min(...wm))}, max ${fmt(Math.max(...wm))}) | **${fmt(median(wm))}** | ${fmt(median(warm.map((r) => r.rssMb)))} |`,
    `| --no-cache (SQL build, no snapshot I/O) | ${fmt(nocache.ms)} | ${fmt(nocache.rssMb)} |`,
    '',
    `Snapshot size: ${bytes.toLocaleString('en-US')} bytes = ${(bytes / N).toFixed(1)} bytes/transfer (${(bytes / set.n).toFixed(1)} per row of the set): ${rowBytes.toFixed(0)} per row (columns) + 32 per transaction (hash words; here one transaction per transfer) + the addresses (${(header.sections.find((s) => s[0] === 'addresses')[3] / set.addresses.length).toFixed(0)} bytes each) + ledgers (8 bytes each) — linear in transfers.`,
    `Generating the store: ${(gen.ms / 1000).toFixed(1)} s.`,
  ]
  console.log(lines.join('\n'))
} finally {
  rmSync(dir, { recursive: true, force: true })
}

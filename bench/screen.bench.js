// Screening benchmark: `hound serve` under autocannon at a fixed 2,000 requests/s (p99 target < 5 ms) and at
// maximum throughput, next to a trivial node:http server on the same machine as the ceiling; memory of 1M labels.
//
// Run after `npm run build`: node --expose-gc bench/screen.bench.js [--labels 1000000] [--duration 10]
// Everything runs on 127.0.0.1; each load run is bounded (≤ 10 s). The load generator (autocannon) runs in its own
// process (this script re-run with --cannon), so it does not share an event loop with anything it measures.
// `--serve-node-options '…'` adds Node flags to the `hound serve` process (e.g. to compare GC settings).
// `hound serve` runs with --no-taxii (screening only) unless `--with-taxii`: the TAXII collections are built from
// every label at start (minutes for 1M labels) and are not on the screening path.
import { execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { importOfacFile } from '../dist/intel/importOfac.js'
import { LabelIndex } from '../dist/intel/LabelIndex.js'
import { insertLabels } from '../dist/intel/labels.js'
import { createApiKey } from '../dist/server/apiKeys.js'
import { HoundStore } from '../dist/store/HoundStore.js'

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : def
}
const strArg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const N_LABELS = arg('labels', 1_000_000)
const DURATION = Math.min(10, arg('duration', 10))
const RONIN = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96'

const freePort = () =>
  new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => res(p))
    })
  })

const mb = (b) => (b / 1024 / 1024).toFixed(1)
const gc = () => globalThis.gc?.()

/** The i-th synthetic EVM address (lower case, so valid). */
const synthAddress = (i) => `0x${createHash('sha256').update(`addr${i}`).digest('hex').slice(0, 40)}`

/** N synthetic EVM addresses with labels spread over categories and sources. */
function synthLabels(n) {
  const cats = ['exchange', 'mixer', 'scam', 'gambling', 'darknet', 'defi', 'otc', 'merchant']
  const out = new Array(n)
  for (let i = 0; i < n; i++) {
    out[i] = {
      chain: 'evm-1',
      address: synthAddress(i),
      category: cats[i % cats.length],
      entity: `Entity ${i % 5000}`,
      source: `bench-source-${i % 4}`,
      confidence: 'web_crawl',
      tlp: 'clear',
      validFrom: '2024-01-01',
    }
  }
  return out
}

function waitForServe(child) {
  return new Promise((res, rej) => {
    let err = ''
    child.stderr.on('data', (d) => {
      err += d
      const m = /hound serve: (http:\/\/\S+) .*\(warm in ([\d.]+) s\)/.exec(err)
      if (m) res({ url: m[1], warm: Number(m[2]), line: err.split('\n')[0] })
    })
    child.on('exit', (c) => rej(new Error(`serve exited ${c}: ${err}`)))
  })
}

/**
 * One autocannon run in a child process (this file with --cannon). `distinct: [addresses]` makes every request of a
 * POST /v1/screen run screen the next address of the list (cache misses), instead of repeating one body.
 */
function cannon(opts) {
  return new Promise((res, rej) => {
    const before = loadavg()[0]
    execFile(
      process.execPath,
      [
        fileURLToPath(import.meta.url),
        '--cannon',
        JSON.stringify({ connections: 20, pipelining: 1, duration: DURATION, ...opts }),
      ],
      { maxBuffer: 64 << 20 },
      (e, out) => {
        if (e) return rej(e)
        const r = JSON.parse(out)
        r.load = `${before.toFixed(1)}→${loadavg()[0].toFixed(1)}`
        res(r)
      },
    )
  })
}

/** The --cannon child: run autocannon with the options given as JSON, print its result as JSON. */
async function runCannon(json) {
  const { distinct, ...o } = JSON.parse(json)
  if (distinct) {
    let i = 0
    const n = Math.min(distinct.count, distinct.of)
    const bodies = new Array(n)
    for (let k = 0; k < n; k++) bodies[k] = JSON.stringify({ address: synthAddress(Math.floor((k * distinct.of) / n)) })
    o.requests = [{ setupRequest: (req) => ({ ...req, body: bodies[i++ % n] }) }]
  }
  const r = await new Promise((res, rej) => autocannon(o, (e, x) => (e ? rej(e) : res(x))))
  process.stdout.write(JSON.stringify({ requests: r.requests, latency: r.latency, errors: r.errors, non2xx: r.non2xx }))
}

const row = (name, r) => ({
  name,
  'req/s': Math.round(r.requests.average),
  'p50 ms': r.latency.p50,
  'p99 ms': r.latency.p99,
  'max ms': r.latency.max,
  errors: r.errors + r.non2xx,
  'load avg': r.load,
})

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'hound-screen-bench-'))
  const db = join(dir, 'bench.duckdb')
  try {
    // 1. the store: the real November OFAC issue + N synthetic labels, one API key
    let t = performance.now()
    const store = await HoundStore.open(db)
    await importOfacFile(store, join(root, '../shared/data/ofac/sdn_advanced_2025-11-19.xml.bz2'))
    const ofacS = (performance.now() - t) / 1000
    let labels = synthLabels(N_LABELS)
    t = performance.now()
    await insertLabels(store, labels)
    const insertS = (performance.now() - t) / 1000
    const probe = labels[Math.floor(N_LABELS / 2)]?.address ?? RONIN
    labels = null
    const { key } = await createApiKey(store, { name: 'bench', ratePerSec: 1e6, burst: 1e6 })
    // 2. memory of the warm state (LabelIndex) for N + OFAC labels
    gc()
    const before = process.memoryUsage()
    t = performance.now()
    let idx = await LabelIndex.load(store)
    const loadS = (performance.now() - t) / 1000
    gc()
    const after = process.memoryUsage()
    let hits = 0
    t = performance.now()
    for (let i = 0; i < 1_000_000; i++) hits += idx.lookup(i & 1 ? probe : RONIN).length
    const lookupNs = ((performance.now() - t) * 1e6) / 1_000_000
    const mem = {
      labels: idx.size,
      'load s': loadS.toFixed(2),
      'heap MB': mb(after.heapUsed - before.heapUsed),
      'rss MB': mb(after.rss - before.rss),
      'bytes/label': Math.round((after.heapUsed - before.heapUsed) / idx.size),
      'lookup ns': lookupNs.toFixed(0),
      hits,
    }
    store.close()
    idx = null // release the in-process copy before the load runs
    gc()

    // 3. trivial node:http server (the ceiling), in its own process
    const trivialPort = await freePort()
    const trivial = spawn(
      process.execPath,
      [
        '-e',
        `require('node:http').createServer((q,s)=>{s.writeHead(200,{'content-type':'application/json'});s.end('{"identifications":[]}')}).listen(${trivialPort},'127.0.0.1',()=>console.error('ready'))`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    await new Promise((r) => trivial.stderr.once('data', r))
    // 4. hound serve on the same store
    const port = await freePort()
    const serveNodeOptions = strArg('serve-node-options', '')
    const serve = spawn(
      process.execPath,
      [
        ...serveNodeOptions.split(' ').filter(Boolean),
        join(root, 'dist/cli/main.js'),
        '--db',
        db,
        'serve',
        '--port',
        String(port),
        '--no-record',
        ...(process.argv.includes('--with-taxii') ? [] : ['--no-taxii']),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    const up = await waitForServe(serve)
    const headers = { 'x-api-key': key }
    const json = { ...headers, 'content-type': 'application/json' }
    const results = []
    try {
      const tURL = `http://127.0.0.1:${trivialPort}/api/v1/address/${RONIN}`
      const hURL = `${up.url}/api/v1/address/${RONIN}`
      const trm = { url: `${up.url}/public/v1/sanctions/screening`, method: 'POST', headers: json }
      const screen = { url: `${up.url}/v1/screen`, method: 'POST', headers: json }
      const trmBody = JSON.stringify([{ address: RONIN }])
      const screenBody = JSON.stringify({ address: probe })
      // warm-up (JIT) of every route and of the trivial server
      await cannon({ url: hURL, headers, duration: 2 })
      await cannon({ ...trm, body: trmBody, duration: 1 })
      await cannon({ ...screen, body: screenBody, duration: 1 })
      await cannon({ url: tURL, duration: 2 })
      const at = { overallRate: 2000 }
      results.push(row('trivial node:http @2000/s', await cannon({ url: tURL, ...at })))
      results.push(row('hound GET facade @2000/s', await cannon({ url: hURL, headers, ...at })))
      results.push(row('hound TRM POST (1 addr) @2000/s', await cannon({ ...trm, body: trmBody, ...at })))
      results.push(row('hound POST /v1/screen (1 addr) @2000/s', await cannon({ ...screen, body: screenBody, ...at })))
      results.push(
        row(
          'hound POST /v1/screen, 50k distinct addrs @2000/s',
          await cannon({ ...screen, distinct: { count: 50_000, of: N_LABELS }, ...at }),
        ),
      )
      results.push(row('trivial node:http @2000/s (again)', await cannon({ url: tURL, ...at })))
      results.push(row('trivial node:http max', await cannon({ url: tURL })))
      results.push(row('hound GET facade max', await cannon({ url: hURL, headers })))
      results.push(row('hound POST /v1/screen max', await cannon({ ...screen, body: screenBody })))
    } finally {
      serve.kill('SIGTERM')
      trivial.kill('SIGTERM')
    }
    const rate = (name) => results.find((r) => r.name === name)['req/s']
    const maxT = rate('trivial node:http max')
    console.log(
      `store: OFAC import ${ofacS.toFixed(1)} s, ${N_LABELS} labels inserted in ${insertS.toFixed(1)} s; serve warm in ${up.warm} s`,
    )
    console.log(up.line)
    if (serveNodeOptions) console.log(`hound serve node options: ${serveNodeOptions}`)
    console.log('\nwarm state memory (LabelIndex):')
    console.table([mem])
    console.log(
      `\nload: ${DURATION} s per run, 20 connections, loopback, autocannon in its own process; load avg = 1-min load average before→after the run (${cpus().length} cores)`,
    )
    console.table(results)
    console.log(
      `\nmax-rate ratio hound/trivial: GET facade ${(rate('hound GET facade max') / maxT).toFixed(2)}, POST /v1/screen ${(rate('hound POST /v1/screen max') / maxT).toFixed(2)}`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

;(process.argv[2] === '--cannon' ? runCannon(process.argv[3]) : main()).catch((e) => {
  console.error(e)
  process.exitCode = 1
})

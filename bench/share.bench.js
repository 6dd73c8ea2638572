// Sharing benchmark: STIX export and import of N indicators (streamed; each phase in its own process so its peak
// RSS is its own), TAXII object paging throughput (one client, pages of 5,000), and the PSI cost (|X| × |Y|).
//
// Run after `npm run build`:
//   node bench/share.bench.js [--sizes 100000,1000000] [--taxii 100000] [--psi 2000] [--skip lines,layout,taxii,psi]
// Every phase is a child process reporting its wall time, CPU time (user + system, all threads) and peak RSS; the
// import runs twice per size: our line format and the same bundle as one JSON line (both read by the streaming
// tokenizer, src/share/BundleTokenizer.ts), to show memory does not grow with the bundle in either layout.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : def
}
const self = fileURLToPath(import.meta.url)
const phase = process.argv[2]

const evm = () => `0x${randomBytes(20).toString('hex')}`
const report = (o) => {
  const ru = process.resourceUsage()
  process.stdout.write(
    `${JSON.stringify({ ...o, cpuSeconds: (ru.userCPUTime + ru.systemCPUTime) / 1e6, peakRssMiB: Math.round(ru.maxRSS / 1024) })}\n`,
  )
}

/** Rewrite our line-format bundle as one JSON line (`{"objects":[…],"type":"bundle","id":…}`), streamed. */
async function relayout(src, dst) {
  const { createReadStream, createWriteStream } = await import('node:fs')
  const { createInterface } = await import('node:readline')
  const { finished } = await import('node:stream/promises')
  const w = createWriteStream(dst)
  let id = null
  let first = true
  for await (const line of createInterface({ input: createReadStream(src), crlfDelay: Number.POSITIVE_INFINITY })) {
    if (id === null) {
      id = /"id":"([^"]+)"/.exec(line)[1]
      if (!w.write('{"objects":[')) await new Promise((r) => w.once('drain', r))
      continue
    }
    if (line === ']}' || line === '') continue
    const o = line.endsWith(',') ? line.slice(0, -1) : line
    if (!w.write(first ? o : `, ${o}`)) await new Promise((r) => w.once('drain', r))
    first = false
  }
  w.end(`],"type":"bundle","id":"${id}"}`)
  await finished(w)
}

async function seed(db, n) {
  const { insertLabels } = await import('../dist/intel/labels.js')
  const { HoundStore } = await import('../dist/store/HoundStore.js')
  const s = await HoundStore.open(db)
  const t = performance.now()
  for (let i = 0; i < n; i += 100_000) {
    const batch = []
    for (let j = i; j < Math.min(n, i + 100_000); j++)
      batch.push({
        chain: 'evm-1',
        address: evm(),
        category: 'stolen_funds',
        entity: `case ${j % 1000}`,
        source: `bench-${Math.floor(j / 100_000)}`,
        confidence: 'forensic_investigation',
        tlp: j % 10 === 0 ? 'green' : 'amber',
        validFrom: '2024-02-29',
        amount: String(j),
      })
    await insertLabels(s, batch)
  }
  s.close()
  report({ phase: 'seed', labels: n, seconds: (performance.now() - t) / 1000 })
}

async function exportPhase(db, out) {
  const { createWriteStream } = await import('node:fs')
  const { finished } = await import('node:stream/promises')
  const { stixBundleLines } = await import('../dist/share/exportStix.js')
  const { HoundStore } = await import('../dist/store/HoundStore.js')
  const s = await HoundStore.open(db)
  const t = performance.now()
  const stats = { objects: 0, indicators: 0, wallets: 0, incidents: 0 }
  const w = createWriteStream(out)
  for await (const x of stixBundleLines(s, { institution: 'Bench', maxTlp: 'amber' }, stats))
    if (!w.write(x)) await new Promise((r) => w.once('drain', r))
  w.end()
  await finished(w)
  const sec = (performance.now() - t) / 1000
  s.close()
  report({
    phase: 'export',
    ...stats,
    seconds: sec,
    indicatorsPerSec: Math.round(stats.indicators / sec),
    bytes: statSync(out).size,
  })
}

async function importPhase(db, file) {
  const { importStixFile } = await import('../dist/share/importStix.js')
  const { HoundStore } = await import('../dist/store/HoundStore.js')
  const s = await HoundStore.open(db)
  const t = performance.now()
  const mem = Number(process.env.IMPORT_MEMORY_MIB ?? 0)
  const r = await importStixFile(s, file, mem ? { memoryLimitMiB: mem } : {})
  const sec = (performance.now() - t) / 1000
  s.close()
  report({
    phase: 'import',
    objects: r.objects,
    labelsAdded: r.labelsAdded,
    skipped: r.skippedCount,
    seconds: sec,
    indicatorsPerSec: Math.round(r.indicators / sec),
  })
}

async function taxiiPhase(db) {
  const { TaxiiCollections, COLLECTIONS } = await import('../dist/share/TaxiiCollections.js')
  const { taxiiStorePath } = await import('../dist/share/serveTaxii.js')
  const { taxiiRoutes } = await import('../dist/share/taxiiRoutes.js')
  const { TaxiiClient } = await import('../dist/share/TaxiiClient.js')
  const { createApp, defaultRouteModules } = await import('../dist/server/createApp.js')
  const { startServer } = await import('../dist/server/startServer.js')
  const { ApiKeyRegistry, createApiKey } = await import('../dist/server/apiKeys.js')
  const { LabelIndex } = await import('../dist/intel/LabelIndex.js')
  const { Screener } = await import('../dist/risk/Screener.js')
  const { HoundStore } = await import('../dist/store/HoundStore.js')
  const s = await HoundStore.open(db)
  const { key } = await createApiKey(s, { name: 'Peer', maxTlp: 'amber', ratePerSec: 1e6 })
  const tl = performance.now()
  // store-backed collections (as hound serve keeps them: a DuckDB file beside the store)
  const col = await TaxiiCollections.open(taxiiStorePath(db))
  await col.load(s, 'Bench')
  const loadSec = (performance.now() - tl) / 1000
  const loadRssMiB = Math.round(process.resourceUsage().maxRSS / 1024)
  // an empty screener: this phase measures the TAXII collections, not the screening index
  const empty = await HoundStore.open(':memory:')
  const { app } = createApp({
    screener: new Screener({ index: await LabelIndex.load(empty) }),
    keys: await ApiKeyRegistry.load(s),
    modules: [...defaultRouteModules, taxiiRoutes({ collections: col })],
  })
  s.close()
  empty.close()
  const srv = await startServer(app, { port: 0 })
  const c = new TaxiiClient(`${srv.url}/taxii2/`, 'Peer', key)
  const [root] = await c.apiRoots()
  const amber = COLLECTIONS.find((x) => x.alias === 'intel-amber').id
  const t = performance.now()
  let n = 0
  let pages = 0
  for await (const p of c.pages(root, amber, { limit: 5000 })) {
    n += p.objects.length
    pages++
  }
  const sec = (performance.now() - t) / 1000
  await srv.close()
  col.close()
  report({
    phase: 'taxii',
    objects: n,
    pages,
    loadSeconds: loadSec,
    loadRssMiB,
    seconds: sec,
    objectsPerSec: Math.round(n / sec),
  })
}

async function psiPhase(nx, ny) {
  const { PsiClient, PsiServerSession } = await import('../dist/share/psi.js')
  const X = Array.from({ length: nx }, evm)
  const Y = [...X.slice(0, Math.floor(nx / 10)), ...Array.from({ length: ny - Math.floor(nx / 10) }, evm)]
  const c = new PsiClient(X)
  const s = new PsiServerSession()
  let t = performance.now()
  const blinded = c.blind()
  const tBlind = (performance.now() - t) / 1000
  t = performance.now()
  const ev = s.evaluate(blinded)
  const tEval = (performance.now() - t) / 1000
  t = performance.now()
  const tags = s.tags(Y)
  const tTags = (performance.now() - t) / 1000
  t = performance.now()
  const m = c.intersect(ev, new Set(tags))
  const tInter = (performance.now() - t) / 1000
  report({
    phase: 'psi',
    X: nx,
    Y: ny,
    matches: m.length,
    clientBlindS: tBlind,
    serverEvalS: tEval,
    serverTagsS: tTags,
    clientUnblindS: tInter,
    totalS: tBlind + tEval + tTags + tInter,
    upBytes: 32 * nx,
    downBytes: 32 * nx + 16 * ny,
  })
}

if (phase === 'seed') await seed(process.argv[3], Number(process.argv[4]))
else if (phase === 'export') await exportPhase(process.argv[3], process.argv[4])
else if (phase === 'import') await importPhase(process.argv[3], process.argv[4])
else if (phase === 'taxii') await taxiiPhase(process.argv[3])
else if (phase === 'psi') await psiPhase(Number(process.argv[3]), Number(process.argv[4]))
else if (phase === 'relayout') await relayout(process.argv[3], process.argv[4])
else {
  const sizesArg = process.argv.indexOf('--sizes')
  const sizes = sizesArg > 0 ? process.argv[sizesArg + 1].split(',').map(Number) : [arg('labels', 1_000_000)]
  const skipArg = process.argv.indexOf('--skip')
  const skip = new Set(skipArg > 0 ? process.argv[skipArg + 1].split(',') : [])
  const NT = arg('taxii', 100_000)
  const NP = arg('psi', 2000)
  const dir = mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), 'hound-share-bench-'))
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')
  const run = (...a) => {
    const t = performance.now()
    const out = execFileSync(process.execPath, [self, ...a], { encoding: 'utf8', maxBuffer: 1 << 20 })
    const line = out.trim().split('\n').pop()
    const r = line ? JSON.parse(line) : {}
    r.wallSeconds = (performance.now() - t) / 1000
    r.load = load()
    process.stderr.write(`${JSON.stringify(r)}\n`)
    return r
  }
  const rows = []
  const row = (what, size, r, count, unit) =>
    rows.push({
      phase: what,
      size,
      'wall s': +r.seconds.toFixed(1),
      'cpu s': +r.cpuSeconds.toFixed(1),
      [`${unit}/s`]: Math.round(count / r.seconds),
      [`${unit}/cpu-s`]: Math.round(count / r.cpuSeconds),
      'peak RSS MiB': r.peakRssMiB,
      'load 1/5/15': r.load,
    })
  try {
    for (const N of sizes) {
      const a = join(dir, `a${N}.duckdb`)
      const f = join(dir, `a${N}.json`)
      const s = run('seed', a, String(N))
      row('seed (insertLabels)', N, s, N, 'labels')
      const e = run('export', a, f)
      row(`STIX export, ${(e.bytes / 2 ** 30).toFixed(2)} GiB`, N, e, e.indicators, 'indicators')
      rmSync(a, { force: true })
      if (!skip.has('lines')) {
        const i = run('import', join(dir, `b${N}.duckdb`), f)
        row('STIX import, line format', N, i, N, 'indicators')
        rmSync(join(dir, `b${N}.duckdb`), { force: true })
      }
      if (!skip.has('layout')) {
        const g = join(dir, `a${N}.one-line.json`)
        run('relayout', f, g)
        rmSync(f, { force: true })
        const j = run('import', join(dir, `c${N}.duckdb`), g)
        row('STIX import, one JSON line (tokenizer)', N, j, N, 'indicators')
        rmSync(g, { force: true })
        rmSync(join(dir, `c${N}.duckdb`), { force: true })
      }
      rmSync(f, { force: true })
    }
    if (!skip.has('taxii')) {
      run('seed', join(dir, 't.duckdb'), String(NT))
      const t = run('taxii', join(dir, 't.duckdb'))
      rows.push({
        phase: `TAXII load (store-backed, ${t.objects} objects)`,
        size: NT,
        'wall s': +t.loadSeconds.toFixed(1),
        'peak RSS MiB': t.loadRssMiB,
        'load 1/5/15': t.load,
      })
      rows.push({
        phase: 'TAXII paging, 1 client, limit=5000',
        size: t.objects,
        'wall s': +t.seconds.toFixed(1),
        'objects/s': t.objectsPerSec,
        'peak RSS MiB': t.peakRssMiB,
        'load 1/5/15': t.load,
      })
    }
    if (!skip.has('psi')) {
      const p = run('psi', String(NP), String(NP))
      rows.push({
        phase: `PSI ${NP} × ${NP} (${p.matches} matches)`,
        size: NP,
        'wall s': +p.totalS.toFixed(1),
        'cpu s': +p.cpuSeconds.toFixed(1),
        'peak RSS MiB': p.peakRssMiB,
        'load 1/5/15': p.load,
      })
    }
    console.table(rows)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

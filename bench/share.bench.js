// Sharing benchmark: STIX export and import of N indicators (streamed; each phase in its own process so its peak
// RSS is its own), TAXII object paging throughput (one client, pages of 5,000), and the PSI cost (|X| × |Y|).
//
// Run after `npm run build`: node bench/share.bench.js [--labels 1000000] [--taxii 100000] [--psi 10000]
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
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
  process.stdout.write(`${JSON.stringify({ ...o, peakRssMiB: Math.round(ru.maxRSS / 1024) })}\n`)
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
  const r = await importStixFile(s, file)
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
  const col = await TaxiiCollections.open(`${db}.taxii`)
  await col.load(s, 'Bench')
  const loadSec = (performance.now() - tl) / 1000
  const loadRssMiB = Math.round(process.resourceUsage().maxRSS / 1024)
  const { app } = createApp({
    screener: new Screener({ index: await LabelIndex.load(s) }),
    keys: await ApiKeyRegistry.load(s),
    modules: [...defaultRouteModules, taxiiRoutes({ collections: col })],
  })
  s.close()
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
else {
  const N = arg('labels', 1_000_000)
  const NT = arg('taxii', 100_000)
  const NP = arg('psi', 10_000)
  const dir = mkdtempSync(join(tmpdir(), 'hound-share-bench-'))
  const run = (...a) => {
    const out = execFileSync(process.execPath, [self, ...a], { encoding: 'utf8', maxBuffer: 1 << 20 })
    const r = JSON.parse(out.trim().split('\n').pop())
    console.log(r)
    return r
  }
  try {
    const rows = []
    run('seed', join(dir, 'a.duckdb'), String(N))
    rows.push(run('export', join(dir, 'a.duckdb'), join(dir, 'a.json')))
    rows.push(run('import', join(dir, 'b.duckdb'), join(dir, 'a.json')))
    run('seed', join(dir, 't.duckdb'), String(NT))
    rows.push(run('taxii', join(dir, 't.duckdb')))
    rows.push(run('psi', String(NP), String(NP)))
    console.table(rows)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

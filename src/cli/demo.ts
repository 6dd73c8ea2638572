/**
 * `hound demo` — the main job (`npm start`): a whole investigation on the embedded default, no server needed.
 *
 * 1. simulate the demo chain (known truth, DPRK-style incidents) into DIR/chain,
 * 2. ingest it into a fresh embedded store DIR/demo.duckdb,
 * 3. import what an investigator would know about services (DIR/chain/truth/labels.jsonl),
 * 4. cluster addresses (multi-input with CoinJoin exclusion),
 * 5. trace the first incident's theft that no CoinJoin touches under every policy, stopping at services,
 * 6. print the cash-out table (service × policy) and write the case report to DIR/report.
 * @module
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { StepFailedError } from '../core/errors.js'
import { HoundStore } from '../store/HoundStore.js'
import { loadTraceContext } from '../trace/loadTraceContext.js'
import { cashOutByEntity } from '../trace/report/cashOutRows.js'
import { writeReport } from '../trace/report/writeReport.js'
import { policyResults, runTrace } from '../trace/runTrace.js'
import { formatBtc, formatTable, printJson, toJson } from './context.js'

type DemoOpts = { out: string; seed: string; scale: string; json?: boolean; quiet?: boolean }

type IncidentTruth = {
  incident: string
  name: string
  victim: string
  stolenOutputs: string[]
  stolenAmount: number
  coinjoin: boolean
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('Run the demo investigation: simulate, ingest, cluster, trace a theft under every policy, report')
    .option('--out <dir>', 'working directory for the chain, the store and the report', 'hound-demo')
    .option('--seed <seed>', 'simulator seed (same seed, same chain)', '7')
    .option('--scale <name>', 'simulator scale: demo, small, medium, large', 'demo')
    .option('--json', 'print a JSON summary instead of tables')
    .option('--quiet', 'no progress output')
    .addHelpText('after', '\nExamples:\n  hound demo\n  hound demo --out /tmp/case --seed 11\n')
    .action(async (_o: unknown, c: Command) => {
      await runDemo(c.optsWithGlobals() as DemoOpts)
    })
}

/** Run one CLI command in-process; its output goes to the terminal as usual. */
async function step(title: string, argv: string[], o: DemoOpts): Promise<void> {
  if (!o.json) process.stdout.write(`\n== ${title}\n`)
  const { main } = await import('./main.js')
  const mute = o.json ? muteStdout() : null
  let code: number
  try {
    code = await main(argv)
  } finally {
    mute?.()
  }
  if (code !== 0) throw new StepFailedError(`demo step '${title}' failed (exit ${code})`)
}

/** In --json mode only the final summary goes to stdout. */
function muteStdout(): () => void {
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = (() => true) as typeof process.stdout.write
  return () => {
    process.stdout.write = write
  }
}

export async function runDemo(o: DemoOpts): Promise<void> {
  const started = Date.now()
  const dir = resolve(o.out)
  const chain = join(dir, 'chain')
  const db = join(dir, 'demo.duckdb')
  const reportDir = join(dir, 'report')
  const quiet = o.quiet || o.json ? ['--quiet'] : []
  rmSync(chain, { recursive: true, force: true })
  rmSync(db, { force: true })
  rmSync(`${db}.wal`, { force: true })

  await step(
    `1/5 simulate the ${o.scale} chain (seed ${o.seed})`,
    ['sim', '--scale', o.scale, '--seed', o.seed, '--out', chain, ...quiet],
    o,
  )
  await step('2/5 ingest it into the embedded store', ['ingest', 'btc', '--blocks', chain, '--db', db, ...quiet], o)
  await step(
    '3/5 import what investigators know about services',
    ['intel', 'import', 'labels', join(chain, 'truth', 'labels.jsonl'), '--db', db],
    o,
  )
  await step('4/5 cluster addresses (multi-input, CoinJoins excluded)', ['cluster', '--db', db, ...quiet], o)

  const incidents = readFileSync(join(chain, 'truth', 'incidents.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as IncidentTruth)
  const incident = incidents.find((i) => !i.coinjoin) ?? incidents[0]
  if (!incident) throw new StepFailedError('the simulated chain has no incident to trace')

  const store = await HoundStore.open(db)
  try {
    const ctx = await loadTraceContext(store)
    const result = runTrace(ctx.graph, {
      seeds: incident.stolenOutputs.map((s) => `${s}@${incident.incident}`),
      policy: 'all',
      direction: 'forward',
      maxHops: 1000,
      stopAtServices: true,
      coinjoin: 'stop',
      labels: ctx.labels,
      ...(ctx.clusterOf ? { clusterOf: ctx.clusterOf } : {}),
      ...(ctx.clusterMembers ? { clusterMembers: ctx.clusterMembers } : {}),
      detectCoinJoin: ctx.detectCoinJoin,
      coverage: ctx.coverage,
      dataVersion: ctx.dataVersion,
    })
    const files = writeReport(result, reportDir, { title: `${incident.name} (${incident.incident}), demo chain` })
    const perPolicy = policyResults(result)
    const entities = new Map<string, { category: string; amounts: Record<string, number> }>()
    for (const r of perPolicy) {
      for (const row of cashOutByEntity(r)) {
        const e = entities.get(row.entity) ?? { category: row.category, amounts: {} }
        e.amounts[r.policy] = (e.amounts[r.policy] ?? 0) + row.amount
        entities.set(row.entity, e)
      }
    }
    const policies = perPolicy.map((r) => r.policy)
    const rows = [...entities.entries()]
      .map(([entity, e]) => ({ entity, category: e.category, amounts: e.amounts }))
      .sort((a, b) => (b.amounts.haircut ?? 0) - (a.amounts.haircut ?? 0))
    const summary = {
      incident: { id: incident.incident, name: incident.name, victim: incident.victim, stolen: incident.stolenAmount },
      seeds: incident.stolenOutputs,
      cashOut: rows,
      report: join(reportDir, 'index.html'),
      files,
      store: db,
      seconds: (Date.now() - started) / 1000,
    }
    if (o.json) {
      printJson(JSON.parse(toJson(summary)))
      return
    }
    process.stdout.write(
      `\n== 5/5 trace ${incident.incident} "${incident.name}": ${formatBtc(incident.stolenAmount)} BTC stolen from ${incident.victim} ` +
        `in ${incident.stolenOutputs.length} outputs, forward under every policy, stopping at services\n\n`,
    )
    process.stdout.write(
      `${formatTable(
        ['service', 'category', ...policies.map((p) => `${p} (BTC)`)],
        rows.map((r) => [r.entity, r.category, ...policies.map((p) => formatBtc(r.amounts[p] ?? 0))]),
      )}\n`,
    )
    const totals = perPolicy.map(
      (r) => `${r.policy} ${formatBtc(cashOutByEntity(r).reduce((s, e) => s + e.amount, 0))}`,
    )
    process.stdout.write(`\ncashed out to services: ${totals.join(', ')} BTC\n`)
    process.stdout.write(`\ncase report: ${summary.report}\n`)
    process.stdout.write(`(also ${files.filter((f) => !f.endsWith('index.html')).join(', ')})\n`)
    process.stdout.write(`store: ${db}  —  try: hound stats --db ${db}\n`)
    process.stdout.write(`done in ${summary.seconds.toFixed(1)} s\n`)
  } finally {
    store.close()
  }
  if (!existsSync(join(reportDir, 'index.html'))) throw new StepFailedError(`report not written to ${reportDir}`)
}

/**
 * `hound cluster`: build (or incrementally extend) address clusters from the store and store them; subcommands
 * `show`, `why`, `at`, `diff`, `runs` query stored runs (clusterSubcommands.ts). See docs/commands/cluster.md.
 * @module
 */
import type { Command } from 'commander'
import type { ChangeHeuristic } from '../cluster/change/combineChangeVotes.js'
import { changeHeuristics } from '../cluster/change/combineChangeVotes.js'
import { type ClusterParameters, clusteringLoadOptions } from '../cluster/clusterGraph.js'
import { UsageError } from '../core/errors.js'
import { loadUtxoGraph } from '../graph/loadUtxoGraph.js'
import { loadServiceLabels } from '../intel/loadServiceLabels.js'
import { updateClusterRun } from '../store/clusterUpdateRun.js'
import { HoundStore } from '../store/HoundStore.js'
import { registerClusterSubcommands } from './clusterSubcommands.js'
import { dbPath, formatTable, printJson } from './context.js'
import { Progress } from './progress.js'

type BuildOpts = {
  db?: string
  heuristics: string
  changeHeuristics?: string
  threshold?: string
  toHeight?: string
  maxMergeSize?: string
  changeHorizon?: string
  rebuild?: boolean
  labels: boolean
  json?: boolean
  quiet?: boolean
}

export function intArg(name: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
    throw new UsageError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`, { details: { flag: name } })
  }
  return Number(v)
}

/** Parse --heuristics / --change-heuristics / --threshold / --max-merge-size / --change-horizon. */
export function clusterParamsFromOptions(o: {
  heuristics?: string
  changeHeuristics?: string
  threshold?: string
  maxMergeSize?: string
  changeHorizon?: string
}): ClusterParameters {
  const hs = (o.heuristics ?? 'multi-input')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const h of hs) {
    if (h !== 'multi-input' && h !== 'change') {
      throw new UsageError(`--heuristics: unknown heuristic ${JSON.stringify(h)} (multi-input, change)`)
    }
  }
  if (hs.length === 0) throw new UsageError('--heuristics: give at least one of multi-input, change')
  const p: ClusterParameters = { multiInput: hs.includes('multi-input'), change: hs.includes('change') }
  if (o.changeHeuristics !== undefined) {
    const cs = o.changeHeuristics.split(',').map((s) => s.trim().toLowerCase())
    for (const c of cs) {
      if (!(changeHeuristics as readonly string[]).includes(c)) {
        throw new UsageError(`--change-heuristics: unknown voter ${JSON.stringify(c)} (c1…c9)`)
      }
    }
    p.changeHeuristics = cs as ChangeHeuristic[]
  }
  if (o.threshold !== undefined) {
    const t = Number(o.threshold)
    if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(o.threshold) || !(t > 0 && t <= 1)) {
      throw new UsageError(`--threshold must be a probability in (0, 1], got ${JSON.stringify(o.threshold)}`)
    }
    p.threshold = t
  }
  const m = intArg('--max-merge-size', o.maxMergeSize, 1)
  if (m !== undefined) p.maxMergeSize = m
  const h = intArg('--change-horizon', o.changeHorizon)
  if (h !== undefined) p.changeHorizon = h
  return p
}

export function register(program: Command): void {
  const cmd = program
    .command('cluster')
    .description('Cluster addresses (multi-input, change heuristics) and store the run; subcommands query runs')
    .option('--heuristics <list>', 'comma list of multi-input,change', 'multi-input')
    .option('--change-heuristics <list>', 'change voters to use, e.g. c2,c3,c4,c5 (default all c1…c9)')
    .option('--threshold <p>', 'minimum combined change probability for a change link (default 0.99)')
    .option('--to-height <h>', 'cluster decisions up to this height (default: the store tip)')
    .option('--max-merge-size <n>', 'size guard: hold back merges of two clusters both larger than n (default 10000)')
    .option('--change-horizon <n>', 'blocks a change decision waits for spending evidence (default 144)')
    .option('--rebuild', 'discard the stored run with these parameters and rebuild it')
    .option('--no-labels', 'ignore intel labels (no cannot-link constraints)')
    .option('--json', 'print a JSON summary')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nExamples:\n  hound cluster\n  hound cluster --heuristics multi-input,change --threshold 0.99\n  hound cluster show bc1q...\n  hound cluster why <addrA> <addrB>\n',
    )
    .action(async (_o: unknown, c: Command) => {
      const o = c.optsWithGlobals() as BuildOpts
      const params = clusterParamsFromOptions(o)
      const toHeight = intArg('--to-height', o.toHeight)
      const store = await HoundStore.open(dbPath(o))
      try {
        const t0 = Date.now()
        const g = await loadUtxoGraph(store, { ...clusteringLoadOptions, toHeight })
        const loadMs = Date.now() - t0
        const labels = o.labels ? await loadServiceLabels(store) : undefined
        // graph tx 0 is the first stored transaction (the graph is loaded from the first stored block)
        const first = await store.one<{ t0: number | null }>('SELECT min(first_tx_id)::DOUBLE AS t0 FROM blocks')
        const progress = new Progress({ label: 'cluster', unit: 'txs', total: g.txCount, quiet: o.quiet || o.json })
        const t1 = Date.now()
        const r = await updateClusterRun(store, g, {
          params,
          ...(toHeight === undefined ? {} : { toHeight }),
          ...(labels ? { labels } : {}),
          rebuild: o.rebuild === true,
          txIdOffset: first?.t0 ?? 0,
          onProgress: (done) => progress.update(done),
        })
        progress.update(g.txCount)
        progress.finish()
        const summary = {
          runId: r.run.runId,
          action: r.action,
          fromHeight: r.fromHeight,
          toHeight: r.run.toHeight,
          params: r.run.params,
          addresses: r.run.addresses,
          clusters: r.run.clusters,
          largestCluster: r.run.largest,
          evidence: r.run.evidence,
          newEvidence: r.newEvidence,
          heldBackBySize: r.run.heldBack,
          blockedByCannotLink: r.run.blocked,
          stats: r.stats,
          labels: labels?.size ?? 0,
          seconds: { load: loadMs / 1000, clusterAndStore: (Date.now() - t1) / 1000 },
        }
        if (o.json) printJson(summary)
        else {
          process.stdout.write(
            `${formatTable(
              ['run', 'action', 'to height', 'addresses', 'clusters', 'largest', 'evidence', 'held back', 'blocked'],
              [
                [
                  summary.runId,
                  summary.action,
                  summary.toHeight,
                  summary.addresses,
                  summary.clusters,
                  summary.largestCluster,
                  summary.evidence,
                  summary.heldBackBySize,
                  summary.blockedByCannotLink,
                ],
              ],
            )}\n`,
          )
        }
      } finally {
        store.close()
      }
    })
  registerClusterSubcommands(cmd)
}

/**
 * `hound eval clustering --truth DIR`: score clustering against the simulator's ground truth — per heuristic
 * precision/coverage and, for multi-input alone and multi-input + change, pairwise precision/recall, entity-level
 * recall (per true entity: share of its addresses in its largest cluster, its pairwise recall, fully recovered —
 * macro averages, overall and per entity type), largest cluster and wrong merges. Runs in memory on the store's graph (nothing is written to the store); `--doc FILE`
 * writes the markdown report into FILE between `<!-- clustering-eval:start -->` / `<!-- clustering-eval:end -->`.
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { clusterGraph, resolveClusterParameters } from '../cluster/clusterGraph.js'
import { type ClusteringEvaluation, evaluateClustering } from '../cluster/evaluateClustering.js'
import { formatClusteringEvaluation } from '../cluster/formatClusteringEvaluation.js'
import { readClusteringTruth } from '../cluster/readClusteringTruth.js'
import { loadUtxoGraph } from '../graph/loadUtxoGraph.js'
import { loadServiceLabels } from '../intel/loadServiceLabels.js'
import { clusterParamsFromOptions, intArg } from './cluster.js'
import { printJson } from './context.js'
import { openReadStoreOrFail } from './openReadStore.js'

type Opts = {
  db?: string
  truth: string
  threshold?: string
  changeHorizon?: string
  maxMergeSize?: string
  toHeight?: string
  doc?: string
  json?: boolean
}

export const EVAL_START = '<!-- clustering-eval:start -->'
export const EVAL_END = '<!-- clustering-eval:end -->'

/** Replace (or append) the marked clustering section of a markdown file. */
export function writeEvalSection(file: string, markdown: string): void {
  const block = `${EVAL_START}\n${markdown.trim()}\n${EVAL_END}`
  const old = existsSync(file) ? readFileSync(file, 'utf8') : ''
  const a = old.indexOf(EVAL_START)
  const b = old.indexOf(EVAL_END)
  const next =
    a >= 0 && b > a ? `${old.slice(0, a)}${block}${old.slice(b + EVAL_END.length)}` : `${old.trimEnd()}\n\n${block}\n`
  writeFileSync(file, next.startsWith('\n') ? next.trimStart() : next)
}

/** The `eval` parent command, shared with other `eval <what>` subcommands. */
export function evalCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'eval') ??
    program.command('eval').description('Score algorithms against ground truth (simulator output)')
  )
}

export function register(program: Command): void {
  evalCommand(program)
    .command('clustering')
    .description('Precision/coverage per heuristic; pairwise and entity-level recall, largest cluster, wrong merges')
    .requiredOption('--truth <dir>', 'simulator output directory (with truth/addresses.jsonl, change.jsonl, …)')
    .option('--threshold <p>', 'change probability threshold (default 0.99)')
    .option('--change-horizon <n>', 'blocks a change decision waits for spending evidence (default 144)')
    .option('--max-merge-size <n>', 'size guard (default 10000)')
    .option('--to-height <h>', 'evaluate the chain up to this height')
    .option('--doc <file>', 'also write the markdown report into this file (marked section), e.g. docs/accuracy.md')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, c: Command) => {
      const o = c.optsWithGlobals() as Opts
      const change = clusterParamsFromOptions({ ...o, heuristics: 'multi-input,change' })
      const toHeight = intArg('--to-height', o.toHeight)
      const store = await openReadStoreOrFail(o)
      let result: {
        params: ReturnType<typeof resolveClusterParameters>
        multiInput: ClusteringEvaluation
        withChange: ClusteringEvaluation
        truth: object
      }
      try {
        const g = await loadUtxoGraph(store, toHeight === undefined ? {} : { toHeight })
        const truth = await readClusteringTruth(o.truth, g)
        let labels: Awaited<ReturnType<typeof loadServiceLabels>> | undefined
        try {
          labels = await loadServiceLabels(store)
        } catch {
          labels = undefined
        }
        const params = resolveClusterParameters(change)
        const lab = labels && labels.size > 0 ? { labels } : {}
        const ev = { threshold: params.threshold, changeHorizon: params.changeHorizon }
        const mi = evaluateClustering(g, clusterGraph(g, { ...params, change: false, ...lab }), truth, ev)
        const both = evaluateClustering(g, clusterGraph(g, { ...params, ...lab }), truth, ev)
        result = {
          params,
          multiInput: mi,
          withChange: both,
          truth: {
            dir: o.truth,
            txs: g.txCount,
            addresses: g.addressCount,
            entities: truth.entities.length,
            skipped: truth.skipped,
          },
        }
      } finally {
        store.close()
      }
      const md = formatClusteringEvaluation(result)
      if (o.doc) writeEvalSection(o.doc, md)
      if (o.json) printJson(result)
      else process.stdout.write(`${md}\n`)
    })
}

/**
 * `hound eval detectors --truth DIR`: run the detectors on the stored chain (a simulator run, ingested, with its
 * labels imported and its memos scanned) and score them per kind against DIR/truth (readDetectorTruth): precision
 * and recall over all alerts and over alerts at or above `--confidence` (default 0.9), decoys flagged.
 * `--doc FILE` writes the markdown table into FILE between `<!-- detectors-eval:start -->` and
 * `<!-- detectors-eval:end -->` (docs/accuracy.md). Nothing is written to the store.
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { evaluateDetectors } from '../detect/evaluateDetectors.js'
import { formatDetectorEvaluation } from '../detect/formatDetectorEvaluation.js'
import { readDetectorTruth } from '../detect/readDetectorTruth.js'
import { runDetectors } from '../detect/runDetectors.js'
import { loadUtxoGraph } from '../graph/loadUtxoGraph.js'
import { loadServiceLabels } from '../intel/loadServiceLabels.js'
import { loadMemos } from '../store/detectMemos.js'
import { printJson } from './context.js'
import { parseConfidence } from './detect.js'
import { evalCommand } from './evalClustering.js'
import { openReadStoreOrFail } from './openReadStore.js'

type Opts = { db?: string; truth: string; confidence?: string; doc?: string; json?: boolean }

export const DETECT_EVAL_START = '<!-- detectors-eval:start -->'
export const DETECT_EVAL_END = '<!-- detectors-eval:end -->'

/** Replace (or append) the marked detectors section of a markdown file. */
export function writeDetectorsSection(file: string, markdown: string): void {
  const block = `${DETECT_EVAL_START}\n${markdown.trim()}\n${DETECT_EVAL_END}`
  const old = existsSync(file) ? readFileSync(file, 'utf8') : ''
  const a = old.indexOf(DETECT_EVAL_START)
  const b = old.indexOf(DETECT_EVAL_END)
  const next =
    a >= 0 && b > a
      ? `${old.slice(0, a)}${block}${old.slice(b + DETECT_EVAL_END.length)}`
      : `${old.trimEnd()}\n\n${block}\n`
  writeFileSync(file, next.startsWith('\n') ? next.trimStart() : next)
}

export function register(program: Command): void {
  evalCommand(program)
    .command('detectors')
    .description('Precision and recall per detector against simulator ground truth')
    .requiredOption('--truth <dir>', 'simulator output directory (with truth/*.jsonl)')
    .option('--confidence <p>', 'second operating point: alerts at or above this confidence (default 0.9)')
    .option('--doc <file>', 'also write the markdown table into this file (marked section), e.g. docs/accuracy.md')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, c: Command) => {
      const o = c.optsWithGlobals() as Opts
      const high = parseConfidence(o.confidence) ?? 0.9
      const store = await openReadStoreOrFail(o)
      let result: Parameters<typeof formatDetectorEvaluation>[0]
      try {
        const t0 = performance.now()
        const g = await loadUtxoGraph(store)
        const labels = await loadServiceLabels(store)
        const memos = await loadMemos(store, g)
        const alerts = runDetectors(g, { labels, memos })
        const seconds = Math.round(performance.now() - t0) / 1000
        const truth = readDetectorTruth(o.truth, g)
        const metaFile = join(o.truth, 'truth', 'meta.json')
        const meta = existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as Record<string, unknown>) : {}
        result = {
          run: { seed: meta.seed ?? null, scale: meta.scale ?? null, txs: g.txCount, labels: labels.size, seconds },
          highConfidence: high,
          all: evaluateDetectors(g, alerts, truth),
          high: evaluateDetectors(
            g,
            alerts.filter((a) => a.confidence >= high),
            truth,
          ),
        }
      } finally {
        store.close()
      }
      const md = formatDetectorEvaluation(result)
      if (o.doc) writeDetectorsSection(o.doc, md)
      if (o.json) printJson(result)
      else process.stdout.write(`${md}\n`)
    })
}

/**
 * `hound eval trace --truth DIR`: recall and precision of the cash-out endpoints and amounts per policy against the
 * simulator's ground truth, on the chain ingested in the store. See docs/commands/trace.md.
 * @module
 */
import type { Command } from 'commander'
import { UsageError } from '../core/errors.js'
import { evalTrace } from '../trace/eval/evalTrace.js'
import { labelsFromTruth } from '../trace/eval/labelsFromTruth.js'
import { readTruth } from '../trace/eval/readTruth.js'
import { type PolicyName, policyNames } from '../trace/kernel.js'
import { loadTraceContext } from '../trace/loadTraceContext.js'
import { formatTable, printJson } from './context.js'
import { openTraceStore, parseIntOption } from './trace.js'

type Opts = {
  db?: string
  truth: string
  policy: string
  maxHops: string
  minAmount: string
  labels: string
  coinjoin: string
  json?: boolean
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`

/** The `eval` parent command, shared with other evaluations (created once, whoever registers first). */
export function evalCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'eval') ??
    program.command('eval').description('Measure algorithms against ground truth (simulator output)')
  )
}

export function register(program: Command): void {
  evalCommand(program)
    .command('trace')
    .description('Recall and precision of traced cash-out points and amounts per policy against simulator truth')
    .requiredOption('--truth <dir>', 'simulator output directory (DIR/truth/*.jsonl)')
    .option('--policy <names>', `comma-separated policies (${policyNames.join(',')}) or all`, 'haircut,fifo,lifo,tiho')
    .option('--max-hops <n>', 'hop limit of every trace (peel chains are long)', '1000')
    .option('--min-amount <sats>', 'stop below this tainted amount', '10000')
    .option('--labels <source>', 'service labels: truth (labels.jsonl) or store (imported intelligence)', 'truth')
    .option('--coinjoin <mode>', 'stop or spread', 'stop')
    .option('--json', 'print the JSON result')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Opts
      const policies = (o.policy === 'all' ? policyNames : o.policy.split(',').map((s) => s.trim())) as PolicyName[]
      for (const p of policies) if (!policyNames.includes(p)) throw new UsageError(`unknown policy ${p}`)
      if (o.labels !== 'truth' && o.labels !== 'store') throw new UsageError('--labels must be truth or store')
      if (o.coinjoin !== 'stop' && o.coinjoin !== 'spread') throw new UsageError('--coinjoin must be stop or spread')
      const truth = readTruth(o.truth)
      const store = await openTraceStore(o)
      try {
        const ctx = await loadTraceContext(store, { labels: o.labels === 'store' })
        const labels = o.labels === 'truth' ? labelsFromTruth(ctx.graph, truth.labels) : ctx.labels
        const r = evalTrace(ctx.graph, truth, {
          policies,
          maxHops: parseIntOption('--max-hops', o.maxHops)!,
          minAmount: parseIntOption('--min-amount', o.minAmount)!,
          stopAtServices: true,
          coinjoin: o.coinjoin,
          labels,
          detectCoinJoin: ctx.detectCoinJoin,
          coverage: ctx.coverage,
          ...(ctx.clusterOf ? { clusterOf: ctx.clusterOf } : {}),
        })
        if (o.json) return printJson({ ...r, graphLoadMs: Math.round(ctx.loadMs), labels: labels.size })
        const rows = policies.flatMap((p) =>
          (['all', 'noCoinJoin'] as const).map((k) => {
            const s = r.summary[p]![k]
            return [
              p,
              k === 'all' ? 'all incidents' : 'no CoinJoin',
              `${s.found}/${s.cashOuts}`,
              pct(s.recallAmount),
              pct(s.recallCount),
              pct(s.precisionAmount),
              pct(s.precisionCount),
            ]
          }),
        )
        const lines = [
          `${r.incidents.length} incidents, ${labels.size} labelled addresses, max hops ${r.params.maxHops}, min ${r.params.minAmount} sat`,
          formatTable(
            [
              'policy',
              'incidents',
              'cash-outs found',
              'recall (amount)',
              'recall (count)',
              'precision (amount)',
              'precision (count)',
            ],
            rows,
          ),
          '',
          'missed cash-out value per policy and incident:',
          ...r.incidents.flatMap((i) =>
            policies.map(
              (p) =>
                `  ${i.incident}${i.coinjoin ? ' (coinjoin)' : ''} ${p}: ${
                  i.byPolicy[p]!.missed.map((m) => `${m.kind} ${m.amount} sat in ${m.outputs} outputs`).join('; ') ||
                  'nothing'
                }`,
            ),
          ),
        ]
        process.stdout.write(`${lines.join('\n')}\n`)
      } finally {
        store.close()
      }
    })
}

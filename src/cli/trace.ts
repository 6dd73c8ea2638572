/**
 * `hound trace --from <seed>...`: follow tainted value forward (where did it go) or backward (where did it come
 * from) under one or every taint policy. See docs/commands/trace.md.
 * @module
 */
import { existsSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { NotSyncedError, UsageError } from '../core/errors.js'
import { HoundStore } from '../store/HoundStore.js'
import { accountTraceToText, allEvmSeeds, runAccountTrace } from '../trace/account/runAccountTrace.js'
import { traceToCsv, traceToText } from '../trace/formatTrace.js'
import { policyNames } from '../trace/kernel.js'
import { loadTraceContext } from '../trace/loadTraceContext.js'
import { runTrace, type TraceOptions } from '../trace/runTrace.js'
import { dbPath, toJson } from './context.js'

type Opts = {
  db?: string
  from: string[]
  label?: string
  policy: string
  direction: string
  maxHops: string
  minAmount: string
  maxTxs: string
  stopAtServices?: boolean
  coinjoin: string
  feeConvention: string
  fromTime?: string
  toTime?: string
  fromHeight?: string
  toHeight?: string
  json?: boolean
  csv?: boolean
  out?: string
  quiet?: boolean
  cache: boolean
}

/**
 * Open the store for tracing. Read-write, like `screen`: the intelligence loader makes sure its tables exist,
 * which DuckDB refuses on a read-only connection. A missing store is a NotSyncedError (nothing is created).
 */
export async function openTraceStore(o: { db?: string | undefined }): Promise<HoundStore> {
  const path = dbPath(o)
  if (!existsSync(path)) {
    throw new NotSyncedError(`store ${path} does not exist: run 'hound ingest btc' first`, { details: { file: path } })
  }
  return HoundStore.open(path)
}

export function parseIntOption(name: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
    throw new UsageError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`)
  }
  return Number(v)
}

/** Unix seconds or an ISO date. */
export function parseTimeOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  if (/^\d+$/.test(v)) return Number(v)
  const ms = Date.parse(v)
  if (Number.isNaN(ms)) throw new UsageError(`${name} must be unix seconds or an ISO date, got ${JSON.stringify(v)}`)
  return Math.floor(ms / 1000)
}

export function register(program: Command): void {
  program
    .command('trace')
    .description('Follow tainted value forward or backward from outputs, transactions, addresses or clusters')
    .requiredOption('--from <seed...>', 'seeds: txid:vout, txid, address or cluster:<id>, each optionally @label')
    .option('--label <name>', 'incident label for seeds without @label', 'default')
    .option('--policy <name>', `taint policy: ${policyNames.join('|')}|all`, 'haircut')
    .option('--direction <dir>', 'forward (where did it go) or backward (where did it come from)', 'forward')
    .option('--max-hops <n>', 'stop after this many transactions from a seed', '10')
    .option('--min-amount <sats>', 'stop at outputs holding less tainted value than this', '1')
    .option('--stop-at-services', 'stop at labelled services (exchange, mixer, bridge, OTC…) and their clusters')
    .option(
      '--coinjoin <mode>',
      'at a CoinJoin: stop, or spread 1/anonymity-set per equal output (probabilistic)',
      'stop',
    )
    .option('--max-txs <n>', 'stop after evaluating this many transactions (reason budget)', '1000000')
    .option('--fee-convention <c>', 'FIFO/LIFO/TIHO fee convention: fee-last or pre-haircut', 'fee-last')
    .option('--from-time <t>', 'backward: stop at funding before this time (unix seconds or ISO date)')
    .option('--to-time <t>', 'forward: stop at spends after this time (unix seconds or ISO date)')
    .option('--from-height <h>', 'load the graph from this height (default: genesis of the store)')
    .option('--to-height <h>', 'load the graph up to this height (default: the synced tip)')
    .option('--json', 'print the JSON result')
    .option('--csv', 'print the endpoints as CSV')
    .option('--out <file>', 'also write the JSON result to this file (input of hound report)')
    .option('--no-cache', 'EVM seeds: build the transfer set from the store, ignoring its snapshot (<store>.cache/)')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Opts
      if (o.json && o.csv) throw new UsageError('--json and --csv are exclusive')
      // --- EVM seeds (0x + 40 hex address, 0x + 64 hex tx hash): account-model tracing (src/trace/account) ---
      if (allEvmSeeds(o.from)) {
        const store = await openTraceStore(o)
        try {
          const maxHops =
            cmd.getOptionValueSource('maxHops') === 'default' ? undefined : parseIntOption('--max-hops', o.maxHops)
          const r = await runAccountTrace(store, {
            seeds: o.from,
            policy: o.policy,
            direction: o.direction,
            maxHops,
            cache: o.cache,
          })
          if (o.out) writeFileSync(o.out, `${toJson(r)}\n`)
          process.stdout.write(o.json ? `${toJson(r)}\n` : accountTraceToText(r))
        } finally {
          store.close()
        }
        return
      }
      // --- end EVM ---
      const policy = o.policy as TraceOptions['policy']
      if (o.policy !== 'all' && !policyNames.includes(o.policy as (typeof policyNames)[number])) {
        throw new UsageError(`--policy must be one of ${policyNames.join(', ')}, all`)
      }
      if (o.direction !== 'forward' && o.direction !== 'backward') {
        throw new UsageError('--direction must be forward or backward')
      }
      if (o.coinjoin !== 'stop' && o.coinjoin !== 'spread') throw new UsageError('--coinjoin must be stop or spread')
      if (o.feeConvention !== 'fee-last' && o.feeConvention !== 'pre-haircut') {
        throw new UsageError('--fee-convention must be fee-last or pre-haircut')
      }
      const maxHops = parseIntOption('--max-hops', o.maxHops)!
      const minAmount = parseIntOption('--min-amount', o.minAmount)!
      const fromTime = parseTimeOption('--from-time', o.fromTime)
      const toTime = parseTimeOption('--to-time', o.toTime)
      const fromHeight = parseIntOption('--from-height', o.fromHeight)
      const toHeight = parseIntOption('--to-height', o.toHeight)
      const store = await openTraceStore(o)
      try {
        const range: { fromHeight?: number; toHeight?: number } = {}
        if (fromHeight !== undefined) range.fromHeight = fromHeight
        if (toHeight !== undefined) range.toHeight = toHeight
        const ctx = await loadTraceContext(store, range)
        if (ctx.missing.length > 0 && !o.quiet && !o.json) {
          process.stderr.write(
            `hound: note: tracing without ${ctx.missing.join(' and ')} (not available in this store)\n`,
          )
        }
        const result = runTrace(ctx.graph, {
          seeds: o.from,
          label: o.label ?? 'default',
          policy,
          direction: o.direction,
          maxHops,
          minAmount,
          maxTxs: parseIntOption('--max-txs', o.maxTxs, 1)!,
          stopAtServices: o.stopAtServices ?? false,
          coinjoin: o.coinjoin,
          feeConvention: o.feeConvention,
          labels: ctx.labels,
          detectCoinJoin: ctx.detectCoinJoin,
          coverage: ctx.coverage,
          dataVersion: { ...ctx.dataVersion, graphLoadMs: Math.round(ctx.loadMs) },
          ...(fromTime !== undefined ? { fromTime } : {}),
          ...(toTime !== undefined ? { toTime } : {}),
          ...(ctx.clusterOf ? { clusterOf: ctx.clusterOf } : {}),
          ...(ctx.clusterMembers ? { clusterMembers: ctx.clusterMembers } : {}),
        })
        if (o.out) writeFileSync(o.out, `${toJson(result)}\n`)
        if (o.json) process.stdout.write(`${toJson(result)}\n`)
        else if (o.csv) process.stdout.write(traceToCsv(result))
        else process.stdout.write(traceToText(result))
      } finally {
        store.close()
      }
    })
}

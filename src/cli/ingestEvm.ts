/**
 * `hound ingest evm` (JSON-RPC from any EVM node, a range or following the tip) and `hound ingest transfers`
 * (explorer CSV exports), attached to the shared `ingest` parent command.
 * @module
 */
import type { Command } from 'commander'
import { UsageError } from '../core/errors.js'
import { EvmRpc } from '../evm/EvmRpc.js'
import type { TraceMode } from '../evm/fetchEvmBlocks.js'
import { importTransfersCsv } from '../evm/importTransfersCsv.js'
import { ingestEvm } from '../evm/ingestEvm.js'
import { HoundStore } from '../store/HoundStore.js'
import { dbPath, printJson } from './context.js'
import { ingestCommand, intOption } from './ingest.js'
import { Progress } from './progress.js'

type EvmCliOptions = {
  rpc?: string
  from?: string
  to?: string
  follow?: boolean
  confirmations?: string
  batchBlocks?: string
  traces?: string
  batchSize?: string
  concurrency?: string
  pollMs?: string
  json?: boolean
  quiet?: boolean
  db?: string
}

const traceModes = ['auto', 'geth', 'parity', 'geth-tx', 'structlog', 'none']

export function register(program: Command): void {
  const ingest = ingestCommand(program)
  ingest
    .command('evm')
    .description('Ingest an EVM chain over JSON-RPC: blocks, receipts, fees, internal calls, token transfers')
    .requiredOption('--rpc <url>', 'JSON-RPC endpoint of any EVM node, e.g. http://127.0.0.1:8545')
    .option('--from <n>', 'first block (default: after the checkpoint, or 0); re-ingests from there if already stored')
    .option('--to <n>', 'last block (default: the tip minus --confirmations)')
    .option('--follow', 'keep following the tip (Ctrl-C to stop); reorgs are rolled back')
    .option('--confirmations <n>', 'blocks below the tip left out (default 0, or 12 with --follow)')
    .option('--batch-blocks <n>', 'blocks per atomic batch (default 20)')
    .option('--traces <mode>', `internal calls: ${traceModes.join(', ')} (default auto-detect)`)
    .option('--batch-size <n>', 'JSON-RPC calls per HTTP request (default 100)')
    .option('--concurrency <n>', 'HTTP requests in flight (default 8)')
    .option('--poll-ms <n>', 'poll interval while following (default 2000)')
    .option('--json', 'print a JSON summary on stdout')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nExamples:\n  hound ingest evm --rpc http://127.0.0.1:8545 --from 0 --to 1000\n  hound ingest evm --rpc https://eth.example/KEY --follow --confirmations 12\n',
    )
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as EvmCliOptions
      const from = intOption(o.from, '--from')
      const to = intOption(o.to, '--to')
      if (from !== undefined && to !== undefined && to < from) throw new UsageError('--to is below --from')
      if (o.traces !== undefined && !traceModes.includes(o.traces))
        throw new UsageError(`--traces must be one of ${traceModes.join(', ')}`)
      if (!/^https?:\/\//.test(o.rpc ?? '')) throw new UsageError('--rpc must be an http(s) URL')
      const rpc = new EvmRpc(o.rpc!, {
        batchSize: intOption(o.batchSize, '--batch-size', 1),
        concurrency: intOption(o.concurrency, '--concurrency', 1),
      })
      const store = await HoundStore.open(dbPath(o))
      const ac = new AbortController()
      const onSig = () => ac.abort()
      process.once('SIGINT', onSig)
      process.once('SIGTERM', onSig)
      try {
        const progress = new Progress({ label: 'ingest evm', unit: 'blocks', quiet: o.quiet })
        const s = await ingestEvm(store, rpc, {
          from,
          to,
          follow: o.follow ?? false,
          confirmations: intOption(o.confirmations, '--confirmations'),
          batchBlocks: intOption(o.batchBlocks, '--batch-blocks', 1),
          pollMs: intOption(o.pollMs, '--poll-ms', 10),
          traceMode: (o.traces ?? 'auto') as TraceMode | 'auto',
          signal: ac.signal,
          onProgress: (p) => progress.update(p.blocks, { tx: p.txs, transfer: p.transfers }),
        })
        progress.finish()
        const out = {
          ...s,
          source: rpc.describe(),
          seconds: Number(s.seconds.toFixed(3)),
          txPerSecond: s.seconds > 0 ? Math.round(s.txs / s.seconds) : 0,
          interrupted: ac.signal.aborted,
        }
        if (o.json) printJson(out)
        else if (!o.quiet)
          process.stderr.write(
            `ingested ${s.blocks} blocks, ${s.txs} txs, ${s.transfers} transfers (${s.chain}); tip ${s.tip}; reorgs ${s.reorgs}\n`,
          )
      } finally {
        process.off('SIGINT', onSig)
        process.off('SIGTERM', onSig)
        store.close()
      }
    })

  ingest
    .command('transfers')
    .description('Import transfers exported from explorers (CSV: chain,tx_hash,block,time,from,to,asset,amount)')
    .argument('<csv>', 'CSV file; amounts in whole units of the asset, time ISO 8601 UTC, asset ETH or a token address')
    .option('--decimals <n>', 'decimals assumed for tokens not in the registry (default 18)')
    .option('--json', 'print a JSON summary on stdout')
    .option('--quiet', 'no summary on stderr')
    .addHelpText('after', '\nExample:\n  hound ingest transfers bybit_hops.csv --json\n')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as { decimals?: string; json?: boolean; quiet?: boolean; db?: string }
      const store = await HoundStore.open(dbPath(o))
      try {
        const r = await importTransfersCsv(store, file, { defaultDecimals: intOption(o.decimals, '--decimals') })
        if (o.json) printJson(r)
        else if (!o.quiet)
          process.stderr.write(
            `imported ${r.rows} transfers in ${r.txs} transactions (${r.chains.join(', ')})${r.assumedDecimals.length ? `; ${r.assumedDecimals.length} tokens with assumed decimals` : ''}\n`,
          )
      } finally {
        store.close()
      }
    })
}

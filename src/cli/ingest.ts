/**
 * `hound ingest btc`: load Bitcoin blocks from blk files or a node's RPC into the store, resuming from the
 * checkpoint. Progress on stderr (a bar on a TTY, plain lines otherwise); `--json` prints a summary on stdout.
 * @module
 */
import type { Command } from 'commander'
import { getNetwork } from '../btc/networks.js'
import { openBlockSource } from '../btc/openBlockSource.js'
import type { BtcNetworkName } from '../btc/types.js'
import { UsageError } from '../core/errors.js'
import { ingestBtc } from '../ingest/ingestBtc.js'
import { btcStats } from '../store/btcStats.js'
import { HoundStore } from '../store/HoundStore.js'
import { dbPath, printJson } from './context.js'
import { Progress } from './progress.js'

type IngestBtcCliOptions = {
  blocks?: string[]
  rpc?: string
  rpcCookie?: string
  from?: string
  to?: string
  network?: string
  startHeight?: string
  batchBlocks?: string
  memoryLimit?: string
  json?: boolean
  quiet?: boolean
  db?: string
}

/** A non-negative integer option, or a UsageError naming the flag. */
export function intOption(value: string | undefined, flag: string, min = 0): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${flag} expects an integer ≥ ${min}, got '${value}'`, { details: { flag, value } })
  }
  return Number(value)
}

/** The `ingest` parent command, shared with other chains' `ingest <chain>` subcommands. */
export function ingestCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'ingest') ??
    program.command('ingest').description('Load chain data into the store (resumes from the checkpoint)')
  )
}

export function register(program: Command): void {
  ingestCommand(program)
    .command('btc')
    .description('Ingest Bitcoin blocks from blk*.dat files/dirs or raw block files (--blocks), or a node (--rpc)')
    .option('--blocks <paths...>', 'blocks directory, blk*.dat files or raw/hex block files')
    .option('--rpc <url>', 'Bitcoin Core JSON-RPC URL, e.g. http://user:pass@127.0.0.1:8332')
    .option('--rpc-cookie <file>', 'RPC cookie file (.cookie) for authentication')
    .option('--from <height>', 'first height when the store is empty (default 0)')
    .option('--to <height>', 'last height to ingest (default: the source tip)')
    .option('--network <name>', 'mainnet, testnet, signet or regtest (default: what the source says)')
    .option('--start-height <h>', 'height of the first block in the files when not genesis and BIP34 cannot tell')
    .option('--batch-blocks <n>', 'blocks per atomic batch (default 500)')
    .option('--memory-limit <size>', 'DuckDB buffer pool cap during ingest, e.g. 512MB, 4GB (default 256MB)')
    .option('--json', 'print a JSON summary on stdout')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nExamples:\n  hound ingest btc --blocks ~/.bitcoin/blocks\n  hound ingest btc --rpc http://127.0.0.1:8332 --rpc-cookie ~/.bitcoin/.cookie --to 200000\n',
    )
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as IngestBtcCliOptions
      const hasBlocks = (o.blocks?.length ?? 0) > 0
      if (hasBlocks === (o.rpc !== undefined)) throw new UsageError('give exactly one of --blocks or --rpc')
      if (o.rpcCookie !== undefined && o.rpc === undefined) throw new UsageError('--rpc-cookie needs --rpc')
      if (o.network !== undefined) getNetwork(o.network)
      const from = intOption(o.from, '--from')
      const to = intOption(o.to, '--to')
      const batchBlocks = intOption(o.batchBlocks, '--batch-blocks', 1)
      if (from !== undefined && to !== undefined && to < from) throw new UsageError('--to is below --from')
      const source = openBlockSource({
        blocks: o.blocks,
        rpc: o.rpc,
        rpcCookie: o.rpcCookie,
        network: o.network as BtcNetworkName | undefined,
        startHeight: intOption(o.startHeight, '--start-height'),
      })
      const network = getNetwork(o.network ?? (await source.network()))
      const store = await HoundStore.open(dbPath(o))
      const ac = new AbortController()
      const onSig = () => ac.abort()
      process.once('SIGINT', onSig)
      process.once('SIGTERM', onSig)
      try {
        const st = await btcStats(store)
        const start = Math.max(st.tipHeight === null ? 0 : st.tipHeight + 1, from ?? 0)
        const tip = await source.tipHeight()
        const total = Math.max(0, Math.min(tip, to ?? tip) - start + 1)
        const progress = new Progress({ label: 'ingest btc', unit: 'blocks', quiet: o.quiet, total })
        const summary = await ingestBtc(store, source, {
          network,
          fromHeight: from,
          toHeight: to,
          batchBlocks,
          memoryLimit: o.memoryLimit,
          signal: ac.signal,
          onBatch: (p) => progress.update(p.blocks, { tx: p.txs }),
        })
        progress.finish()
        const out = {
          chain: network.chain.id,
          network: network.name,
          source: source.describe(),
          resumedFrom: summary.resumedFrom,
          startHeight: summary.startHeight,
          blocks: summary.blocks,
          txs: summary.txs,
          inputs: summary.inputs,
          outputs: summary.outputs,
          lateResolved: summary.lateResolved,
          tipHeight: summary.height,
          tipHash: summary.tipHash,
          seconds: Number(summary.seconds.toFixed(3)),
          txPerSecond: summary.seconds > 0 ? Math.round(summary.txs / summary.seconds) : 0,
          interrupted: ac.signal.aborted,
        }
        if (o.json) printJson(out)
        else if (!o.quiet)
          process.stderr.write(
            `ingested ${out.blocks} blocks, ${out.txs} txs; tip ${out.tipHeight} ${out.tipHash ?? ''}${out.interrupted ? ' (interrupted)' : ''}\n`,
          )
      } finally {
        process.off('SIGINT', onSig)
        process.off('SIGTERM', onSig)
        await source.close?.()
        store.close()
      }
    })
}

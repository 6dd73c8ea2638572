/**
 * `hound sim`: generate a simulated Bitcoin chain with known ground truth (blk?????.dat files laid out as Bitcoin Core
 * writes them, plus DIR/truth/*.jsonl). Progress on stderr; `--json` prints a summary on stdout. Format: docs/simulator.md.
 * @module
 */
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { UsageError } from '../core/errors.js'
import { MIN_TXS, scaleTxs } from '../sim/scales.js'
import { simulate } from '../sim/simulate.js'
import { formatTable, printJson } from './context.js'
import { Progress } from './progress.js'

type SimCliOptions = {
  seed: string
  txs?: string
  scale?: string
  network: string
  out?: string
  startTime?: string
  force?: boolean
  json?: boolean
  quiet?: boolean
}

/** Parse --start-time: unix seconds or an ISO-8601 date. */
function parseStartTime(v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  if (/^\d+$/.test(v)) return Number(v)
  const ms = Date.parse(v)
  if (Number.isNaN(ms)) throw new UsageError(`--start-time expects unix seconds or an ISO date, got '${v}'`)
  return Math.floor(ms / 1000)
}

export function register(program: Command): void {
  program
    .command('sim')
    .description('Generate a simulated Bitcoin chain (blk files) with ground truth for testing and benchmarks')
    .option('--seed <seed>', 'PRNG seed (letters, digits, - and _); same seed and options → same bytes', '1')
    .option('--txs <n>', `number of transactions (≥ ${MIN_TXS}; the last block is completed)`)
    .option('--scale <name>', 'demo (~100k txs), small (~300k), medium (~1.5M) or large (~10M)')
    .option(
      '--network <name>',
      'regtest (real regtest genesis, valid PoW) or mainnet (magic and addresses only)',
      'regtest',
    )
    .option('--out <dir>', 'output directory for blk?????.dat and truth/')
    .option('--start-time <t>', 'time of block 1: unix seconds or ISO date (default 2024-01-01T00:00:00Z)')
    .option('--force', 'overwrite blk files and truth/ already in --out')
    .option('--json', 'print a JSON summary on stdout')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nExamples:\n  hound sim --scale demo --out ./sim-demo\n  hound sim --seed 7 --txs 2000000 --out /data/sim7 --json\n  hound ingest btc --blocks ./sim-demo --network regtest\n',
    )
    .action((_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as SimCliOptions
      if (!o.out) throw new UsageError('--out <dir> is required')
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(o.seed))
        throw new UsageError(`--seed must be 1–64 letters, digits, - or _, got '${o.seed}'`)
      if (o.txs !== undefined && o.scale !== undefined) throw new UsageError('give --txs or --scale, not both')
      if (o.network !== 'regtest' && o.network !== 'mainnet')
        throw new UsageError(`--network must be regtest or mainnet, got '${o.network}'`)
      let txs: number
      if (o.txs !== undefined) {
        if (!/^\d+$/.test(o.txs) || Number(o.txs) < MIN_TXS || !Number.isSafeInteger(Number(o.txs)))
          throw new UsageError(`--txs expects an integer ≥ ${MIN_TXS}, got '${o.txs}'`)
        txs = Number(o.txs)
      } else txs = scaleTxs(o.scale ?? 'demo')
      const out = resolve(o.out)
      const existing = existsSync(out) ? readdirSync(out).filter((f) => /^blk\d{5}\.dat$/.test(f) || f === 'truth') : []
      if (existing.length > 0) {
        if (!o.force)
          throw new UsageError(
            `${out} already holds a chain (${existing.length} blk files/truth); use --force to overwrite`,
          )
        for (const f of existing) rmSync(join(out, f), { recursive: true, force: true })
      }
      const progress = new Progress({ label: 'sim', unit: 'txs', total: txs, quiet: o.quiet || o.json === true })
      const summary = simulate({
        seed: o.seed,
        txs,
        network: o.network,
        outDir: out,
        scale: o.txs === undefined ? (o.scale ?? 'demo') : null,
        startTime: parseStartTime(o.startTime),
        onBlock: (b) => progress.update(b.txs, { blocks: b.height, MB: b.bytes / 1e6 }),
      })
      progress.finish()
      const json = { out, ...summary, MBps: Number((summary.bytes / 1e6 / Math.max(summary.seconds, 1e-3)).toFixed(1)) }
      if (o.json) printJson(json)
      else if (!o.quiet)
        process.stderr.write(
          `${formatTable(
            ['what', 'value'],
            [
              ['out', out],
              ['blocks', summary.blocks],
              ['txs', summary.txs],
              ['bytes', summary.bytes],
              ['files', summary.files.join(' ')],
              ['incidents', summary.incidents],
              ['coinjoins', summary.coinjoins],
              ['seconds', summary.seconds.toFixed(1)],
            ],
          )}\n`,
        )
    })
}

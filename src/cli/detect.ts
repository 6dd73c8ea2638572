/**
 * `hound detect`: run the laundering-pattern detectors (docs/detectors.md) over the stored chain with the stored
 * labels and memos, store the alerts (idempotent per kind and key) and print them. `hound detect memos` reads
 * OP_RETURN memos from the block files into the store (the chain-hop detector names destinations from them);
 * `hound detect list` prints stored alerts without re-running.
 * @module
 */
import type { Command } from 'commander'
import { openBlockSource } from '../btc/openBlockSource.js'
import type { BtcNetworkName } from '../btc/types.js'
import { UsageError } from '../core/errors.js'
import { type Alert, type AlertKind, alertKinds } from '../detect/Alert.js'
import { runDetectors } from '../detect/runDetectors.js'
import { loadUtxoGraph } from '../graph/loadUtxoGraph.js'
import { loadServiceLabels } from '../intel/loadServiceLabels.js'
import { listAlerts, saveAlerts } from '../store/alertStore.js'
import { loadMemos, scanMemos } from '../store/detectMemos.js'
import { HoundStore } from '../store/HoundStore.js'
import { intArg } from './cluster.js'
import { dbPath, formatTable, printJson } from './context.js'
import { openReadStoreOrFail } from './openReadStore.js'

type Opts = {
  db?: string
  kind?: string
  since?: string
  minConfidence?: string
  store?: boolean
  labels?: boolean
  limit?: string
  json?: boolean
}

/** `--kind a,b` → alert kinds (UsageError on an unknown one). */
export function parseKinds(v: string | undefined): AlertKind[] | undefined {
  if (v === undefined) return undefined
  const ks = v
    .split(',')
    .map((s) => s.trim().replace(/-/g, '_'))
    .filter((s) => s.length > 0)
  for (const k of ks) {
    if (!(alertKinds as readonly string[]).includes(k)) {
      throw new UsageError(`--kind: unknown kind ${JSON.stringify(k)} (${alertKinds.join(', ')})`, {
        details: { flag: '--kind' },
      })
    }
  }
  return ks as AlertKind[]
}

export function parseConfidence(v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  const x = Number(v)
  if (!Number.isFinite(x) || x < 0 || x > 1) {
    throw new UsageError(`--min-confidence must be a number in 0..1, got ${JSON.stringify(v)}`, {
      details: { flag: '--min-confidence' },
    })
  }
  return x
}

/** One line of human summary per alert. */
export function summarize(a: Alert): string {
  const e = a.evidence
  switch (a.kind) {
    case 'peel_chain':
      return `${e.length} hops, peeled ${e.totalPeeled} sat, max peel ${e.maxPeelRatio}`
    case 'structuring':
      return `${e.justBelow}/${e.deposits} deposits just below ${e.round} sat into ${e.service} (${e.category})`
    case 'fan_out':
      return `${e.outputs} outputs (${e.freshOutputs} fresh), cv ${e.cv}`
    case 'fan_in':
      return `${e.inputs} inputs from ${e.parentTxs} parent txs`
    case 'rapid_movement':
      return `${e.transactions} txs in ${e.durationSeconds} s`
    case 'coinjoin':
      return `${e.coinjoinKind}, ${e.anonSet} × ${e.denomination} sat`
    case 'mixer':
      return `${e.direction} ${e.mixer}`
    case 'chain_hop':
      return e.destinationChain
        ? `${e.amount} sat → ${e.destinationChain} ${e.destinationAddress ?? '?'}${e.service ? ` via ${e.service}` : ''}`
        : `${e.amount} sat into ${e.service} (destination unknown)`
  }
}

function print(alerts: readonly Alert[], json: boolean | undefined, extra: object): void {
  if (json) {
    printJson({ ...extra, alerts })
    return
  }
  const rows = alerts.map((a) => [
    a.height,
    a.code,
    a.confidence.toFixed(2),
    a.txids.length,
    `${a.key.slice(0, 16)}…`,
    summarize(a),
  ])
  process.stdout.write(`${formatTable(['height', 'code', 'conf', 'txs', 'key', 'summary'], rows)}\n`)
  const by = new Map<string, number>()
  for (const a of alerts) by.set(a.kind, (by.get(a.kind) ?? 0) + 1)
  process.stdout.write(
    `${alerts.length} alerts${by.size ? ` (${[...by].map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}\n`,
  )
}

export function register(program: Command): void {
  const cmd = program
    .command('detect')
    .description(
      'Detect laundering patterns (peel chains, structuring, fan-out/in, rapid movement, CoinJoins, mixers, chain hops)',
    )
    .option('--kind <list>', `comma list of kinds (${alertKinds.join(', ')}); default all`)
    .option('--since <h>', 'report patterns whose last transaction is at or above this height')
    .option('--min-confidence <p>', 'drop alerts below this confidence (0..1, default 0)')
    .option('--no-store', 'do not store the alerts (dry run)')
    .option('--no-labels', 'ignore intel labels (structuring, mixer and chain-hop detectors then find nothing)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  hound detect memos --blocks ~/.bitcoin/blocks\n  hound detect\n  hound detect --kind peel_chain,structuring --since 840000 --json\n  hound detect list --kind chain_hop\n',
    )
    .action(async (_o: unknown, c: Command) => {
      const o = c.optsWithGlobals() as Opts
      const kinds = parseKinds(o.kind)
      const since = intArg('--since', o.since)
      const minConfidence = parseConfidence(o.minConfidence)
      // read-only for a dry run (--no-store); read-write only when the alerts are stored
      let store = await openReadStoreOrFail(o)
      if (o.store !== false) {
        store.close()
        store = await HoundStore.open(dbPath(o))
      }
      try {
        const t0 = performance.now()
        const g = await loadUtxoGraph(store)
        const labels = o.labels === false ? new Map() : await loadServiceLabels(store)
        const memos = await loadMemos(store, g)
        const alerts = runDetectors(g, {
          labels,
          memos,
          ...(kinds ? { kinds } : {}),
          ...(since !== undefined ? { since } : {}),
          ...(minConfidence !== undefined ? { minConfidence } : {}),
        })
        const saved = o.store === false ? null : await saveAlerts(store, alerts)
        const seconds = Math.round(performance.now() - t0) / 1000
        print(alerts, o.json, { txs: g.txCount, labels: labels.size, stored: saved, seconds })
      } finally {
        store.close()
      }
    })

  cmd
    .command('memos')
    .description('Read OP_RETURN memos from block files into the store (for chain-hop destinations)')
    .requiredOption('--blocks <paths...>', 'blocks directory or blk files (as for hound ingest btc)')
    .option('--network <name>', 'mainnet, testnet, signet or regtest')
    .option('--from-height <h>', 'first height (default 0)')
    .option('--to-height <h>', 'last height (default the tip of the files)')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, c: Command) => {
      const o = c.optsWithGlobals() as Opts & {
        blocks: string[]
        network?: string
        fromHeight?: string
        toHeight?: string
      }
      const fromHeight = intArg('--from-height', o.fromHeight)
      const toHeight = intArg('--to-height', o.toHeight)
      const source = openBlockSource({ blocks: o.blocks, network: o.network as BtcNetworkName | undefined })
      const store = await HoundStore.open(dbPath(o))
      try {
        const r = await scanMemos(store, source, {
          ...(fromHeight !== undefined ? { fromHeight } : {}),
          ...(toHeight !== undefined ? { toHeight } : {}),
        })
        if (o.json) printJson(r)
        else process.stdout.write(`${r.memos} memos from ${r.blocks} blocks\n`)
      } finally {
        await source.close?.()
        store.close()
      }
    })

  cmd
    .command('list')
    .description('Print stored alerts')
    .option('--kind <list>', 'comma list of kinds')
    .option('--since <h>', 'alerts at or above this height')
    .option('--min-confidence <p>', 'alerts at or above this confidence')
    .option('--limit <n>', 'at most n alerts')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, c: Command) => {
      const o = c.optsWithGlobals() as Opts
      const kinds = parseKinds(o.kind)
      const since = intArg('--since', o.since)
      const minConfidence = parseConfidence(o.minConfidence)
      const limit = intArg('--limit', o.limit, 1)
      const store = await openReadStoreOrFail(o)
      try {
        const alerts = await listAlerts(store, {
          ...(kinds ? { kinds } : {}),
          ...(since !== undefined ? { since } : {}),
          ...(minConfidence !== undefined ? { minConfidence } : {}),
          ...(limit !== undefined ? { limit } : {}),
        })
        print(alerts, o.json, {})
      } finally {
        store.close()
      }
    })
}

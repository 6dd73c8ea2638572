/**
 * `hound screen <address>`: risk level, labels with provenance and exposure (with paths, policy, data version).
 * @module
 */

import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { InvalidInputError, NotSyncedError, UsageError } from '../core/errors.js'
import type { ExposureParams } from '../risk/computeExposure.js'
import { openScreener } from '../risk/openScreener.js'
import { isScreenError, type ScreenResult } from '../risk/Screener.js'
import { ScreeningRecorder } from '../risk/ScreeningRecorder.js'
import { HoundStore } from '../store/HoundStore.js'
import { type PolicyName, policyNames } from '../trace/kernel.js'
import { dbPath, formatBtc, formatTable, printJson } from './context.js'
import { intOption } from './ingest.js'

/**
 * Open the store for a command that reads intelligence but must not create an empty store by accident
 * (a typo in --db would otherwise screen everything as "none"). NotSyncedError (exit 1) when missing.
 * `readOnly` for commands that only read (several can then run at once; DuckDB allows one writer process).
 */
export async function openExistingStore(
  o: { db?: string | undefined },
  opts: { readOnly?: boolean } = {},
): Promise<HoundStore> {
  const path = dbPath(o)
  if (!existsSync(path)) {
    throw new NotSyncedError(
      `store ${path} does not exist: import intelligence first ('hound intel import ofac|labels') or pass --db`,
      { details: { file: path } },
    )
  }
  return HoundStore.open(path, opts.readOnly ? { readOnly: true } : {})
}

/**
 * Record one screening for `hound rescreen`, opening the store read-write only for that moment. When the store is
 * busy (another hound process holds it), the screening is not recorded and a note says so on stderr; the answer
 * itself is unaffected.
 */
async function recordScreening(o: { db?: string | undefined }, r: ScreenResult): Promise<void> {
  let store: HoundStore | null = null
  try {
    store = await openExistingStore(o)
    const rec = new ScreeningRecorder(store)
    rec.record(r, null)
    await rec.flush()
  } catch (e) {
    process.stderr.write(
      `hound screen: screening not recorded for rescreen (${e instanceof Error ? e.message : String(e)})\n`,
    )
  } finally {
    store?.close()
  }
}

export type ExposureCliOptions = { policy?: string; maxHops?: string; decay?: string }

/** Parse --policy/--max-hops/--decay. */
export function exposureOptions(o: ExposureCliOptions): ExposureParams {
  const p: { policy?: PolicyName; maxHops?: number; decay?: number } = {}
  if (o.policy !== undefined) {
    if (!(policyNames as readonly string[]).includes(o.policy)) {
      throw new UsageError(`--policy expects one of ${policyNames.join(', ')}`)
    }
    p.policy = o.policy as PolicyName
  }
  const h = intOption(o.maxHops, '--max-hops', 1)
  if (h !== undefined) p.maxHops = h
  if (o.decay !== undefined) {
    const d = Number(o.decay)
    if (!(d > 0 && d <= 1)) throw new UsageError(`--decay expects a number in (0, 1], got '${o.decay}'`)
    p.decay = d
  }
  return p
}

export function register(program: Command): void {
  program
    .command('screen')
    .description('Screen an address: risk level, labels with provenance, exposure by category with paths')
    .argument('<address>', 'any address (Bitcoin, EVM, … as published)')
    .option('--policy <policy>', `taint policy for exposure (${policyNames.join(', ')}; default haircut)`)
    .option('--max-hops <n>', 'exposure depth H (default 5)')
    .option('--decay <lambda>', 'hop decay λ (default 0.5)')
    .option('--no-graph', 'labels only: do not load chain data for exposure')
    .option('--cluster', "exposure of the address's whole cluster (latest clustering run)")
    .option('--json', 'print JSON')
    .action(async (address: string, _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as ExposureCliOptions & {
        db?: string
        json?: boolean
        graph?: boolean
        cluster?: boolean
      }
      const exposure = exposureOptions(o)
      // read-only while loading and screening; read-write only for the moment of recording
      const store = await openExistingStore(o, { readOnly: true })
      let r: ScreenResult
      try {
        const screener = await openScreener(store, { withGraph: o.graph !== false, exposure })
        const s = screener.screen(address, 'red', { cluster: Boolean(o.cluster) })
        if (isScreenError(s)) throw new InvalidInputError(`invalid address '${s.address}': ${s.error}`)
        r = s
      } finally {
        store.close()
      }
      await recordScreening(o, r)
      if (o.json) return printJson(r)
      const dv = r.dataVersion
      const lines = [
        `${r.address}: ${r.risk.toUpperCase()}${r.reasons.length ? ` (${r.reasons.join('; ')})` : ''}`,
        `data version: intel ${dv.intel}, chain ${dv.chain ?? '-'} tip ${dv.tipHeight ?? '-'}; policy ${r.policy}`,
      ]
      if (r.cluster) {
        lines.push(
          `cluster ${r.cluster.id} (${r.cluster.size} addresses)${r.cluster.exposureOfCluster ? ': exposure of the whole cluster' : ''}`,
        )
      }
      if (r.labels.length) {
        lines.push('', 'labels:')
        lines.push(
          formatTable(
            ['category', 'entity', 'source', 'confidence', 'tlp', 'valid from', 'reference'],
            r.labels.map((l) => [l.category, l.entity, l.source, l.confidence, l.tlp, l.validFrom, l.reference]),
          ),
        )
      }
      if (r.exposure) {
        for (const side of ['incoming', 'outgoing'] as const) {
          const s = r.exposure[side]
          lines.push('', `${side}: ${formatBtc(s.total)} BTC, E = ${s.score.toFixed(4)}`)
          if (s.categories.length) {
            lines.push(
              formatTable(
                ['category', 'direct %', 'indirect %', 'min hop', 'entities'],
                s.categories.map((c) => [
                  c.category,
                  (100 * c.direct).toFixed(2),
                  (100 * c.indirect).toFixed(2),
                  c.minHop,
                  c.entities.join(', '),
                ]),
              ),
            )
            for (const p of s.paths.slice(0, 5)) {
              lines.push(
                `  ${p.category} ${p.entity} hop ${p.hop} ${formatBtc(p.amount)} BTC: ${p.steps.map((x) => x.address ?? '?').join(' → ')}`,
              )
            }
          }
        }
      } else if (dv.tipHeight !== null) lines.push('', 'exposure: address not in the loaded chain data')
      process.stdout.write(`${lines.join('\n')}\n`)
    })
}

/**
 * `hound incident add|list`: name a theft and its seed outputs; traced outputs become stolen-funds labels.
 * @module
 */
import type { Command } from 'commander'
import { UsageError } from '../core/errors.js'
import { type Tlp, tlpLevels } from '../core/model.js'
import { loadUtxoGraph } from '../graph/loadUtxoGraph.js'
import { addIncident, listIncidents } from '../intel/addIncident.js'
import { LabelIndex } from '../intel/LabelIndex.js'
import { notifyServer } from '../server/notifyServer.js'
import { btcStats } from '../store/btcStats.js'
import { HoundStore } from '../store/HoundStore.js'
import { type PolicyName, policyNames } from '../trace/kernel.js'
import { dbPath, formatBtc, formatTable, printJson } from './context.js'
import { intOption } from './ingest.js'
import { openExistingStore } from './screen.js'

const collect = (v: string, prev: string[] = []) => [...prev, v]

export function register(program: Command): void {
  const inc = program
    .command('incident')
    .description('Incidents: thefts whose traced funds become stolen-funds intelligence')
  inc
    .command('add')
    .description('Record a theft and its seed outputs; trace them and label the receiving addresses stolen_funds')
    .requiredOption('--name <name>', 'incident name (e.g. "Bitfinex 2016")')
    .requiredOption('--seed <txid:vout>', 'a stolen output (repeatable)', collect)
    .option('--actor <actor>', 'attributed actor (e.g. Lazarus Group)')
    .option('--date <YYYY-MM-DD>', 'when the theft happened')
    .option('--description <text>', 'free text')
    .option('--policy <policy>', `taint policy (${policyNames.join(', ')}; default haircut)`)
    .option('--max-hops <n>', 'tracing depth (default 10)')
    .option('--tlp <level>', 'TLP of the resulting labels (default amber)')
    .option('--chain <chain>', 'chain id (default: the store’s chain, else btc)')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as {
        db?: string
        json?: boolean
        name: string
        seed: string[]
        actor?: string
        date?: string
        description?: string
        policy?: string
        maxHops?: string
        tlp?: string
        chain?: string
      }
      if (o.policy !== undefined && !(policyNames as readonly string[]).includes(o.policy)) {
        throw new UsageError(`--policy expects one of ${policyNames.join(', ')}`)
      }
      if (o.tlp !== undefined && !(tlpLevels as readonly string[]).includes(o.tlp)) {
        throw new UsageError(`--tlp expects one of ${tlpLevels.join(', ')}`)
      }
      if (o.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(o.date)) throw new UsageError('--date expects YYYY-MM-DD')
      const maxHops = intOption(o.maxHops, '--max-hops', 1)
      const store = await HoundStore.open(dbPath(o))
      let changed = false
      try {
        const stats = await btcStats(store)
        const graph = stats.txs > 0 ? await loadUtxoGraph(store) : null
        const index = await LabelIndex.load(store)
        const r = await addIncident(
          store,
          {
            name: o.name,
            seeds: o.seed,
            chain: o.chain ?? stats.chain ?? 'btc',
            occurredAt: o.date ?? null,
            actor: o.actor ?? null,
            description: o.description ?? null,
            ...(o.tlp ? { tlp: o.tlp as Tlp } : {}),
            ...(o.policy ? { policy: o.policy as PolicyName } : {}),
            ...(maxHops ? { maxHops } : {}),
          },
          { graph, index },
        )
        changed = true
        if (o.json) return printJson(r)
        const lines = [`incident ${r.incidentId} '${r.name}': ${r.seeds.length} seeds, policy ${r.policy}`]
        if (!r.traced) lines.push('no chain data in the store: recorded, not traced')
        else {
          lines.push(`${r.labelled.length} addresses labelled stolen_funds (${r.labelsAdded} new labels)`)
          lines.push(
            formatTable(
              ['address', 'tainted BTC', 'hop'],
              r.labelled.slice(0, 20).map((l) => [l.address, formatBtc(l.amount), l.minHop]),
            ),
          )
          if (r.services.length) {
            lines.push('', 'reached services (not labelled):')
            lines.push(
              formatTable(
                ['address', 'category', 'entity', 'BTC'],
                r.services.map((s) => [s.address, s.category, s.entity, formatBtc(s.amount)]),
              ),
            )
          }
        }
        process.stdout.write(`${lines.join('\n')}\n`)
      } finally {
        store.close()
        // a running `hound serve` on this store reloads at once (src/server/notifyServer.ts)
        if (changed) notifyServer(dbPath(o))
      }
    })
  inc
    .command('list')
    .description('List incidents with their seed and label counts')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as { db?: string; json?: boolean }
      const store = await openExistingStore(o)
      try {
        const list = await listIncidents(store)
        if (o.json) return printJson(list)
        process.stdout.write(
          `${formatTable(
            ['id', 'name', 'chain', 'date', 'actor', 'policy', 'tlp', 'seeds', 'labels'],
            list.map((i) => [i.incidentId, i.name, i.chain, i.occurredAt, i.actor, i.policy, i.tlp, i.seeds, i.labels]),
          )}\n`,
        )
      } finally {
        store.close()
      }
    })
}

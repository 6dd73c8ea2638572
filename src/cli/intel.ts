/**
 * `hound intel import ofac|labels`, `hound intel labels`: load intelligence and look at it.
 * @module
 */
import type { Command } from 'commander'
import { UsageError } from '../core/errors.js'
import { importLabelsFile, type LabelFileFormat } from '../intel/importLabelsFile.js'
import { importOfacFile } from '../intel/importOfac.js'
import { normalizeCategory, queryLabels } from '../intel/labels.js'
import { notifyServer } from '../server/notifyServer.js'
import { HoundStore } from '../store/HoundStore.js'
import { dbPath, formatTable, printJson } from './context.js'
import { intOption } from './ingest.js'
import { openExistingStore } from './screen.js'

type Opts = { db?: string; json?: boolean }

export function register(program: Command): void {
  const intel = program.command('intel').description('Intelligence: import OFAC lists and label files, list labels')
  const imp = intel.command('import').description('Import intelligence into the store (idempotent)')

  imp
    .command('ofac')
    .description('Import an OFAC sdn_advanced.xml[.bz2] issue: sanctioned addresses, parties, programs, de-listings')
    .argument('<file>', 'sdn_advanced.xml or sdn_advanced.xml.bz2')
    .option('--json', 'print JSON')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Opts
      const store = await HoundStore.open(dbPath(o))
      let changed = false
      try {
        const r = await importOfacFile(store, file)
        changed = !r.alreadyImported
        if (o.json) return printJson(r)
        const lines = [
          r.alreadyImported
            ? `issue ${r.issueDate} already imported (import ${r.importId}); nothing changed`
            : `imported OFAC SDN issue ${r.issueDate} (import ${r.importId})`,
          `file sha256 ${r.fileSha256}`,
          `xml  sha256 ${r.xmlSha256}`,
          `${r.entries} (address, party) entries, ${r.addresses} addresses, ${r.profiles} parties`,
          `per ticker: ${Object.entries(r.perTicker)
            .sort((a, b) => b[1] - a[1])
            .map(([t, n]) => `${t} ${n}`)
            .join(', ')}`,
          `in force: ${r.listed}; de-listed so far: ${r.delisted}; labels added ${r.labelsAdded}, validity changed ${r.labelsChanged}`,
        ]
        process.stdout.write(`${lines.join('\n')}\n`)
      } finally {
        store.close()
        // a running `hound serve` on this store reloads at once (src/server/notifyServer.ts)
        if (changed) notifyServer(dbPath(o))
      }
    })

  imp
    .command('labels')
    .description('Import a label file (JSONL or CSV, format in docs/intel.md); all-or-nothing')
    .argument('<file>', 'labels .jsonl or .csv')
    .option('--format <format>', 'jsonl or csv (default: from the file name)')
    .option('--json', 'print JSON')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Opts & { format?: string }
      if (o.format !== undefined && o.format !== 'jsonl' && o.format !== 'csv') {
        throw new UsageError(`--format expects jsonl or csv, got '${o.format}'`)
      }
      const store = await HoundStore.open(dbPath(o))
      let changed = false
      try {
        const r = await importLabelsFile(store, file, o.format ? { format: o.format as LabelFileFormat } : {})
        changed = r.added > 0
        if (o.json) return printJson(r)
        process.stdout.write(`${r.rows} rows (${r.format}): ${r.added} labels added, ${r.known} already known\n`)
      } finally {
        store.close()
        if (changed) notifyServer(dbPath(o))
      }
    })

  intel
    .command('labels')
    .description('List labels in force (or all, with --all), by address, source or category')
    .option('--address <address>', 'labels of this address')
    .option('--source <source>', 'labels from this source (ofac-sdn, incident:<id>, …)')
    .option('--category <category>', 'labels of this category')
    .option('--all', 'include labels no longer in force (de-listed)')
    .option('--limit <n>', 'at most n labels (default 1000)')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Opts & {
        address?: string
        source?: string
        category?: string
        all?: boolean
        limit?: string
      }
      const store = await openExistingStore(o, { readOnly: true })
      try {
        const labels = await queryLabels(store, {
          currentOnly: !o.all,
          ...(o.address ? { address: o.address } : {}),
          ...(o.source ? { source: o.source } : {}),
          ...(o.category ? { category: normalizeCategory(o.category) } : {}),
          limit: intOption(o.limit, '--limit', 1) ?? 1000,
        })
        if (o.json) return printJson(labels)
        process.stdout.write(
          `${formatTable(
            ['id', 'address', 'chain', 'category', 'entity', 'source', 'confidence', 'tlp', 'from', 'to'],
            labels.map((l) => [
              l.labelId,
              l.address,
              l.chain,
              l.category,
              l.entity,
              l.source,
              l.confidence,
              l.tlp,
              l.validFrom,
              l.validTo,
            ]),
          )}\n`,
        )
      } finally {
        store.close()
      }
    })
}

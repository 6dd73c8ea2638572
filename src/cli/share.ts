/**
 * `hound share export|import|pull|push`: exchange laundering-address intelligence with other institutions as STIX 2.1
 * bundles, a MISP feed, or over TAXII 2.1 (docs/sharing.md, docs/commands/share.md).
 * @module
 */
import { createWriteStream, readFileSync, statSync } from 'node:fs'
import { finished } from 'node:stream/promises'
import type { Command } from 'commander'
import { UsageError } from '../core/errors.js'
import { type Tlp, tlpLevels } from '../core/model.js'
import { notifyServer } from '../server/notifyServer.js'
import { exportMispFeed } from '../share/exportMispFeed.js'
import { type ExportStats, stixBundleLines } from '../share/exportStix.js'
import { importMispFeed } from '../share/importMispFeed.js'
import { importStixFile } from '../share/importStix.js'
import { matchWithPeer, pullFromPeer, pushToPeer } from '../share/sharePeer.js'
import { HoundStore } from '../store/HoundStore.js'
import { dbPath, printJson } from './context.js'
import { intOption } from './ingest.js'
import { openExistingStore } from './screen.js'

type Common = { db?: string; json?: boolean; institution?: string; tlp?: string; incident?: string }

/** The institution name we publish under: `--institution`, else `$HOUND_INSTITUTION`, else "Ledgerhound instance". */
export function institutionName(o: { institution?: string }): string {
  return o.institution ?? process.env.HOUND_INSTITUTION ?? 'Ledgerhound instance'
}

function tlpOpt(v: string | undefined): Tlp | undefined {
  if (v === undefined) return undefined
  const t = v.toLowerCase().replace(/^tlp:/, '')
  if (!(tlpLevels as readonly string[]).includes(t))
    throw new UsageError(`--tlp expects one of ${tlpLevels.join(', ')}`)
  if (t === 'red') throw new UsageError('TLP:RED never leaves the instance')
  return t as Tlp
}

export function register(program: Command): void {
  const share = program
    .command('share')
    .description('Share intelligence: STIX 2.1 / MISP files, TAXII 2.1 pull and push')
  share
    .command('export')
    .description('Export labels and incidents as a STIX 2.1 bundle (streamed) or a MISP feed directory')
    .option('--format <format>', 'stix or misp (default stix)', 'stix')
    .option('--out <path>', 'output file (stix; default stdout) or directory (misp, required)')
    .option('--incident <id>', 'only this incident and its labels')
    .option('--tlp <level>', 'most restricted TLP exported (clear, green, amber, amber+strict; default amber)')
    .option('--source <source>', 'only labels of this source (stix)')
    .option('--include-received', 'also re-export intelligence received from peers')
    .option('--institution <name>', 'the publishing institution (default $HOUND_INSTITUTION)')
    .option('--json', 'print the summary as JSON')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Common & {
        format: string
        out?: string
        source?: string
        includeReceived?: boolean
      }
      const maxTlp = tlpOpt(o.tlp)
      const incidentId = intOption(o.incident, '--incident', 1)
      const base = {
        institution: institutionName(o),
        ...(maxTlp ? { maxTlp } : {}),
        ...(incidentId !== undefined ? { incidentId } : {}),
        ...(o.includeReceived ? { includeReceived: true } : {}),
      }
      const store = await openExistingStore(o)
      try {
        if (o.format === 'misp') {
          if (!o.out) throw new UsageError('--format misp needs --out <directory>')
          const r = await exportMispFeed(store, o.out, base)
          if (o.json) return printJson(r)
          process.stderr.write(`MISP feed in ${o.out}: ${r.events} events, ${r.attributes} addresses\n`)
          return
        }
        if (o.format !== 'stix') throw new UsageError('--format expects stix or misp')
        const stats: ExportStats = { objects: 0, indicators: 0, wallets: 0, incidents: 0 }
        const out = o.out ? createWriteStream(o.out) : process.stdout
        for await (const s of stixBundleLines(store, { ...base, ...(o.source ? { source: o.source } : {}) }, stats)) {
          if (!out.write(s)) await new Promise<void>((r) => out.once('drain', () => r()))
        }
        if (o.out) {
          out.end()
          await finished(out)
        }
        if (o.json && o.out) return printJson(stats)
        process.stderr.write(
          `STIX bundle${o.out ? ` ${o.out}` : ''}: ${stats.objects} objects, ${stats.indicators} indicators, ${stats.wallets} wallets, ${stats.incidents} incidents\n`,
        )
      } finally {
        store.close()
      }
    })
  share
    .command('import <file>')
    .description(
      'Import a STIX 2.1 bundle (a file) or a MISP feed (a directory): wallet addresses become labels with provenance (never overwriting yours)',
    )
    .option('--max-objects <n>', 'reject bundles with more objects (default 10,000,000)')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Common & { maxObjects?: string }
      const maxObjects = intOption(o.maxObjects, '--max-objects', 1)
      const store = await HoundStore.open(dbPath(o))
      let changed = false
      try {
        const r = statSync(file).isDirectory()
          ? await importMispFeed(store, file)
          : await importStixFile(store, file, maxObjects ? { limits: { maxObjects } } : {})
        changed = r.labelsAdded > 0
        if (o.json) return printJson(r)
        process.stdout.write(
          `${file}: ${r.objects} objects from ${r.institutions.join(', ') || 'no institution'}: ${r.indicators} indicators, ${r.labelsAdded} labels added, ${r.labelsKnown} known, ${r.skippedCount} skipped\n`,
        )
        for (const s of r.skipped.slice(0, 20))
          process.stdout.write(`  skipped #${s.index} ${s.id ?? ''}: ${s.reason}\n`)
      } finally {
        store.close()
        // a running `hound serve` on this store reloads at once (src/server/notifyServer.ts)
        if (changed) notifyServer(dbPath(o))
      }
    })
  const peerOpts = (c: Command) =>
    c
      .requiredOption('--peer <url>', "the peer's TAXII discovery URL (e.g. https://peer/taxii2/)")
      .requiredOption('--user <name>', 'our institution name at the peer (the key name)')
      .requiredOption('--key <key>', 'the API key the peer issued us')
      .option('--collection <id>', 'collection id or alias (default: chosen from the rights)')
      .option('--json', 'print the report as JSON')
  peerOpts(share.command('pull').description('Pull a peer’s TAXII collection into labels (resumes where it stopped)'))
    .option('--limit <n>', 'page size (default server’s)')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Common & {
        peer: string
        user: string
        key: string
        collection?: string
        limit?: string
      }
      const limit = intOption(o.limit, '--limit', 1)
      const store = await HoundStore.open(dbPath(o))
      let changed = false
      try {
        const r = await pullFromPeer(store, {
          peer: o.peer,
          user: o.user,
          key: o.key,
          ...(o.collection ? { collection: o.collection } : {}),
          ...(limit ? { limit } : {}),
        })
        changed = r.objects > 0
        if (o.json) return printJson(r)
        process.stdout.write(
          `pulled ${r.objects} objects in ${r.pages} pages from ${r.peer} (${r.collection}): ${r.labelsAdded} labels added, ${r.skipped} skipped; resume after ${r.addedAfter ?? '-'}\n` +
            (r.labelsAdded > 0 ? "run 'hound rescreen' to apply them to past screenings\n" : ''),
        )
      } finally {
        store.close()
        // a running `hound serve` on this store reloads at once: new screenings see the pulled labels
        if (changed) notifyServer(dbPath(o))
      }
    })
  peerOpts(
    share.command('push').description('Push our export (up to --tlp, never RED) to a peer’s writable collection'),
  )
    .option('--tlp <level>', 'most restricted TLP pushed (default amber)')
    .option('--incident <id>', 'only this incident')
    .option('--institution <name>', 'the publishing institution (default $HOUND_INSTITUTION)')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Common & { peer: string; user: string; key: string; collection?: string }
      const maxTlp = tlpOpt(o.tlp)
      const incidentId = intOption(o.incident, '--incident', 1)
      const store = await openExistingStore(o)
      try {
        const r = await pushToPeer(store, {
          peer: o.peer,
          user: o.user,
          key: o.key,
          institution: institutionName(o),
          ...(o.collection ? { collection: o.collection } : {}),
          ...(maxTlp ? { maxTlp } : {}),
          ...(incidentId !== undefined ? { incidentId } : {}),
        })
        if (o.json) return printJson(r)
        process.stdout.write(
          `pushed ${r.posted} objects to ${o.peer} (${r.collection}): ${r.succeeded} accepted, ${r.failed} failed\n`,
        )
      } finally {
        store.close()
      }
    })
  share
    .command('match')
    .description(
      'Private set intersection: which of my addresses are in the peer’s stolen-funds set (lists stay private)',
    )
    .requiredOption('--peer <url>', "the peer's TAXII discovery URL")
    .requiredOption('--user <name>', 'our institution name at the peer (the key name)')
    .requiredOption('--key <key>', 'the API key the peer issued us')
    .requiredOption('--addresses <file>', 'file with one address per line (e.g. our deposit addresses)')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Common & { peer: string; user: string; key: string; addresses: string }
      const addresses = readFileSync(o.addresses, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
      const r = await matchWithPeer({ peer: o.peer, user: o.user, key: o.key, addresses })
      if (o.json) return printJson(r)
      process.stdout.write(
        `${r.matches.length} of ${r.queried} addresses are in the peer's set (${r.peerSetSize} addresses)\n${r.matches.map((m) => `${m}\n`).join('')}`,
      )
    })
}

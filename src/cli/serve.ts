/**
 * `hound serve`: the screening HTTP API (docs/API.md) on 127.0.0.1:8080 by default.
 * @module
 */
import type { Command } from 'commander'
import { UsageError } from '../core/errors.js'
import type { Tlp } from '../core/model.js'
import { tlpLevels } from '../core/model.js'
import { openScreener } from '../risk/openScreener.js'
import { ScreeningRecorder } from '../risk/ScreeningRecorder.js'
import { ApiKeyRegistry } from '../server/apiKeys.js'
import { createApp, defaultRouteModules } from '../server/createApp.js'
import { servePidFile } from '../server/notifyServer.js'
import { startServer } from '../server/startServer.js'
import { serveTaxiiModule } from '../share/serveTaxii.js'
import { HoundStore } from '../store/HoundStore.js'
import { dbPath } from './context.js'
import { intOption } from './ingest.js'
import { type ExposureCliOptions, exposureOptions, openExistingStore } from './screen.js'

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the screening API: sanctions facades (Chainalysis/TRM shapes), /v1/screen, /openapi.json')
    .option('--port <port>', 'port (default 8080; 0 picks a free one)')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
    .option('--max-tlp <level>', 'serve only labels up to this TLP (default red: everything)')
    .option('--policy <policy>', 'taint policy for exposure (default haircut)')
    .option('--max-hops <n>', 'exposure depth H (default 5)')
    .option('--decay <lambda>', 'hop decay λ (default 0.5)')
    .option('--no-graph', 'labels only: do not load chain data for exposure')
    .option('--no-record', 'do not record screenings for hound rescreen')
    .option('--institution <name>', 'TAXII: the institution publishing (default $HOUND_INSTITUTION)')
    .option('--no-taxii', 'screening only: do not mount the TAXII 2.1 sharing routes (faster start with many labels)')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as ExposureCliOptions & {
        db?: string
        port?: string
        host?: string
        maxTlp?: string
        graph?: boolean
        record?: boolean
        institution?: string
        taxii?: boolean
      }
      if (o.maxTlp !== undefined && !(tlpLevels as readonly string[]).includes(o.maxTlp)) {
        throw new UsageError(`--max-tlp expects one of ${tlpLevels.join(', ')}`)
      }
      const port = intOption(o.port, '--port') ?? 8080
      if (port > 65535) throw new UsageError('--port must be ≤ 65535')
      const exposure = exposureOptions(o)
      const path = dbPath(o)
      const loadState = async () => {
        const store = await openExistingStore(o, { readOnly: true })
        try {
          const screener = await openScreener(store, {
            withGraph: o.graph !== false,
            exposure,
            ...(o.maxTlp ? { maxTlp: o.maxTlp as Tlp } : {}),
          })
          return { screener, keys: await ApiKeyRegistry.load(store) }
        } finally {
          store.close()
        }
      }
      // `<store>.serve.pid` (src/server/notifyServer.ts): commands that write intelligence to this store SIGHUP us, so
      // pulled or imported labels reach screening at once. Written before the warm load (a stale file of a dead server
      // is simply replaced), with a handler that remembers a SIGHUP arriving while we start (the default action would
      // end the process); it is replayed once every reload handler is installed, so no write is missed.
      let hupWhileStarting = false
      const early = () => {
        hupWhileStarting = true
      }
      process.on('SIGHUP', early)
      const removePid = servePidFile(path)
      process.once('exit', removePid)
      const t0 = performance.now()
      const state = await loadState()
      const recorder = o.record === false ? null : new ScreeningRecorder()
      const { app, ctx } = createApp({
        screener: state.screener,
        keys: state.keys,
        // TAXII 2.1 (src/share, docs/sharing.md)
        modules: [
          ...defaultRouteModules,
          ...(o.taxii === false
            ? []
            : [
                await serveTaxiiModule(path, {
                  institution: o.institution ?? process.env.HOUND_INSTITUTION ?? 'Ledgerhound instance',
                }),
              ]),
        ],
        ...(recorder ? { onScreened: (r, k) => recorder.record(r, k) } : {}),
      })
      const server = await startServer(app, { port, host: o.host ?? '127.0.0.1' })
      const announce = (what: string, t: number) => {
        const dv = ctx.screener.dataVersion
        process.stderr.write(
          `hound serve: ${server.url} — ${ctx.screener.index.size} labels, ${ctx.keys.size} keys, intel v${dv.intel}, chain ${dv.chain ?? '-'} tip ${dv.tipHeight ?? '-'} (${what} in ${((performance.now() - t) / 1000).toFixed(1)} s)\n`,
        )
      }
      announce('warm', t0)
      if (ctx.keys.size === 0) {
        process.stderr.write("hound serve: no API keys yet: create one with 'hound keys create --name <institution>'\n")
      }
      // The store is not held open while serving (DuckDB allows one writer process), so `hound intel import`,
      // `hound keys create` and `hound rescreen` work meanwhile; screenings are written every few seconds and kept
      // in memory while the store is busy. SIGHUP reloads labels, graph and keys (the intelligence writers send it).
      // Flushes (read-write) and reloads (read-only) take turns: one process may not open the store both ways at once.
      let turn: Promise<unknown> = Promise.resolve()
      const exclusive = (f: () => Promise<void>): Promise<void> => {
        const p = turn.then(f, f)
        turn = p.catch(() => {})
        return p
      }
      const flush = () => exclusive(flushNow)
      const flushNow = async () => {
        if (!recorder || recorder.pendingCount === 0) return
        let store: HoundStore | null = null
        try {
          store = await HoundStore.open(path)
          await recorder.flush(store)
        } catch {
          // store busy (another hound process writes): keep the records for the next attempt
        } finally {
          store?.close()
        }
      }
      const timer = setInterval(() => void flush(), 5000)
      const reload = () => exclusive(reloadNow)
      const reloadNow = async () => {
        const t = performance.now()
        try {
          const next = await loadState()
          ctx.screener = next.screener
          ctx.keys = next.keys
          announce('reloaded', t)
        } catch (e) {
          process.stderr.write(
            `hound serve: reload failed, keeping the current state: ${e instanceof Error ? e.message : String(e)}\n`,
          )
        }
      }
      process.on('SIGHUP', () => void reload())
      process.off('SIGHUP', early)
      if (hupWhileStarting) process.kill(process.pid, 'SIGHUP')
      await new Promise<void>((resolve) => {
        const stop = () => resolve()
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      removePid()
      clearInterval(timer)
      await server.close()
      await flush()
    })
}

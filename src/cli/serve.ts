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
import { createApp } from '../server/createApp.js'
import { startServer } from '../server/startServer.js'
import { HoundStore } from '../store/HoundStore.js'
import { dbPath } from './context.js'
import { intOption } from './ingest.js'
import { type ExposureCliOptions, exposureOptions } from './screen.js'

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
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as ExposureCliOptions & {
        db?: string
        port?: string
        host?: string
        maxTlp?: string
        graph?: boolean
        record?: boolean
      }
      if (o.maxTlp !== undefined && !(tlpLevels as readonly string[]).includes(o.maxTlp)) {
        throw new UsageError(`--max-tlp expects one of ${tlpLevels.join(', ')}`)
      }
      const port = intOption(o.port, '--port') ?? 8080
      if (port > 65535) throw new UsageError('--port must be ≤ 65535')
      const exposure = exposureOptions(o)
      const store = await HoundStore.open(dbPath(o))
      const t0 = performance.now()
      const screener = await openScreener(store, {
        withGraph: o.graph !== false,
        exposure,
        ...(o.maxTlp ? { maxTlp: o.maxTlp as Tlp } : {}),
      })
      const keys = await ApiKeyRegistry.load(store)
      const recorder = o.record === false ? null : new ScreeningRecorder(store)
      const { app } = createApp({
        screener,
        keys,
        store,
        ...(recorder ? { onScreened: (r, k) => recorder.record(r, k) } : {}),
      })
      const server = await startServer(app, { port, host: o.host ?? '127.0.0.1' })
      const dv = screener.dataVersion
      process.stderr.write(
        `hound serve: ${server.url} — ${screener.index.size} labels, ${keys.size} keys, intel v${dv.intel}, chain ${dv.chain ?? '-'} tip ${dv.tipHeight ?? '-'} (warm in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
      )
      if (keys.size === 0)
        process.stderr.write("hound serve: no API keys yet: create one with 'hound keys create --name <institution>'\n")
      let flushing = false
      const timer = setInterval(() => {
        if (!recorder || flushing) return
        flushing = true
        recorder
          .flush()
          .catch((e: unknown) => process.stderr.write(`hound serve: recording screenings failed: ${String(e)}\n`))
          .finally(() => {
            flushing = false
          })
      }, 1000)
      await new Promise<void>((resolve) => {
        const stop = () => resolve()
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      clearInterval(timer)
      await server.close()
      if (recorder) await recorder.flush()
      store.close()
    })
}

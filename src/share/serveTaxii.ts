/**
 * The TAXII module as `hound serve` mounts it. The server does not hold the store (other hound processes write
 * meanwhile), so: collections live in their own DuckDB file beside it (`<store>.taxii`, held by the server) and
 * are refreshed from the store at start (before the server answers) and in the background on SIGHUP (only new
 * objects/versions are appended; "TAXII collections refreshed" is logged when done); a POST opens the store for
 * the write (serialised), stores the objects and imports them as labels, then sends the server SIGHUP so its
 * screening state reloads — pulled or pushed intelligence reaches screening at once. Also mounts the private
 * matching endpoint (psiRoutes).
 * @module
 */
import type { RouteModule } from '../server/context.js'
import { HoundStore } from '../store/HoundStore.js'
import { psiRoutes } from './psiRoutes.js'
import { TaxiiCollections } from './TaxiiCollections.js'
import { taxiiRoutes } from './taxiiRoutes.js'

/** Where `hound serve` keeps the TAXII collections of the store at `path`. */
export function taxiiStorePath(path: string): string {
  return `${path}.taxii`
}

export async function serveTaxiiModule(path: string, o: { institution: string }): Promise<RouteModule> {
  // the collections live in their own DuckDB file, held by this process (the store itself is not held open)
  const collections = await TaxiiCollections.open(taxiiStorePath(path))
  const load = async () => {
    const s = await HoundStore.open(path)
    try {
      await collections.load(s, o.institution)
    } finally {
      s.close()
    }
  }
  // the first load completes before the server answers (so the store is closed again when `hound serve` announces
  // itself and other hound processes can write at once); SIGHUP refreshes run one after another in the background,
  // and objects appended later get later date_added values, so a client resuming with added_after misses nothing
  let loading: Promise<void> = Promise.resolve()
  const refresh = () => {
    const t = performance.now()
    loading = loading.then(load).then(
      () => {
        process.stderr.write(
          `hound serve: TAXII collections refreshed in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
        )
      },
      (e) => {
        process.stderr.write(`hound serve: TAXII reload failed: ${e instanceof Error ? e.message : String(e)}\n`)
      },
    )
  }
  refresh()
  await loading
  process.on('SIGHUP', refresh)
  let chain: Promise<unknown> = Promise.resolve()
  const taxii = taxiiRoutes({
    collections,
    title: o.institution,
    withStore: <T>(fn: (s: HoundStore) => Promise<T>) => {
      const run = chain.then(async () => {
        const s = await HoundStore.open(path)
        try {
          return await fn(s)
        } finally {
          s.close()
        }
      })
      chain = run.catch(() => undefined)
      return run
    },
    onImported: () => {
      process.kill(process.pid, 'SIGHUP')
    },
  })
  const psi = psiRoutes()
  return {
    name: 'taxii',
    ...(taxii.openapi ? { openapi: taxii.openapi } : {}),
    register(app, ctx) {
      taxii.register(app, ctx)
      psi.register(app, ctx)
    },
  }
}

/**
 * Open the store for a read-only command: read-only (so several readers can run while nobody writes), and
 * without creating a file when there is none.
 * @module
 */
import { existsSync } from 'node:fs'
import { NotSyncedError } from '../core/errors.js'
import { HoundStore } from '../store/HoundStore.js'
import { dbPath } from './context.js'

/** The store at --db/$HOUND_DB/./hound.duckdb, or null when the file does not exist. */
export async function openReadStore(opts: { db?: string | undefined }): Promise<HoundStore | null> {
  const path = dbPath(opts)
  if (!existsSync(path)) return null
  return HoundStore.open(path, { readOnly: true })
}

/** As openReadStore, but a missing store is an error (NotSyncedError, exit 1). */
export async function openReadStoreOrFail(opts: { db?: string | undefined }): Promise<HoundStore> {
  const s = await openReadStore(opts)
  if (!s) {
    throw new NotSyncedError(`store ${dbPath(opts)} does not exist: run 'hound ingest btc' first`, {
      details: { file: dbPath(opts) },
    })
  }
  return s
}

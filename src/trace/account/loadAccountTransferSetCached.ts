/**
 * `loadAccountTransferSet` with a persistent snapshot beside the store: `<store>.cache/account-<fee>[-<chains>].bin`
 * (format in accountSetSnapshot.ts). The SQL build of a large store takes seconds; reading the snapshot takes a
 * fraction of that. The snapshot is used only when its header names the same loader options and the same store
 * fingerprint (accountStoreFingerprint.ts: a content hash of every table and column the loader reads, and of the
 * loader's code), so any write to the store invalidates it without the writer knowing about it.
 *
 * Never an error for the user: a missing, corrupt, truncated, foreign-version or stale snapshot is ignored and the
 * set is rebuilt from SQL; the new snapshot is written atomically (temporary file + rename). Read-only stores and
 * unwritable directories only skip the write; `:memory:` stores and big-endian hosts have no snapshot.
 * @module
 */
import { createHash } from 'node:crypto'
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { endianness } from 'node:os'
import { basename, dirname, join } from 'node:path'
import type { HoundStore } from '../../store/HoundStore.js'
import type { AccountTransferSet, FeeConvention } from './AccountTransferSet.js'
import {
  decodeAccountSetSnapshot,
  encodeAccountSetSnapshot,
  peekSnapshotKey,
  type SnapshotDecode,
  type SnapshotKey,
  sameSnapshotKey,
} from './accountSetSnapshot.js'
import { accountStoreFingerprint } from './accountStoreFingerprint.js'
import { loadAccountTransferSet } from './loadAccountTransferSet.js'

export type SnapshotReport = {
  /** The snapshot file for these options, or null when the store has none (`:memory:`, cache off). */
  file: string | null
  /** `hit`: read from the snapshot; `miss`: built from SQL; `off`: no snapshot considered. */
  status: 'hit' | 'miss' | 'off'
  /** Why the snapshot was not used (absent, stale, corrupt…) or not written. */
  reason?: string
  written: boolean
  fingerprintMs: number
  readMs: number
  buildMs: number
  writeMs: number
}

/** readFileSync's limit (2 GiB − 1): a larger snapshot could not be read back, so it is not written (~25M transfers). */
const MAX_READ = 2 ** 31 - 1

/** `<snapshot>.tmp-<pid>-<random>`: written by `pid`, renamed over the snapshot when complete. */
const TMP = /^account-.*\.bin\.tmp-(\d+)-[0-9a-z]*$/

/**
 * Remove the temporary files a killed writer left behind (its process is gone). Only the process holding the store
 * read-write writes here (DuckDB's lock), so a live writer's file is never touched; best effort.
 */
function removeDeadTemporaries(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = Number(TMP.exec(name)?.[1] ?? 0)
    if (pid === 0 || pid === process.pid) continue
    try {
      process.kill(pid, 0) // alive (or not ours to signal): leave it
    } catch (e) {
      try {
        if ((e as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(dir, name), { force: true })
      } catch {
        // not removable: the write goes ahead anyway
      }
    }
  }
}

/** The snapshot file of `storePath` for these loader options. */
export function snapshotFile(storePath: string, fee: FeeConvention, chains: readonly string[]): string {
  const suffix = chains.length ? `-${createHash('sha256').update(chains.join('\n')).digest('hex').slice(0, 12)}` : ''
  return join(dirname(storePath), `${basename(storePath)}.cache`, `account-${fee}${suffix}.bin`)
}

/**
 * The account transfer set of the store, from its snapshot when valid, else from SQL (then the snapshot is
 * written). `cache: false` loads from SQL and neither reads nor writes a snapshot.
 */
export async function loadAccountTransferSetCached(
  store: HoundStore,
  opts: { fee?: FeeConvention; chains?: readonly string[]; cache?: boolean } = {},
): Promise<{ set: AccountTransferSet; snapshot: SnapshotReport }> {
  const fee = opts.fee ?? 'last'
  const chains = [...new Set(opts.chains ?? [])].sort()
  const report: SnapshotReport = {
    file: null,
    status: 'off',
    written: false,
    fingerprintMs: 0,
    readMs: 0,
    buildMs: 0,
    writeMs: 0,
  }
  const build = async () => {
    const t0 = performance.now()
    const set = await loadAccountTransferSet(store, { fee, chains })
    report.buildMs = performance.now() - t0
    return set
  }
  if (opts.cache === false || store.path === ':memory:' || store.path === '' || endianness() !== 'LE') {
    report.reason = opts.cache === false ? 'disabled' : 'no snapshot for this store'
    return { set: await build(), snapshot: report }
  }
  const file = snapshotFile(store.path, fee, chains)
  // The fingerprint query runs in DuckDB's threads while this thread reads and decodes the snapshot (assuming the
  // fingerprint in its header); the set is used only if that fingerprint turns out to be the store's.
  const t0 = performance.now()
  const fingerprinting = accountStoreFingerprint(store).then(
    (fp) => ({ fp, ms: performance.now() - t0 }),
    (e: unknown) => ({ fp: null, ms: performance.now() - t0, error: e instanceof Error ? e.message : String(e) }),
  )
  let decoded: SnapshotDecode | null = null
  let found: SnapshotKey | null = null
  const t1 = performance.now()
  try {
    const bytes = readFileSync(file)
    found = peekSnapshotKey(bytes)
    decoded =
      found === null
        ? { reject: 'not a snapshot or damaged header' }
        : found.fee !== fee || found.chains.join('\n') !== chains.join('\n')
          ? { reject: 'built for other options' }
          : decodeAccountSetSnapshot(bytes, found)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    decoded = { reject: code === 'ENOENT' ? 'absent' : `unreadable: ${code ?? String(e)}` }
  }
  report.readMs = performance.now() - t1
  const f = await fingerprinting
  report.fingerprintMs = f.ms
  let readOnly = true
  if (f.fp !== null)
    try {
      readOnly = (await store.one<{ m: string }>("SELECT current_setting('access_mode') AS m"))?.m === 'read_only'
    } catch {
      // keep read-only: do not write
    }
  if (f.fp === null) {
    // e.g. a read-only store without the EVM tables: the SQL loader reports it as it always did
    report.reason = 'error' in f ? `no fingerprint: ${f.error}` : 'loader code not identified'
    return { set: await build(), snapshot: report }
  }
  const key: SnapshotKey = { fee, chains, fingerprint: f.fp }
  report.file = file
  report.status = 'miss'
  if ('set' in decoded && found !== null && sameSnapshotKey(found, key)) {
    report.status = 'hit'
    return { set: decoded.set, snapshot: report }
  }
  report.reason = 'set' in decoded ? 'stale: the store changed' : decoded.reject
  decoded = null // free the stale set before building the new one
  const set = await build()
  if (readOnly) {
    report.reason = `${report.reason}; not written: read-only store`
    return { set, snapshot: report }
  }
  const t2 = performance.now()
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`
  try {
    const parts = encodeAccountSetSnapshot(set, key)
    const size = parts?.reduce((a, b) => a + b.length, 0) ?? 0
    if (parts === null) report.reason = `${report.reason}; not written: not representable`
    else if (size > MAX_READ) report.reason = `${report.reason}; not written: ${size} bytes, more than one read takes`
    else {
      mkdirSync(dirname(file), { recursive: true })
      removeDeadTemporaries(dirname(file))
      const fd = openSync(tmp, 'wx')
      try {
        for (const b of parts) for (let off = 0; off < b.length; ) off += writeSync(fd, b, off)
      } finally {
        closeSync(fd)
      }
      renameSync(tmp, file)
      report.written = true
    }
  } catch (e) {
    try {
      rmSync(tmp, { force: true })
    } catch {
      // nothing was created
    }
    report.reason = `${report.reason}; not written: ${(e as NodeJS.ErrnoException).code ?? String(e)}`
  }
  report.writeMs = performance.now() - t2
  return { set, snapshot: report }
}

/**
 * Tell a running `hound serve` that the intelligence in its store changed, so pulled or imported labels reach
 * screening (and the TAXII collections) at once instead of at the next manual SIGHUP. `hound serve` keeps its pid in
 * `<store>.serve.pid` (servePidFile); every command that writes intelligence calls notifyServer afterwards, which
 * sends that process SIGHUP (serve reloads labels, graph, keys and collections). No server, a stale pid file (the
 * process is gone) or a pid now used by some other program: nothing is signalled and the command still succeeds.
 * @module
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

/** Where `hound serve` on the store at `dbPath` keeps its pid (absolute, so relative and absolute --db agree). */
export function servePidPath(dbPath: string): string {
  return `${resolve(dbPath)}.serve.pid`
}

/** True when a process with this pid exists (signal 0 checks without signalling; EPERM = exists, not ours). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Guard against pid reuse: where /proc exists, the process must be a `serve` (its command line has that word), so
 * a recycled pid of an unrelated program is never sent SIGHUP (whose default action ends a process).
 */
function looksLikeServe(pid: number): boolean {
  let cmdline: string
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return process.platform !== 'linux'
  }
  return cmdline.split('\0').includes('serve')
}

/** The pid recorded for the store at `dbPath` when that process is alive and a `serve`, else null. */
export function runningServer(dbPath: string): number | null {
  let text: string
  try {
    text = readFileSync(servePidPath(dbPath), 'utf8')
  } catch {
    return null
  }
  const pid = Number.parseInt(text.trim(), 10)
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return null
  return alive(pid) && looksLikeServe(pid) ? pid : null
}

/**
 * Record this process as the server of the store at `dbPath` (replacing a stale file). Returns the function that
 * removes the file again on a clean exit (only if it still names this process).
 */
export function servePidFile(dbPath: string): () => void {
  const path = servePidPath(dbPath)
  writeFileSync(path, `${process.pid}\n`)
  return () => {
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true })
    } catch {
      // already gone
    }
  }
}

export type NotifyResult = { readonly notified: boolean; readonly pid?: number }

/**
 * After a command changed the intelligence in the store at `dbPath`: SIGHUP the `hound serve` running on it, if any,
 * and say so on stderr (`log`; never on stdout, which may carry --json). Never throws.
 */
export function notifyServer(
  dbPath: string,
  log: (line: string) => void = (l) => process.stderr.write(l),
): NotifyResult {
  try {
    const pid = runningServer(dbPath)
    if (pid === null) return { notified: false }
    process.kill(pid, 'SIGHUP')
    log(`hound: told the running 'hound serve' (pid ${pid}) to reload the intelligence\n`)
    return { notified: true, pid }
  } catch {
    return { notified: false }
  }
}

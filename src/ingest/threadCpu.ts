/**
 * CPU seconds (user + system) used so far by one thread of this process, from /proc (Linux). Used to split ingest's
 * CPU time between the main thread, the decode workers and the rest (DuckDB's threads, V8's GC helpers): a
 * contention-proof measure of where the work is, unlike wall-clock time on a shared machine.
 * @module
 */
import { readFileSync } from 'node:fs'

/** Clock ticks per second of /proc's utime/stime (USER_HZ is 100 on every Linux ABI Node supports). */
const TICKS = 100

/** The calling thread's id (Linux: /proc/thread-self), or null where /proc is not available. */
export function currentThreadId(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/stat', 'latin1').split(' ', 1)[0])
  } catch {
    return null
  }
}

/** CPU seconds of thread `tid` of this process, or null when unknown (not Linux, thread gone). */
export function threadCpuSeconds(tid: number | null): number | null {
  if (tid === null) return null
  try {
    const s = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1')
    // fields after the ")" closing the command name: state is field 3, utime 14, stime 15
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / TICKS
  } catch {
    return null
  }
}

/**
 * Test-only: the process plumbing shared by the local EVM node helpers (_testAnvil, _testHardhat).
 * @internal
 */
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

/** A free TCP port on 127.0.0.1 (probed by binding and closing; a concurrent test may still take it). */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const p = typeof a === 'object' && a ? a.port : 0
      s.close(() => res(p))
    })
    s.on('error', rej)
  })
}

/** SIGTERM the node and resolve when it has exited (at once if it already has). */
export function stopProcess(proc: ChildProcess): Promise<void> {
  return new Promise<void>((res) => {
    if (proc.exitCode !== null) return res()
    proc.once('exit', () => res())
    proc.kill('SIGTERM')
  })
}

import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { notifyServer, runningServer, servePidFile, servePidPath } from './notifyServer.js'

const dir = mkdtempSync(join(tmpdir(), 'hound-notify-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A real child process named like a server (`… serve` on its command line) that prints "hup" on SIGHUP. */
function fakeServe() {
  const p = spawn(
    process.execPath,
    [
      '-e',
      "process.on('SIGHUP', () => process.stdout.write('hup\\n')); process.stdout.write('ready\\n'); setInterval(() => {}, 1000)",
      'serve',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  p.stdout!.on('data', (d) => {
    out += d
  })
  const until = async (s: string) => {
    const t0 = Date.now()
    while (!out.includes(s)) {
      if (Date.now() - t0 > 10_000) throw new Error(`no '${s}' from the child: ${out}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  return { p, until }
}

describe('notifyServer', () => {
  it('missing pid file: nothing signalled, no output, no error', () => {
    const lines: string[] = []
    expect(notifyServer(join(dir, 'none.duckdb'), (l) => lines.push(l))).toEqual({ notified: false })
    expect(lines).toEqual([])
  })

  it('stale pid file (the process is gone) or garbage: ignored', async () => {
    const db = join(dir, 'stale.duckdb')
    const gone = spawn(process.execPath, ['-e', '0', 'serve'])
    const pid = gone.pid!
    await new Promise((r) => gone.once('exit', r))
    writeFileSync(servePidPath(db), `${pid}\n`)
    const lines: string[] = []
    expect(runningServer(db)).toBeNull()
    expect(notifyServer(db, (l) => lines.push(l))).toEqual({ notified: false })
    writeFileSync(servePidPath(db), 'not a pid\n')
    expect(notifyServer(db, (l) => lines.push(l))).toEqual({ notified: false })
    expect(lines).toEqual([])
    // a server starting on the store replaces the stale file, and removes it again on a clean exit
    const remove = servePidFile(db)
    expect(readFileSync(servePidPath(db), 'utf8').trim()).toBe(String(process.pid))
    remove()
    expect(existsSync(servePidPath(db))).toBe(false)
  })

  it('a live server process gets SIGHUP and the command says so; a live process that is not a serve does not', async () => {
    const db = join(dir, 'live.duckdb')
    const s = fakeServe()
    try {
      await s.until('ready')
      writeFileSync(servePidPath(db), `${s.p.pid}\n`)
      const lines: string[] = []
      expect(notifyServer(db, (l) => lines.push(l))).toEqual({ notified: true, pid: s.p.pid })
      await s.until('hup')
      expect(lines.join('')).toContain(`pid ${s.p.pid}`)
    } finally {
      s.p.kill('SIGTERM')
    }
    if (process.platform === 'linux') {
      // a recycled pid now used by another program (no `serve` on its command line) is left alone
      const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'])
      try {
        writeFileSync(servePidPath(db), `${other.pid}\n`)
        expect(notifyServer(db, () => {})).toEqual({ notified: false })
        expect(other.exitCode).toBeNull()
      } finally {
        other.kill('SIGTERM')
      }
    }
  })
})

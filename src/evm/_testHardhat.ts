/**
 * Test-only: start a real local EVM node (Hardhat Network, `hardhat node` from the npm package, offline) on
 * a free port in a child process, and stop it. The config lives in a temporary directory.
 * @internal
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../core/_testData.js'
import { freePort, stopProcess } from './_testNode.js'

export type HardhatNode = { url: string; port: number; stop(): Promise<void>; proc: ChildProcess }

/**
 * Start a node; retried (new port) when the port was taken by a concurrent test between probing and binding,
 * or when the node answering is not a fresh one (block 0).
 */
export async function startHardhat(opts: { chainId?: number; accounts?: number } = {}): Promise<HardhatNode> {
  let last: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const node = await startOnce(opts)
      const r = await fetch(node.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}',
      })
      const j = (await r.json()) as { result?: string }
      if (j.result === '0x0') return node
      await node.stop()
      last = new Error(`node on ${node.url} is not fresh (block ${j.result})`)
    } catch (e) {
      last = e
    }
  }
  throw last
}

async function startOnce(opts: { chainId?: number; accounts?: number }): Promise<HardhatNode> {
  const dir = mkdtempSync(join(tmpdir(), 'hound-hardhat-'))
  const cfg = join(dir, 'hardhat.config.cjs')
  writeFileSync(
    cfg,
    `module.exports = { networks: { hardhat: { chainId: ${opts.chainId ?? 31337}, hardfork: 'cancun',
      accounts: { count: ${opts.accounts ?? 20} }, mining: { auto: true } } }, paths: { cache: ${JSON.stringify(join(dir, 'cache'))}, artifacts: ${JSON.stringify(join(dir, 'artifacts'))} } }\n`,
  )
  const port = await freePort()
  const proc = spawn(
    process.execPath,
    [
      join(repoRoot, 'node_modules/hardhat/internal/cli/cli.js'),
      'node',
      '--hostname',
      '127.0.0.1',
      '--port',
      String(port),
      '--config',
      cfg,
    ],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
    },
  )
  let log = ''
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`hardhat node did not start: ${log}`)), 60_000)
    const on = (b: Buffer) => {
      log += b.toString()
      if (log.includes('Started HTTP')) {
        clearTimeout(timer)
        proc.stdout!.off('data', on)
        proc.stderr!.off('data', on)
        res()
      }
    }
    proc.stdout!.on('data', on)
    proc.stderr!.on('data', on)
    proc.on('exit', (c) => {
      clearTimeout(timer)
      rej(new Error(`hardhat node exited ${c}: ${log}`))
    })
  })
  proc.stdout!.resume()
  proc.stderr!.resume()
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    proc,
    stop: () => stopProcess(proc),
  }
}

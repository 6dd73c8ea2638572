/**
 * Test-only: start Foundry's Anvil node (the binary of the `@foundry-rs/anvil-<platform>` npm package, a dev
 * dependency) on a free port, silent, and stop it. `anvilBinary()` is null where the package has no binary for
 * this platform, so the tests that need it can skip with a message.
 * @internal
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../core/_testData.js'
import { freePort, stopProcess } from './_testNode.js'

export type AnvilNode = { url: string; stop(): Promise<void>; proc: ChildProcess }

const platforms: Record<string, string> = {
  'linux-x64': 'linux-amd64',
  'linux-arm64': 'linux-arm64',
  'darwin-x64': 'darwin-amd64',
  'darwin-arm64': 'darwin-arm64',
}

/** Path of the Anvil binary installed for this platform, or null. */
export function anvilBinary(): string | null {
  const plat = platforms[`${process.platform}-${process.arch}`]
  const f = plat ? join(repoRoot, `node_modules/@foundry-rs/anvil-${plat}/bin/anvil`) : null
  return f && existsSync(f) ? f : null
}

/** Start Anvil (chain id 31337, cancun, `accounts` funded accounts) and wait until it answers JSON-RPC. */
export async function startAnvil(opts: { accounts?: number } = {}): Promise<AnvilNode> {
  const bin = anvilBinary()
  if (!bin) throw new Error('the Anvil binary is not installed (npm install: @foundry-rs/anvil)')
  const port = await freePort()
  const args = ['--host', '127.0.0.1', '--port', String(port), '--silent', '--chain-id', '31337']
  const proc = spawn(bin, [...args, '--hardfork', 'cancun', '--accounts', String(opts.accounts ?? 10)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let err = ''
  proc.stderr!.on('data', (b: Buffer) => {
    err += b.toString()
  })
  const url = `http://127.0.0.1:${port}`
  const node: AnvilNode = {
    url,
    proc,
    stop: () => stopProcess(proc),
  }
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`anvil exited ${proc.exitCode}: ${err}`)
    try {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}',
      })
      if (r.ok) return node
    } catch {}
    await new Promise((res) => setTimeout(res, 50))
  }
  await node.stop()
  throw new Error(`anvil on ${url} did not answer: ${err}`)
}

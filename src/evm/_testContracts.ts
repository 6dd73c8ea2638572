/**
 * Test-only: compile the scenario contracts in src/evm/_contracts with the `solc` npm package
 * (WebAssembly; no compiler download) and return ABI + bytecode per contract.
 * @internal
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

export type Compiled = Record<string, { abi: unknown[]; bytecode: `0x${string}` }>

const dir = fileURLToPath(new URL('./_contracts/', import.meta.url))

let cache: Compiled | null = null

export function compileContracts(): Compiled {
  if (cache) return cache
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string }
  const sources: Record<string, { content: string }> = {}
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.sol')))
    sources[f] = { content: readFileSync(dir + f, 'utf8') }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'paris',
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  }
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[]
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>
  }
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'))
  const res: Compiled = {}
  for (const file of Object.values(out.contracts))
    for (const [name, c] of Object.entries(file)) res[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` }
  cache = res
  return res
}

/**
 * Test-only: compile the scenario contracts in src/evm/_contracts with the `solc` npm package
 * (WebAssembly; no compiler download) and return ABI + bytecode (creation and runtime) per contract.
 * @internal
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

export type Compiled = Record<string, { abi: unknown[]; bytecode: `0x${string}` }>

const dir = fileURLToPath(new URL('./_contracts/', import.meta.url))

type SolcOutput = {
  errors?: { severity: string; formattedMessage: string }[]
  contracts: Record<
    string,
    Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>
  >
}

let cache: SolcOutput | null = null

function compileAll(): SolcOutput {
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
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  }
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'))
  cache = out
  return out
}

/** ABI and creation bytecode per contract name. */
export function compileContracts(): Compiled {
  const res: Compiled = {}
  for (const file of Object.values(compileAll().contracts))
    for (const [name, c] of Object.entries(file)) res[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` }
  return res
}

/** Runtime (deployed) bytecode per contract name. */
export function runtimeCode(): Record<string, `0x${string}`> {
  const res: Record<string, `0x${string}`> = {}
  for (const file of Object.values(compileAll().contracts))
    for (const [name, c] of Object.entries(file)) res[name] = `0x${c.evm.deployedBytecode.object}`
  return res
}

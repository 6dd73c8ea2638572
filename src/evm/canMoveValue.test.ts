import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { canMoveValue } from './fetchEvmBlocks.js'

/** Runtime (deployed) bytecode of the scenario contracts, compiled with the solc npm package. */
function runtimeCode(): Record<string, string> {
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string }
  const dir = fileURLToPath(new URL('./_contracts/', import.meta.url))
  const sources: Record<string, { content: string }> = {}
  for (const f of ['Token.sol', 'Mixer.sol', 'Pair.sol']) sources[f] = { content: readFileSync(dir + f, 'utf8') }
  const out = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources,
        settings: {
          optimizer: { enabled: true, runs: 200 },
          evmVersion: 'paris',
          outputSelection: { '*': { '*': ['evm.deployedBytecode.object'] } },
        },
      }),
    ),
  ) as { contracts: Record<string, Record<string, { evm: { deployedBytecode: { object: string } } }>> }
  const res: Record<string, string> = {}
  for (const file of Object.values(out.contracts))
    for (const [name, c] of Object.entries(file)) res[name] = `0x${c.evm.deployedBytecode.object}`
  return res
}

describe('canMoveValue: which contracts need an internal-call trace', () => {
  const code = runtimeCode()

  it('a token without calls needs none, whatever bytes its metadata hash holds', () => {
    expect(code.Token).toMatch(/a264697066735822[0-9a-f]{68}64736f6c6343[0-9a-f]{6}0033$/) // CBOR trailer
    expect(canMoveValue(code.Token!)).toBe(false)
  })

  it('contracts that call out (bridge, mixer, router, pair) need one', () => {
    for (const k of ['Bridge', 'Mixer', 'Router', 'Pair']) expect(canMoveValue(code[k]!), k).toBe(true)
  })

  it('the trailer is stripped only when it parses: a CALL in the last bytes still counts', () => {
    // PUSH1 0 … CALL at the very end, no metadata
    expect(canMoveValue('0x6000600060006000600060006000f1')).toBe(true)
    // the same with a fake "length" that points at a non-CBOR byte
    expect(canMoveValue('0x6000f10003')).toBe(true)
    // metadata bytes 0xf1 after a proper CBOR trailer are data, not code
    expect(canMoveValue('0x6000fea1616af10004')).toBe(false)
    // EIP-7702 delegation designator
    expect(canMoveValue(`0xef0100${'11'.repeat(20)}`)).toBe(true)
  })
})

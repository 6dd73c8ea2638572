import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { dataPath, hasSharedData } from '../core/_testData.js'
import { readCsvObjects, readRpcResult } from './_testJsonBig.js'
import { decodeAbiText, foldSymbol, impersonates } from './tokenMetadata.js'

const E = 'eth/ethereum-etl/test_export_tokens_job'

describe.skipIf(!hasSharedData)('token registry: metadata as the contract reports it', () => {
  for (const dir of ['token_with_alternative_return_type', 'token_with_invalid_data']) {
    it(`decodes symbol/name/decimals like ethereum-etl (${dir})`, () => {
      const rel = `${E}/${dir}`
      const call = (sel: string) => {
        const f = readdirSync(dataPath(rel)).find((x) => x.includes(`eth_call_data_${sel}`))
        return f ? (readRpcResult(`${rel}/${f}`) as string | null) : null
      }
      const [exp] = readCsvObjects(`${rel}/expected_tokens.csv`)
      expect(decodeAbiText(call('0x95d89b41')) ?? '').toBe(exp!.symbol)
      expect(decodeAbiText(call('0x06fdde03')) ?? '').toBe(exp!.name)
      expect(String(BigInt(call('0x313ce567')!))).toBe(exp!.decimals)
    })
  }
  it('flags look-alike symbols (homoglyphs) of ETH and canonical tokens; canonical tokens are not flagged', () => {
    expect(foldSymbol('ЕТН...')).toBe('ETH')
    expect(impersonates('evm-1', '0x2a120e7f2f1d8ffd173ed17aa5089f11206b5177', 'ЕТН...')).toBe('ETH')
    expect(impersonates('evm-1', '0xa4287479814cddbeb33d06cb922e9d2de8254f54', 'stETH')).toBe('stETH')
    expect(impersonates('evm-1', '0xae7ab96520de3a18e5e111b5eaab095312d7fe84', 'stETH')).toBeNull()
    expect(impersonates('evm-1', '0xf763be8b3263c268e9789abfb3934564a7b80054', 'ETH')).toBe('ETH')
    expect(impersonates('evm-1', '0x1111111111111111111111111111111111111111', 'TOKA')).toBeNull()
  })
})

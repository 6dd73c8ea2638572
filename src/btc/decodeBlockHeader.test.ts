import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { dataPath } from '../core/_testData.js'
import { decodeBlockHeader } from './decodeBlockHeader.js'
import { fromHex } from './hash.js'
import { merkleRoot } from './merkle.js'
import { networks } from './networks.js'

describe('decodeBlockHeader', () => {
  test('mainnet headers 1-11 hash and link', () => {
    const lines = readFileSync(dataPath('btc/btcd/blockheaders-mainnet-1-11.txt'), 'utf8').trim().split('\n')
    let prev = networks.mainnet.genesisHash
    for (const line of lines) {
      const h = decodeBlockHeader(fromHex(line.trim()))
      expect(h.prevHash).toBe(prev)
      expect(h.hash.startsWith('00000000')).toBe(true)
      prev = h.hash
    }
    expect(prev).toBe('0000000097be56d606cdd9c54b04d4747e957d3608abe69198c661f2add73073') // height 11
  })

  test('block 1 header; one-tx merkle root equals the txid', () => {
    const raw = readFileSync(dataPath('btc/bcoin/block1.raw'))
    const h = decodeBlockHeader(raw)
    expect(h.hash).toBe('00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048')
    expect(merkleRoot([fromHex(h.merkleRoot).reverse()])).toEqual(fromHex(h.merkleRoot).reverse())
  })

  test('truncated header names offset', () => {
    expect(() => decodeBlockHeader(new Uint8Array(50), 10, 'x.dat')).toThrowError(/x\.dat at offset 10/)
  })
})

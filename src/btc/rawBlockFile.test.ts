import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { dataPath } from '../core/_testData.js'
import { HoundError } from '../core/errors.js'
import { decodeBlock } from './decodeBlock.js'
import { blockEnd, detectBlockFileKind, readRawBlockFile } from './rawBlockFile.js'

const dir = mkdtempSync(join(tmpdir(), 'hound-raw-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const rawFiles = [
  'btc/bcoin/block1.raw',
  'btc/bcoin/block300025.raw',
  'btc/bcoin/block482683.raw',
  'btc/bitcoin-s/block514485.raw',
  'btc/bitcoinj/block370661.dat',
  'btc/btcd/block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk',
]

describe('rawBlockFile', () => {
  test('blockEnd walks real blocks (legacy and segwit) to their exact size, like decodeBlock', () => {
    for (const f of rawFiles) {
      const b = new Uint8Array(readFileSync(dataPath(f)))
      expect([f, blockEnd(b, 0, f)]).toEqual([f, b.length])
      expect(decodeBlock(b).size).toBe(b.length)
    }
  })

  test('every truncation of a segwit block is a DecodeError naming the offset', () => {
    const b = new Uint8Array(readFileSync(dataPath('btc/bcoin/block482683.raw')))
    for (const cut of [0, 79, 80, 81, 200, 1000, b.length - 1]) {
      let err: unknown
      try {
        blockEnd(b.subarray(0, cut), 0, 'x.raw')
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(HoundError)
      expect((err as HoundError).name).toBe('DecodeError')
      expect((err as HoundError).details.file).toBe('x.raw')
      expect((err as HoundError).message).toMatch(/x\.raw at offset \d+/)
    }
  })

  test('detectBlockFileKind by content', async () => {
    const raw = readFileSync(dataPath('btc/bcoin/block1.raw'))
    writeFileSync(join(dir, 'a.hex'), raw.toString('hex'))
    writeFileSync(join(dir, 'b.hex'), raw) // misnamed: raw bytes
    expect(await detectBlockFileKind(dataPath('btc/nbitcoin/blk00000.dat'))).toBe('framed')
    expect(await detectBlockFileKind(dataPath('btc/btcd/277647.dat'))).toBe('framed')
    expect(await detectBlockFileKind(dataPath('btc/bcoin/block1.raw'))).toBe('raw')
    expect(await detectBlockFileKind(join(dir, 'a.hex'))).toBe('hex')
    expect(await detectBlockFileKind(join(dir, 'b.hex'))).toBe('raw')
    expect((await readRawBlockFile(join(dir, 'b.hex'), 'raw'))[0]!.bytes).toEqual(new Uint8Array(raw))
  })
})

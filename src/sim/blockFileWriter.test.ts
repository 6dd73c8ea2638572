import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { networks } from '../btc/networks.js'
import { BlockFileWriter, blkFileName, MAX_BLOCKFILE_SIZE } from './blockFileWriter.js'
import { standardDenominations } from './coinjoin.js'

describe('BlockFileWriter', () => {
  it('writes magic ‖ length ‖ block records and starts a new file before exceeding the size limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'blkw-'))
    try {
      const w = new BlockFileWriter(dir, networks.regtest.magic, 300)
      for (let i = 0; i < 5; i++) w.writeBlock([new Uint8Array(80).fill(i), Uint8Array.of(i)])
      w.close()
      expect(readdirSync(dir).sort()).toEqual(['blk00000.dat', 'blk00001.dat'])
      const f0 = readFileSync(join(dir, 'blk00000.dat'))
      expect(f0.length).toBe(3 * 89)
      expect(f0.subarray(0, 4).toString('hex')).toBe('fabfb5da')
      expect(f0.readUInt32LE(4)).toBe(81)
      expect(f0[8 + 80]).toBe(0)
      expect(readFileSync(join(dir, 'blk00001.dat')).length).toBe(2 * 89)
      expect(w.bytes).toBe(5 * 89)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('names files like Core and uses its 128 MiB limit', () => {
    expect(blkFileName(0)).toBe('blk00000.dat')
    expect(blkFileName(123)).toBe('blk00123.dat')
    expect(MAX_BLOCKFILE_SIZE).toBe(128 * 1024 * 1024)
  })
})

describe('WabiSabi standard denominations', () => {
  it('has the 93 values of WalletWasabi DenominationBuilder, 5,000 sat to 43,000 BTC, with its fingerprints', () => {
    expect(standardDenominations.length).toBe(93)
    expect(standardDenominations.at(-1)).toBe(5_000)
    expect(standardDenominations).toContain(8_388_608)
    expect(standardDenominations).toContain(4_782_969)
    expect(standardDenominations[0]).toBeLessThanOrEqual(43_000 * 1e8)
  })
})

import { describe, expect, it } from 'vitest'
import { canonicalAddress, checkAddress } from './canonicalAddress.js'

describe('canonicalAddress / checkAddress', () => {
  it('lowercases EVM and bech32, keeps base58 and cashaddr without prefix', () => {
    expect(canonicalAddress('0x098B716B8Aaf21512996dC57EB0615e2383E2f96')).toBe(
      '0x098b716b8aaf21512996dc57eb0615e2383e2f96',
    )
    expect(canonicalAddress('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4')).toBe(
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
    )
    expect(canonicalAddress('1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V')).toBe('1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V')
    expect(canonicalAddress('bitcoincash:qqyuc9s700plhzr6awzru7g5z2d2p906uyrm6ht0r0')).toBe(
      'qqyuc9s700plhzr6awzru7g5z2d2p906uyrm6ht0r0',
    )
    expect(canonicalAddress('  TXyz1234567890abcdefghijkLMNOPQRS ')).toBe('TXyz1234567890abcdefghijkLMNOPQRS')
  })

  it('verifies checksums of known formats (BIP-173 vectors, Base58Check) and gives clear reasons', () => {
    expect(checkAddress('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4')).toMatchObject({ ok: true, checksum: 'valid' })
    expect(checkAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5')).toEqual({
      ok: false,
      reason: 'bech32 address has a bad checksum',
    })
    expect(checkAddress('1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V')).toMatchObject({ ok: true, kind: 'base58check' })
    expect(checkAddress('1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9W')).toMatchObject({ ok: false })
    expect(checkAddress('0x1234')).toMatchObject({ ok: false, reason: expect.stringContaining('40 hex') })
    expect(checkAddress('')).toMatchObject({ ok: false, reason: 'address is empty' })
    expect(checkAddress('a'.repeat(200))).toMatchObject({ ok: false })
    expect(checkAddress('<script>')).toMatchObject({ ok: false })
    expect(checkAddress(42)).toMatchObject({ ok: false, reason: 'address must be a string' })
    expect(checkAddress('bc1qmixedCASE')).toMatchObject({ ok: false })
  })
})

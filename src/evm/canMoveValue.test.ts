import { describe, expect, it } from 'vitest'
import { runtimeCode } from './_testContracts.js'
import { canMoveValue } from './fetchEvmBlocks.js'

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

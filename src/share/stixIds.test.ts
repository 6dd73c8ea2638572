import { describe, expect, it } from 'vitest'
import { jcs, localId, scoId, transactionId, uuidv5, walletId } from './stixIds.js'

describe('STIX deterministic ids (sharing.md §1.4 golden vectors)', () => {
  it('wallet ids of the three address rows', () => {
    expect(scoId('cryptocurrency-wallet', { value: 'bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6' })).toBe(
      'cryptocurrency-wallet--e4aefff8-f7e9-5846-b684-5329b23bdf45',
    )
    expect(scoId('cryptocurrency-wallet', { value: '0x098b716b8aaf21512996dc57eb0615e2383e2f96' })).toBe(
      'cryptocurrency-wallet--97217aa6-bb46-50a7-9295-dda5b965e236',
    )
    expect(scoId('cryptocurrency-wallet', { value: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96' })).toBe(
      'cryptocurrency-wallet--5abb6ea2-040f-5770-b945-5fbf7663c981',
    )
  })
  it('transaction id', () => {
    const hash = 'd63a3757a2a7b4c58e49f5a2e4236b1d4cbc2e4ffc9aa04c636707cb0bbbee7b'
    expect(scoId('cryptocurrency-transaction', { value: hash, symbol: 'BTC' })).toBe(
      'cryptocurrency-transaction--64032380-c12c-54a9-88ff-4f102d082ee2',
    )
    expect(transactionId('BTC', hash.toUpperCase())).toBe(
      'cryptocurrency-transaction--64032380-c12c-54a9-88ff-4f102d082ee2',
    )
  })
  it('walletId canonicalises: the EIP-55 form gets the lowercase id', () => {
    expect(walletId('0x098B716B8Aaf21512996dC57EB0615e2383E2f96')).toBe(
      'cryptocurrency-wallet--97217aa6-bb46-50a7-9295-dda5b965e236',
    )
  })
  it('uuidv5 matches RFC 4122 appendix-style vector (DNS namespace, python.org)', () => {
    expect(uuidv5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d')
  })
  it('JCS sorts keys and drops whitespace', () => {
    expect(jcs({ value: 'x', symbol: 'BTC', n: [1, true, null] })).toBe(
      '{"n":[1,true,null],"symbol":"BTC","value":"x"}',
    )
    expect(localId('indicator', 'a')).toMatch(
      /^indicator--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
  })
})

import { Block } from 'bitcoinjs-lib'
import { describe, expect, it } from 'vitest'
import { genesisBlock } from '../sim/genesis.js'
import { decodeBlockHeader } from './decodeBlockHeader.js'
import { bip34HeightPush, encodeBlock, meetsTarget, targetFromBits, witnessCommitmentScript } from './encodeBlock.js'
import type { TxDraft } from './encodeTx.js'
import { toHex } from './hash.js'
import { networks } from './networks.js'

describe('encodeBlock', () => {
  it('rebuilds the real mainnet and regtest genesis blocks bit for bit (285 bytes, known hashes)', () => {
    for (const n of ['mainnet', 'regtest'] as const) {
      const g = genesisBlock(n)
      expect(g.bytes.length).toBe(285)
      expect(g.hash).toBe(networks[n].genesisHash)
      const b = Block.fromBuffer(Buffer.from(g.bytes))
      expect(b.getId()).toBe(g.hash)
      expect(Buffer.from(b.merkleRoot!).reverse().toString('hex')).toBe(
        '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b',
      )
      expect(meetsTarget(g.hashBytes, n === 'mainnet' ? 0x1d00ffff : 0x207fffff)).toBe(true)
    }
  })

  it('builds a segwit block with a correct merkle root and witness commitment (bitcoinjs-lib checks both)', () => {
    const spend: TxDraft = {
      version: 2,
      locktime: 0,
      inputs: [
        {
          prevTxid: new Uint8Array(32).fill(1),
          prevVout: 0,
          scriptSig: new Uint8Array(0),
          sequence: 0xfffffffd,
          witness: [new Uint8Array(64)],
        },
      ],
      outputs: [{ value: 1000, script: Uint8Array.of(0x51, 0x20, ...new Uint8Array(32).fill(3)) }],
    }
    const prelim = encodeBlock(
      { version: 0x20000000, prevHash: new Uint8Array(32), time: 1e9, bits: 0x207fffff, nonce: 0 },
      [spend],
    )
    const coinbase: TxDraft = {
      version: 2,
      locktime: 0,
      inputs: [
        {
          prevTxid: new Uint8Array(32),
          prevVout: 0xffffffff,
          scriptSig: bip34HeightPush(500),
          sequence: 0xffffffff,
          witness: [new Uint8Array(32)],
        },
      ],
      outputs: [
        { value: 5_000_000_000, script: Uint8Array.of(0x00, 0x14, ...new Uint8Array(20)) },
        { value: 0, script: witnessCommitmentScript([wtxidOf(prelim.bytes)]) },
      ],
    }
    const blk = encodeBlock(
      { version: 0x20000000, prevHash: new Uint8Array(32), time: 1e9, bits: 0x207fffff, nonce: 0 },
      [coinbase, spend],
      { mine: true },
    )
    const b = Block.fromBuffer(Buffer.from(blk.bytes))
    expect(b.getId()).toBe(blk.hash)
    expect(b.checkTxRoots()).toBe(true)
    expect(b.checkProofOfWork()).toBe(true)
    expect(decodeBlockHeader(blk.bytes).merkleRoot).toBe(Buffer.from(blk.merkleRoot).reverse().toString('hex'))
  })

  it('BIP34 pushes match Core (CScriptNum minimal encoding)', () => {
    expect(toHex(bip34HeightPush(1))).toBe('51')
    expect(toHex(bip34HeightPush(16))).toBe('60')
    expect(toHex(bip34HeightPush(17))).toBe('0111')
    expect(toHex(bip34HeightPush(128))).toBe('028000')
    expect(toHex(bip34HeightPush(227931))).toBe('035b7a03')
  })

  it('targetFromBits expands compact targets', () => {
    expect(toHex(targetFromBits(0x1d00ffff))).toBe(`00000000ffff${'00'.repeat(26)}`)
    expect(toHex(targetFromBits(0x207fffff))).toBe(`7fffff${'00'.repeat(29)}`)
  })
})

function wtxidOf(blockBytes: Uint8Array): Uint8Array {
  const b = Block.fromBuffer(Buffer.from(blockBytes))
  return Uint8Array.from(b.transactions![0]!.getHash(true))
}

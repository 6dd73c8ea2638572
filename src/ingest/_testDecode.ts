/**
 * Test-only: a throwaway BtcBlock decoder over bitcoinjs-lib, used while (and to cross-check that) the product
 * decoder in src/btc is written by someone else. Also reads Bitcoin Core blk framing (magic + LE length + block).
 * @internal
 */
import { readFileSync } from 'node:fs'
import { Block, address as bjsAddress, networks as bjsNetworks, payments } from 'bitcoinjs-lib'
import { toHexReversed } from '../btc/hash.js'
import type { BtcBlock, BtcTx, ClassifiedScript } from '../btc/types.js'
import type { ScriptType } from '../core/model.js'

/** The blocks of a blk*.dat file, in file order. */
export function readBlkFramed(file: string): Uint8Array[] {
  const d = readFileSync(file)
  const out: Uint8Array[] = []
  let p = 0
  while (p + 8 <= d.length) {
    if (d.readUInt32LE(p) === 0) break
    const len = d.readUInt32LE(p + 4)
    out.push(new Uint8Array(d.subarray(p + 8, p + 8 + len)))
    p += 8 + len
  }
  return out
}

export function testDecodeBlock(bytes: Uint8Array): BtcBlock {
  const b = Block.fromBuffer(Buffer.from(bytes))
  const txs: BtcTx[] = (b.transactions ?? []).map((t) => {
    const coinbase = t.isCoinbase()
    return {
      txid: t.getId(),
      wtxid: toHexReversed(t.getHash(true)),
      version: t.version,
      locktime: t.locktime,
      inputs: t.ins.map((i) => ({
        prevTxid: toHexReversed(i.hash),
        prevVout: i.index,
        scriptSig: i.script,
        sequence: i.sequence,
        witness: i.witness,
      })),
      outputs: t.outs.map((o) => ({ value: Number(o.value), script: o.script })),
      segwit: t.hasWitnesses(),
      coinbase,
      size: t.byteLength(),
      weight: t.weight(),
      vsize: t.virtualSize(),
    }
  })
  return {
    header: {
      hash: b.getId(),
      version: b.version,
      prevHash: toHexReversed(b.prevHash!),
      merkleRoot: toHexReversed(b.merkleRoot!),
      time: b.timestamp,
      bits: b.bits,
      nonce: b.nonce,
    },
    txs,
    size: bytes.length,
  }
}

export function testClassify(script: Uint8Array): ClassifiedScript {
  const s = script
  const n = s.length
  let type: ScriptType = 'nonstandard'
  if (n === 25 && s[0] === 0x76 && s[1] === 0xa9 && s[2] === 0x14 && s[23] === 0x88 && s[24] === 0xac) type = 'p2pkh'
  else if (n === 23 && s[0] === 0xa9 && s[1] === 0x14 && s[22] === 0x87) type = 'p2sh'
  else if (n === 22 && s[0] === 0 && s[1] === 0x14) type = 'p2wpkh'
  else if (n === 34 && s[0] === 0 && s[1] === 0x20) type = 'p2wsh'
  else if (n === 34 && s[0] === 0x51 && s[1] === 0x20) type = 'p2tr'
  else if ((n === 67 && s[0] === 0x41) || (n === 35 && s[0] === 0x21)) {
    if (s[n - 1] === 0xac) type = 'p2pk'
  } else if (n >= 1 && s[0] === 0x6a) type = 'nulldata'
  else if (n > 0 && s[n - 1] === 0xae) type = 'multisig'
  let address: string | null = null
  if (type === 'p2pk') {
    // Bitcoin Core's convention: a P2PK output is shown as the P2PKH address of its key
    address =
      payments.p2pkh({ pubkey: Buffer.from(s.subarray(1, n - 1)), network: bjsNetworks.bitcoin }).address ?? null
  }
  if (type === 'p2pkh' || type === 'p2sh' || type === 'p2wpkh' || type === 'p2wsh' || type === 'p2tr') {
    try {
      address = bjsAddress.fromOutputScript(Buffer.from(s), bjsNetworks.bitcoin)
    } catch {
      address = null
    }
  }
  return { type, address }
}

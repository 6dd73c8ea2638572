/**
 * Test-only: serialise a decoded transaction back to wire bytes (legacy, or BIP144 when `segwit`), so tests can
 * check decode(serialise(tx)) round trips and byte-exact re-serialisation of real transactions.
 * Deliberately simple (arrays of numbers); the production encoders belong to the simulator (src/btc/encode*.ts).
 * @internal
 */
import { fromHexReversed } from './hash.js'
import type { BtcTx } from './types.js'

type TxShape = Pick<BtcTx, 'version' | 'locktime' | 'inputs' | 'outputs' | 'segwit'>

function u32(out: number[], v: number): void {
  out.push(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255)
}

function varint(out: number[], n: number): void {
  if (n < 0xfd) out.push(n)
  else if (n <= 0xffff) out.push(0xfd, n & 255, n >>> 8)
  else if (n <= 0xffffffff) {
    out.push(0xfe)
    u32(out, n)
  } else {
    out.push(0xff)
    u32(out, n % 0x100000000)
    u32(out, Math.floor(n / 0x100000000))
  }
}

function bytes(out: number[], b: Uint8Array): void {
  varint(out, b.length)
  for (const x of b) out.push(x)
}

export function serializeTx(tx: TxShape): Uint8Array {
  const out: number[] = []
  u32(out, tx.version)
  if (tx.segwit) out.push(0, 1)
  varint(out, tx.inputs.length)
  for (const i of tx.inputs) {
    for (const x of fromHexReversed(i.prevTxid)) out.push(x)
    u32(out, i.prevVout)
    bytes(out, i.scriptSig)
    u32(out, i.sequence)
  }
  varint(out, tx.outputs.length)
  for (const o of tx.outputs) {
    u32(out, o.value % 0x100000000)
    u32(out, Math.floor(o.value / 0x100000000))
    bytes(out, o.script)
  }
  if (tx.segwit) {
    for (const i of tx.inputs) {
      varint(out, i.witness.length)
      for (const w of i.witness) bytes(out, w)
    }
  }
  u32(out, tx.locktime)
  return Uint8Array.from(out)
}

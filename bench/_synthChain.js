/**
 * Bench helper: a synthetic mainnet-format chain made of real blocks re-serialised under fresh hashes.
 *
 * Templates are two real blocks: 574,200 (3,315 txs, 1,341 segwit, 8,150 outputs: the modern mix) and 426,884
 * (409 txs with 6,031 inputs: consolidations). Each synthetic block copies one template with:
 * - the coinbase scriptSig replaced by the BIP34 push of the synthetic height (so every coinbase txid is new);
 * - in-block spends re-pointed at the copies' new txids (so every txid in the block is new);
 * - external inputs spending the OLDEST unspent outputs of earlier synthetic blocks (a FIFO pool of outputs not
 *   spent in their own block), so they resolve and nothing is spent twice; while the pool is empty (first
 *   block) they stay unresolvable;
 * - with `freshAddresses`, the hash inside every p2pkh/p2sh/p2wpkh/p2wsh/p2tr script XORed with the height, so
 *   addresses are new in every block (the worst case for the address map).
 * The template is chosen to keep the UTXO pool near `utxoTarget`: 426,884 when above it, else 574,200.
 * Headers link by prevHash and carry correct merkle roots (no proof of work: nothing checks it).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { decodeBlock } from '../dist/btc/decodeBlock.js'
import { bip34HeightPush, encodeHeader } from '../dist/btc/encodeBlock.js'
import { ByteWriter, writeTx } from '../dist/btc/encodeTx.js'
import { fromHexReversed, sha256d } from '../dist/btc/hash.js'
import { merkleRoot } from '../dist/btc/merkle.js'

const data = new URL('../../shared/data/', import.meta.url).pathname
const templates = {
  modern: 'btc/btcd/block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk',
  consolidation: 'btc/bcoin/block426884.raw',
}
const MAGIC = Uint8Array.of(0xf9, 0xbe, 0xb4, 0xd9)
export const START_HEIGHT = 1_000_000

function loadTemplate(rel) {
  const block = decodeBlock(new Uint8Array(readFileSync(join(data, rel))))
  const index = new Map(block.txs.map((t, i) => [t.txid, i]))
  // outputs spent inside the template block: never offered to later blocks (that would be a double spend)
  const spentInBlock = new Set()
  for (const t of block.txs)
    for (const i of t.inputs) if (index.has(i.prevTxid)) spentInBlock.add(`${index.get(i.prevTxid)}:${i.prevVout}`)
  return {
    spentInBlock,
    block,
    txs: block.txs.map((t) => ({
      version: t.version,
      locktime: t.locktime,
      coinbase: t.coinbase,
      // in-block prevout → template tx index, else -1
      inputs: t.inputs.map((i) => ({
        ...i,
        inBlock: index.get(i.prevTxid) ?? -1,
        prevBytes: fromHexReversed(i.prevTxid),
      })),
      outputs: t.outputs,
    })),
  }
}

function hashRange(script) {
  const n = script.length
  if (n === 25 && script[0] === 0x76) return [3, 23]
  if (n === 23 && script[0] === 0xa9) return [2, 22]
  if ((n === 22 || n === 34) && (script[0] === 0 || script[0] === 0x51) && (script[1] === 0x14 || script[1] === 0x20))
    return [2, n]
  return null
}

/**
 * Write blk*.dat files holding at least `txs` transactions under `dir` (reused when already complete).
 * Returns { dir, blocks, txs, startHeight }.
 */
export function synthChain({ dir, txs, freshAddresses = false, utxoTarget = 1_000_000, log = () => {} }) {
  const done = join(dir, 'COMPLETE.json')
  if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8'))
  mkdirSync(dir, { recursive: true })
  const tpl = { modern: loadTemplate(templates.modern), consolidation: loadTemplate(templates.consolidation) }
  const poolTx = []
  const poolVout = []
  let head = 0
  let prevHash = new Uint8Array(32)
  let height = START_HEIGHT
  let written = 0
  let blocks = 0
  let fileNo = 0
  let fileSize = 0
  let fd = openSync(join(dir, 'blk00000.dat'), 'w')
  const body = new ByteWriter(1 << 22)
  const t0 = Date.now()
  while (written < txs) {
    const t = poolTx.length - head > utxoTarget ? tpl.consolidation : tpl.modern
    const newTxids = new Array(t.txs.length)
    const layouts = []
    body.reset()
    body.varint(t.txs.length)
    const xor = Uint8Array.of(height & 0xff, (height >>> 8) & 0xff, (height >>> 16) & 0xff, 0x5a)
    for (let i = 0; i < t.txs.length; i++) {
      const tx = t.txs[i]
      const inputs = tx.inputs.map((inp) => {
        if (tx.coinbase) {
          const push = bip34HeightPush(height)
          const sig = new Uint8Array(push.length + 4)
          sig.set(push)
          return {
            prevTxid: inp.prevBytes,
            prevVout: inp.prevVout,
            scriptSig: sig,
            sequence: inp.sequence,
            witness: inp.witness,
          }
        }
        let prevTxid = inp.prevBytes
        let prevVout = inp.prevVout
        if (inp.inBlock >= 0) prevTxid = newTxids[inp.inBlock]
        else if (head < poolTx.length) {
          prevTxid = poolTx[head]
          prevVout = poolVout[head]
          poolTx[head] = undefined
          head++
        }
        return { prevTxid, prevVout, scriptSig: inp.scriptSig, sequence: inp.sequence, witness: inp.witness }
      })
      const outputs = freshAddresses
        ? tx.outputs.map((o) => {
            const r = hashRange(o.script)
            if (!r) return o
            const s = Uint8Array.from(o.script)
            for (let k = 0; k < 4; k++) s[r[0] + k] ^= xor[k]
            return { value: o.value, script: s }
          })
        : tx.outputs
      const layout = writeTx(body, { version: tx.version, locktime: tx.locktime, inputs, outputs })
      newTxids[i] = layout.txid
      layouts.push(layout.txid)
      for (let k = 0; k < outputs.length; k++) {
        if (outputs[k].script[0] === 0x6a) continue // OP_RETURN: unspendable
        if (t.spentInBlock.has(`${i}:${k}`)) continue
        poolTx.push(layout.txid)
        poolVout.push(k)
      }
    }
    if (head > 1 << 20) {
      poolTx.splice(0, head)
      poolVout.splice(0, head)
      head = 0
    }
    const header = encodeHeader({
      version: t.block.header.version,
      prevHash,
      merkleRoot: merkleRoot(layouts),
      time: 1_700_000_000 + blocks * 600,
      bits: t.block.header.bits,
      nonce: blocks,
    })
    prevHash = sha256d(header)
    const bodyBytes = body.bytes()
    const prefix = new Uint8Array(8)
    prefix.set(MAGIC)
    new DataView(prefix.buffer).setUint32(4, 80 + bodyBytes.length, true)
    if (fileSize + 88 + bodyBytes.length > 128 * 1024 * 1024) {
      closeSync(fd)
      fileNo++
      fd = openSync(join(dir, `blk${String(fileNo).padStart(5, '0')}.dat`), 'w')
      fileSize = 0
    }
    writeSync(fd, prefix)
    writeSync(fd, header)
    writeSync(fd, bodyBytes)
    fileSize += 88 + bodyBytes.length
    written += t.txs.length
    blocks++
    height++
    if (blocks % 200 === 0)
      log(
        `synth: ${blocks} blocks, ${written} txs, pool ${poolTx.length - head}, ${((Date.now() - t0) / 1000).toFixed(0)}s`,
      )
  }
  closeSync(fd)
  const info = { dir, blocks, txs: written, startHeight: START_HEIGHT, freshAddresses, utxoTarget }
  writeFileSync(done, JSON.stringify(info))
  return info
}

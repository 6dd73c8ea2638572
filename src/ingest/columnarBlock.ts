/**
 * A decoded, classified block in the columnar form the ingestor consumes: typed arrays for numbers and a few
 * long strings (hex txids back to back, addresses back to back). It is what the decode worker posts to the
 * main thread: a structured clone of a handful of strings and transferable buffers costs next to nothing,
 * whereas thousands of small objects per block would cost as much as decoding them.
 * @module
 */
import { classifyOutputs } from '../btc/classifyOutputs.js'
import { type DecodeBlockOptions, decodeBlockRaw } from '../btc/decodeBlock.js'
import { fromHexReversed } from '../btc/hash.js'
import type { BtcNetwork } from '../btc/networks.js'
import type { BtcBlock, ClassifiedScript } from '../btc/types.js'
import { SourceError } from '../core/errors.js'
import { type ScriptType, scriptTypes } from '../core/model.js'
import { ADDRESS_KEY_WORDS, addressKeyInto } from './AddressMap.js'
import { KEY_WORDS, txidKeyFromBytes, txidKeyInto } from './txidKey.js'

const typeCode = new Map<ScriptType, number>(scriptTypes.map((t, i) => [t, i]))

export const FLAG_COINBASE = 1
export const FLAG_SEGWIT = 2

export type ColumnarBlock = {
  height: number
  hash: string
  prevHash: string
  merkleRoot: string
  time: number
  version: number
  bits: number
  nonce: number
  size: number
  txCount: number
  /** 64 hex chars per transaction. */
  txids: string
  /** The UTXO-index key of each txid (txidKey.ts: 4 words per transaction). */
  txKeys: Uint32Array
  txVersion: Int32Array
  txLocktime: Uint32Array
  txSize: Uint32Array
  txVsize: Uint32Array
  txWeight: Uint32Array
  txFlags: Uint8Array
  txInCount: Uint32Array
  txOutCount: Uint32Array
  /**
   * Each input's previous txid, 32 bytes in internal byte order (the hex is the reverse): transferred as bytes, and
   * turned into hex on the main thread only for the few inputs whose prevout is not in the store (coinbase, slices).
   */
  prevHashes: Uint8Array
  /** The UTXO-index key of each input's prevout txid (4 words per input). */
  prevKeys: Uint32Array
  prevVout: Uint32Array
  sequence: Uint32Array
  outValue: Float64Array
  outType: Uint8Array
  /** Length of each output's address in `addresses` (0: no address). */
  outAddrLen: Uint16Array
  addresses: string
  /** The AddressMap key of each address in `addresses`, in order (3 words each, hashed under `addrSeeds`). */
  addrKeys: Uint32Array
  /** The AddressMap seeds the keys were computed with (checked by the ingestor). */
  addrSeeds: readonly [number, number, number]
}

/** The transferable buffers of a block (to post it without copying). */
export function transferables(b: ColumnarBlock): ArrayBuffer[] {
  return [
    b.txVersion,
    b.txLocktime,
    b.txSize,
    b.txVsize,
    b.txWeight,
    b.txFlags,
    b.txInCount,
    b.txOutCount,
    b.txKeys,
    b.prevKeys,
    b.prevHashes,
    b.prevVout,
    b.sequence,
    b.outValue,
    b.outType,
    b.outAddrLen,
    b.addrKeys,
  ].map((a) => a.buffer as ArrayBuffer)
}

/** Write the 32 bytes of the 64-char display-order hex `hex` to `out[off..off+32)` in internal (reversed) order. */
function hexReversedInto(hex: string, out: Uint8Array, off: number): void {
  if (hex.length !== 64) throw new Error(`not a 64-character hex txid: '${hex}'`)
  out.set(fromHexReversed(hex), off)
}

/**
 * The binary txids and outpoint offsets `decodeBlockRaw` returns, with the block bytes they point into: the UTXO keys
 * are then read from bytes instead of parsed back from hex (the decode worker's cheaper path).
 */
export type RawTxids = { readonly bytes: Uint8Array; readonly txids: Uint8Array; readonly prevouts: Uint32Array }

/**
 * Classify every output and lay the block out in columns; addresses are hashed under `addrSeeds` (AddressMap). With
 * `raw` (from `decodeBlockRaw` of the same bytes) the txid keys come from the binary txids; the result is identical.
 */
export function columnarize(
  height: number,
  block: BtcBlock,
  classify: (script: Uint8Array) => ClassifiedScript,
  addrSeeds: Uint32Array,
  raw?: RawTxids,
): ColumnarBlock {
  const txs = block.txs
  const n = txs.length
  let nIn = 0
  let nOut = 0
  for (const t of txs) {
    nIn += t.inputs.length
    nOut += t.outputs.length
  }
  const b: ColumnarBlock = {
    height,
    hash: block.header.hash,
    prevHash: block.header.prevHash,
    merkleRoot: block.header.merkleRoot,
    time: block.header.time,
    version: block.header.version,
    bits: block.header.bits,
    nonce: block.header.nonce,
    size: block.size,
    txCount: n,
    txids: '',
    txKeys: new Uint32Array(KEY_WORDS * n),
    txVersion: new Int32Array(n),
    txLocktime: new Uint32Array(n),
    txSize: new Uint32Array(n),
    txVsize: new Uint32Array(n),
    txWeight: new Uint32Array(n),
    txFlags: new Uint8Array(n),
    txInCount: new Uint32Array(n),
    txOutCount: new Uint32Array(n),
    prevHashes: new Uint8Array(32 * nIn),
    prevKeys: new Uint32Array(KEY_WORDS * nIn),
    prevVout: new Uint32Array(nIn),
    sequence: new Uint32Array(nIn),
    outValue: new Float64Array(nOut),
    outType: new Uint8Array(nOut),
    outAddrLen: new Uint16Array(nOut),
    addresses: '',
    addrKeys: new Uint32Array(ADDRESS_KEY_WORDS * nOut),
    addrSeeds: [addrSeeds[0]!, addrSeeds[1]!, addrSeeds[2]!],
  }
  const txids: string[] = new Array(n)
  const addrs: string[] = []
  let i = 0
  let o = 0
  for (let t = 0; t < n; t++) {
    const tx = txs[t]!
    txids[t] = tx.txid
    if (raw) txidKeyFromBytes(raw.txids, 32 * t, b.txKeys, KEY_WORDS * t)
    else txidKeyInto(tx.txid, 0, b.txKeys, KEY_WORDS * t)
    b.txVersion[t] = tx.version
    b.txLocktime[t] = tx.locktime
    b.txSize[t] = tx.size
    b.txVsize[t] = tx.vsize
    b.txWeight[t] = tx.weight
    b.txFlags[t] = (tx.coinbase ? FLAG_COINBASE : 0) | (tx.segwit ? FLAG_SEGWIT : 0)
    b.txInCount[t] = tx.inputs.length
    b.txOutCount[t] = tx.outputs.length
    for (const inp of tx.inputs) {
      if (raw) {
        const p = raw.prevouts[i]!
        txidKeyFromBytes(raw.bytes, p, b.prevKeys, KEY_WORDS * i)
        const src = raw.bytes
        const dst = b.prevHashes
        for (let k = 0, d = 32 * i; k < 32; k++) dst[d + k] = src[p + k]!
      } else {
        txidKeyInto(inp.prevTxid, 0, b.prevKeys, KEY_WORDS * i)
        hexReversedInto(inp.prevTxid, b.prevHashes, 32 * i)
      }
      b.prevVout[i] = inp.prevVout
      b.sequence[i] = inp.sequence
      i++
    }
    for (const out of tx.outputs) {
      const c = classify(out.script)
      b.outValue[o] = out.value
      b.outType[o] = typeCode.get(c.type) ?? 0
      if (c.address !== null) {
        b.outAddrLen[o] = c.address.length
        addressKeyInto(c.address, 0, c.address.length, addrSeeds, b.addrKeys, ADDRESS_KEY_WORDS * addrs.length)
        addrs.push(c.address)
      }
      o++
    }
  }
  b.txids = txids.join('')
  b.addresses = addrs.join('')
  return b
}

/**
 * A `classify` callback for `columnarize` that hands out precomputed classifications (from `classifyOutputs`, which
 * batches the Base58Check checksums of a block four at a time) in block order: `columnarize` asks once per output, tx
 * by tx and vout by vout, which is exactly `classifyOutputs`' order. Throws if asked more often than there are outputs.
 */
export function inBlockOrder(classified: readonly ClassifiedScript[]): (script: Uint8Array) => ClassifiedScript {
  let k = 0
  return () => {
    const c = classified[k++]
    if (c === undefined) throw new Error(`classification out of step: output ${k - 1} of ${classified.length}`)
    return c
  }
}

/**
 * The decode step of ingest, as the decode worker runs it (and DecodePool in its own thread when it has no workers):
 * decode `bytes` with the merkle check (`decodeBlockRaw`), check the header hash against `hash` (the source's claim;
 * '' skips it: SourceError on a mismatch), classify the outputs with batched checksums (`classifyOutputs`) and lay the
 * block out in columns, the txid keys read from the binary txids.
 */
export function decodeColumnar(
  bytes: Uint8Array,
  opts: DecodeBlockOptions,
  height: number,
  hash: string,
  network: BtcNetwork,
  addrSeeds: Uint32Array,
): ColumnarBlock {
  const { block, txids, prevouts } = decodeBlockRaw(bytes, opts)
  if (hash && block.header.hash !== hash) {
    throw new SourceError(`block at height ${height} hashes to ${block.header.hash}, source said ${hash}`, {
      details: { height },
    })
  }
  return columnarize(height, block, inBlockOrder(classifyOutputs(block, network)), addrSeeds, {
    bytes,
    txids,
    prevouts,
  })
}

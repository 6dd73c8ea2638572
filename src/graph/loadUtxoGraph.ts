/**
 * Load the UtxoGraph of a height range from the store, in bulk.
 *
 * Graph indices are store ids minus the range's first id (tx_id, input_id, output_id are dense and in chain
 * order, so a height range is one contiguous id range and the CSR offsets come straight from the counts).
 * Address ids are the store's, unchanged. Columns are streamed a DataChunk at a time and copied from the
 * vectors' typed buffers into preallocated typed arrays (no per-value JS objects except address strings);
 * each row carries its id, so no ORDER BY is needed.
 *
 * Names are packed: txids as 32 bytes each (four 64-bit words parsed from hex by DuckDB), addresses as one
 * UTF-8 buffer plus offsets. Reverse lookups (txIndex, addressIndex) build an open-addressing hash table
 * over those buffers on first use (4 bytes per entry at load factor ≤ 0.5).
 * @module
 */
import type { DuckDBDataChunk } from '@duckdb/node-api'
import { InvariantError, NotSyncedError } from '../core/errors.js'
import { hasBtcSchema } from '../store/btcSchema.js'
import type { HoundStore } from '../store/HoundStore.js'
import { fromColumns, type GraphNames, type UtxoGraph } from './UtxoGraph.js'

export type LoadUtxoGraphOptions = {
  /** First height (inclusive); default the lowest stored. */
  fromHeight?: number | undefined
  /** Last height (inclusive); default the stored tip. */
  toHeight?: number | undefined
  /**
   * Load txids and address strings (default true). Clustering works on ids only and passes false: the names are
   * then not read (about three quarters of the load time on a large store) and `names` lookups throw, except for
   * the strings listed in `knownAddresses`.
   */
  names?: boolean | undefined
  /**
   * With `names: false`: address strings that must still resolve both ways (`addressIndex`, `address`), e.g. the
   * Wasabi 1.x coordinator addresses the CoinJoin detector compares outputs with.
   */
  knownAddresses?: readonly string[] | undefined
}

type Items = ArrayLike<number> & { readonly length: number }
type Vec = {
  items?: Float64Array | Int32Array | Uint32Array | Uint8Array | BigUint64Array
  getItem(i: number): unknown
}

const vec = (chunk: DuckDBDataChunk, j: number) => chunk.getColumnVector(j) as unknown as Vec
const items = (chunk: DuckDBDataChunk, j: number): Items => {
  const it = vec(chunk, j).items
  if (!it || it instanceof BigUint64Array) throw new Error(`column ${j}: unexpected vector layout`)
  return it
}

/**
 * Where the rows of a chunk go: the first id when the ids are consecutive (the common case: DuckDB scans the
 * id-ordered table in order, so the columns can be copied with one `TypedArray.set` each), else -1.
 */
function consecutiveStart(id: Items, n: number): number {
  if (n === 0) return -1
  const first = id[0]!
  if (id[n - 1]! - first !== n - 1) return -1
  for (let k = 1; k < n; k++) if (id[k]! !== first + k) return -1
  return first
}

/** dst[at..at+n) = src[0..n) (typed-array copy, converting element types like an assignment would). */
function copyInto(dst: Float64Array | Int32Array | Uint32Array | Uint8Array, src: Items, at: number, n: number) {
  dst.set((src as Int32Array).subarray(0, n), at)
}

/**
 * The graph of blocks `fromHeight..toHeight` (inclusive). Inputs whose prevout lies outside the range keep
 * the value and address the store resolved (inPrevOut -1). Throws NotSyncedError on an empty store.
 */
export async function loadUtxoGraph(store: HoundStore, opts: LoadUtxoGraphOptions = {}): Promise<UtxoGraph> {
  if (!(await hasBtcSchema(store))) throw new NotSyncedError(`store ${store.path} holds no UTXO chain`)
  const lo = opts.fromHeight ?? 0
  const hi = opts.toHeight ?? 2 ** 31 - 1
  const r = await store.one<Record<string, number | null>>(
    `SELECT min(b.first_tx_id)::DOUBLE AS t0, max(b.first_tx_id + b.tx_count)::DOUBLE AS t1
     FROM blocks b WHERE b.height BETWEEN ${lo} AND ${hi}`,
  )
  const t0 = r?.t0 ?? 0
  const t1 = r?.t1 ?? 0
  const range = await store.one<Record<string, number | null>>(
    `SELECT min(first_input_id)::DOUBLE AS i0, max(first_input_id + input_count)::DOUBLE AS i1,
            min(first_output_id)::DOUBLE AS o0, max(first_output_id + output_count)::DOUBLE AS o1
     FROM txs WHERE tx_id IN (${t0}, ${Math.max(t0, t1 - 1)})`,
  )
  const i0 = t1 > t0 ? (range?.i0 ?? 0) : 0
  const i1 = t1 > t0 ? (range?.i1 ?? 0) : 0
  const o0 = t1 > t0 ? (range?.o0 ?? 0) : 0
  const o1 = t1 > t0 ? (range?.o1 ?? 0) : 0
  const nTx = t1 - t0
  const nIn = i1 - i0
  const nOut = o1 - o0

  // block times by height (small)
  const blockTime = new Map<number, number>()
  for await (const c of store.rawChunks(`SELECT height, time FROM blocks WHERE height BETWEEN ${lo} AND ${hi}`)) {
    const h = items(c, 0)
    const t = items(c, 1)
    for (let k = 0, n = c.rowCount; k < n; k++) blockTime.set(h[k]!, t[k]!)
  }
  const withNames = opts.names ?? true

  const txHeight = new Uint32Array(nTx)
  const txTime = new Uint32Array(nTx)
  const txVersion = new Int32Array(nTx)
  const txLocktime = new Uint32Array(nTx)
  const txVsize = new Uint32Array(nTx)
  const txFlags = new Uint8Array(nTx)
  const nInOf = new Uint32Array(nTx)
  const nOutOf = new Uint32Array(nTx)
  const txidWords = new BigUint64Array(withNames ? 4 * nTx : 0)
  const txidCols = withNames
    ? `, ('0x' || substr(txid, 1, 16))::UBIGINT, ('0x' || substr(txid, 17, 16))::UBIGINT,
       ('0x' || substr(txid, 33, 16))::UBIGINT, ('0x' || substr(txid, 49, 16))::UBIGINT`
    : ''
  for await (const c of store.rawChunks(
    `SELECT (tx_id - ${t0})::INTEGER, height, version, locktime, vsize,
            (coinbase::UTINYINT | (segwit::UTINYINT << 1) | (rbf::UTINYINT << 2))::UTINYINT,
            input_count, output_count${txidCols}
     FROM txs WHERE tx_id >= ${t0} AND tx_id < ${t1}`,
  )) {
    const n = c.rowCount
    const [id, h, ver, lt, vs, fl, ni, no] = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => items(c, j)) as Items[]
    const at = consecutiveStart(id!, n)
    if (at >= 0) {
      copyInto(txHeight, h!, at, n)
      copyInto(txVersion, ver!, at, n)
      copyInto(txLocktime, lt!, at, n)
      copyInto(txVsize, vs!, at, n)
      copyInto(txFlags, fl!, at, n)
      copyInto(nInOf, ni!, at, n)
      copyInto(nOutOf, no!, at, n)
    } else {
      for (let k = 0; k < n; k++) {
        const t = id![k]!
        txHeight[t] = h![k]!
        txVersion[t] = ver![k]!
        txLocktime[t] = lt![k]!
        txVsize[t] = vs![k]!
        txFlags[t] = fl![k]!
        nInOf[t] = ni![k]!
        nOutOf[t] = no![k]!
      }
    }
    if (withNames) {
      const words = [8, 9, 10, 11].map((j) => vec(c, j).items as BigUint64Array)
      for (let k = 0; k < n; k++) {
        const t = id![k]!
        for (let q = 0; q < 4; q++) txidWords[4 * t + q] = words[q]![k]!
      }
    }
  }
  // block time per tx: txs are in chain order, so one lookup per run of equal heights
  for (let t = 0, prevH = -1, time = 0; t < nTx; t++) {
    const h = txHeight[t]!
    if (h !== prevH) {
      prevH = h
      time = blockTime.get(h) ?? 0
    }
    txTime[t] = time
  }
  const txInStart = new Uint32Array(nTx + 1)
  const txOutStart = new Uint32Array(nTx + 1)
  for (let t = 0; t < nTx; t++) {
    txInStart[t + 1] = txInStart[t]! + nInOf[t]!
    txOutStart[t + 1] = txOutStart[t]! + nOutOf[t]!
  }

  const inPrevOut = new Int32Array(nIn)
  const inSequence = new Uint32Array(nIn)
  const inValue = new Float64Array(nIn)
  const inAddr = new Int32Array(nIn)
  for await (const c of store.rawChunks(
    `SELECT (input_id - ${i0})::INTEGER,
            CASE WHEN prev_output_id >= ${o0} AND prev_output_id < ${o1} THEN (prev_output_id - ${o0})::INTEGER ELSE -1 END,
            sequence,
            CASE WHEN prev_vout = 4294967295 AND prev_txid = '${'0'.repeat(64)}' THEN 0::DOUBLE
                 ELSE coalesce(value::DOUBLE, 'NaN'::DOUBLE) END,
            coalesce(address_id, -1)::INTEGER
     FROM inputs WHERE input_id >= ${i0} AND input_id < ${i1}`,
  )) {
    const n = c.rowCount
    const [id, po, sq, v, a] = [0, 1, 2, 3, 4].map((j) => items(c, j)) as Items[]
    const at = consecutiveStart(id!, n)
    if (at >= 0) {
      copyInto(inPrevOut, po!, at, n)
      copyInto(inSequence, sq!, at, n)
      copyInto(inValue, v!, at, n)
      copyInto(inAddr, a!, at, n)
      continue
    }
    for (let k = 0; k < n; k++) {
      const i = id![k]!
      inPrevOut[i] = po![k]!
      inSequence[i] = sq![k]!
      inValue[i] = v![k]!
      inAddr[i] = a![k]!
    }
  }

  const outValue = new Float64Array(nOut)
  const outAddr = new Int32Array(nOut)
  const outType = new Uint8Array(nOut)
  let maxAddr = -1
  for await (const c of store.rawChunks(
    `SELECT (output_id - ${o0})::INTEGER, value::DOUBLE, coalesce(address_id, -1)::INTEGER, script_type
     FROM outputs WHERE output_id >= ${o0} AND output_id < ${o1}`,
  )) {
    const n = c.rowCount
    const [id, v, a, ty] = [0, 1, 2, 3].map((j) => items(c, j)) as Items[]
    const at = consecutiveStart(id!, n)
    if (at >= 0) {
      copyInto(outValue, v!, at, n)
      copyInto(outAddr, a!, at, n)
      copyInto(outType, ty!, at, n)
      continue
    }
    for (let k = 0; k < n; k++) {
      const o = id![k]!
      outValue[o] = v![k]!
      outAddr[o] = a![k]!
      outType[o] = ty![k]!
    }
  }
  for (let o = 0; o < nOut; o++) if (outAddr[o]! > maxAddr) maxAddr = outAddr[o]!
  for (let i = 0; i < nIn; i++) if (inAddr[i]! > maxAddr) maxAddr = inAddr[i]!

  const names = withNames
    ? await loadNames(store, txidWords, maxAddr + 1)
    : await knownNamesOnly(store, opts.knownAddresses ?? [])
  return fromColumns({
    txHeight,
    txTime,
    txVersion,
    txLocktime,
    txVsize,
    txFlags,
    txInStart,
    txOutStart,
    inPrevOut,
    inSequence,
    inValue,
    inAddr,
    outValue,
    outAddr,
    outType,
    names,
  })
}

const noNames = (what: string): never => {
  throw new InvariantError(`graph loaded without names (loadUtxoGraph names: false): cannot look up ${what}`)
}

/**
 * The names of a graph loaded with `names: false`: only the `known` address strings resolve (an unknown one that
 * is not in the store gives -1); any other lookup is a programming error and throws.
 */
async function knownNamesOnly(store: HoundStore, known: readonly string[]): Promise<GraphNames> {
  const byString = new Map<string, number>()
  const byId = new Map<number, string>()
  if (known.length > 0) {
    const rows = await store.all<{ id: number; address: string }>(
      `SELECT address_id::INTEGER AS id, address FROM addresses WHERE address IN (${known.map((_, k) => `$${k + 1}`).join(', ')})`,
      [...known],
    )
    for (const r of rows) {
      byString.set(r.address, r.id)
      byId.set(r.id, r.address)
    }
  }
  const knownSet = new Set(known)
  return {
    txid: (t) => noNames(`txid of tx ${t}`),
    txIndex: (id) => noNames(`txid ${id}`),
    address: (a) => byId.get(a) ?? noNames(`address id ${a}`),
    addressIndex: (s) => (knownSet.has(s) ? (byString.get(s) ?? -1) : noNames(`address ${s}`)),
  }
}

/** Address strings 0..count-1 packed in one buffer, and the lazy reverse indexes. */
async function loadNames(store: HoundStore, txidWords: BigUint64Array, count: number): Promise<GraphNames> {
  const addrStart = new Uint32Array(count + 1)
  const lens = new Uint32Array(count)
  const strs: string[] = new Array(count)
  let total = 0
  for await (const c of store.rawChunks(
    `SELECT address_id::INTEGER, address FROM addresses WHERE address_id < ${count}`,
  )) {
    const id = items(c, 0)
    const sv = vec(c, 1)
    for (let k = 0, n = c.rowCount; k < n; k++) {
      const s = sv.getItem(k) as string
      strs[id[k]!] = s
      lens[id[k]!] = s.length
      total += s.length
    }
  }
  // Addresses are ASCII (Base58/bech32), so latin1 keeps one byte per character.
  const buf = Buffer.allocUnsafe(total)
  for (let a = 0; a < count; a++) {
    addrStart[a + 1] = addrStart[a]! + lens[a]!
    const s = strs[a]
    if (s !== undefined) buf.write(s, addrStart[a]!, 'latin1')
  }
  strs.length = 0
  const nTx = txidWords.length / 4
  let txTable: Int32Array | null = null
  let addrTable: Int32Array | null = null

  const txid = (t: number): string => {
    if (t < 0 || t >= nTx) return ''
    let s = ''
    for (let q = 0; q < 4; q++) s += txidWords[4 * t + q]!.toString(16).padStart(16, '0')
    return s
  }
  const address = (a: number): string | null =>
    a < 0 || a >= count || addrStart[a + 1] === addrStart[a]
      ? null
      : buf.toString('latin1', addrStart[a]!, addrStart[a + 1]!)

  const tableSize = (n: number) => {
    let size = 16
    while (size < 2 * n) size *= 2
    return size
  }
  // low 32 bits of each txid's first word (little-endian view)
  const txW32 = new Uint32Array(txidWords.buffer, txidWords.byteOffset, txidWords.length * 2)
  const strHash = (s: string) => {
    let h = 0x811c9dc5
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
    return h >>> 0
  }

  const txIndex = (id: string): number => {
    if (!/^[0-9a-fA-F]{64}$/.test(id)) return -1
    const h = id.toLowerCase()
    const w = [0, 1, 2, 3].map((q) => BigInt(`0x${h.slice(16 * q, 16 * q + 16)}`))
    if (!txTable) {
      txTable = new Int32Array(tableSize(nTx)).fill(-1)
      const mask = txTable.length - 1
      for (let t = nTx - 1; t >= 0; t--) {
        // later duplicates (pre-BIP30) win: insert in reverse, skip ids already present
        let p = txW32[8 * t]! & mask
        while (txTable[p] !== -1) p = (p + 1) & mask
        txTable[p] = t
      }
    }
    const mask = txTable.length - 1
    for (let p = Number(w[0]! & 0xffffffffn) & mask; txTable[p] !== -1; p = (p + 1) & mask) {
      const t = txTable[p]!
      if (
        txidWords[4 * t] === w[0] &&
        txidWords[4 * t + 1] === w[1] &&
        txidWords[4 * t + 2] === w[2] &&
        txidWords[4 * t + 3] === w[3]
      )
        return t
    }
    return -1
  }

  const addressIndex = (s: string): number => {
    if (!addrTable) {
      addrTable = new Int32Array(tableSize(count)).fill(-1)
      const mask = addrTable.length - 1
      for (let a = 0; a < count; a++) {
        const str = address(a)
        if (str === null) continue
        let p = strHash(str) & mask
        while (addrTable[p] !== -1) p = (p + 1) & mask
        addrTable[p] = a
      }
    }
    const mask = addrTable.length - 1
    for (let p = strHash(s) & mask; addrTable[p] !== -1; p = (p + 1) & mask) {
      if (address(addrTable[p]!) === s) return addrTable[p]!
    }
    return -1
  }

  return { txid, txIndex, address, addressIndex }
}

/**
 * The binary snapshot of a loaded `AccountTransferSet` (format of `<store>.cache/account-*.bin`, see
 * loadAccountTransferSetCached.ts): the typed columns as raw little-endian bytes, each section 8-byte aligned so the
 * reader takes views on the file buffer instead of parsing rows, plus a JSON header (format version, the loader
 * options and the store fingerprint it was built for, section offsets, a CRC-32 of everything after the header; the
 * header has its own CRC-32 in the fixed prefix, so every byte of the file is checked).
 *
 * Layout: `HNDACCT\0` | u32 version | u32 header length | u32 CRC-32 of the header | u32 0 | header JSON | padding |
 * sections. Sections: per-row i32 `from to asset tx fromLedger toLedger`, u8 `kind`, f64 `time block`, u64
 * `valueLo` (and `valueHi` only when some value needs more than 64 bits; values beyond 128 bits are decimal strings in
 * the meta section), per-ledger i32 `ledgerAddress ledgerAsset`, the links as sparse `linkRow linkFrom linkKind
 * linkConfidence`, u64 × 4 per transaction `txWords`, the addresses as one `\n`-joined UTF-8 text, and a JSON meta
 * section (assets, pools, link evidence, bridge destinations, non-hex transaction ids, wide values).
 *
 * The reader trusts nothing: wrong magic, version, options or fingerprint, a length that does not add up, a CRC
 * mismatch or a malformed meta section all give `{ reject }`, never an exception, so the caller rebuilds.
 * @module
 */
import { crc32 } from 'node:zlib'
import type { AccountTransferSet, AssetInfo, BridgeDestination, FeeConvention, PoolRole } from './AccountTransferSet.js'
import { txHashAccess, txHashColumnsFromStrings, txHashColumnsOf } from './txHashColumns.js'

export const SNAPSHOT_MAGIC = 'HNDACCT\0'
/** Bumped on any change of layout or meaning; older files are then ignored and rebuilt. */
export const SNAPSHOT_VERSION = 1
const PREFIX = 24

/** What a snapshot was built for; the reader rejects a file whose key differs in any field. */
export type SnapshotKey = { fee: FeeConvention; chains: readonly string[]; fingerprint: string }

type SectionType = 'i32' | 'u8' | 'f64' | 'u64' | 'bytes'
type Header = {
  version: number
  key: SnapshotKey
  n: number
  nTx: number
  nLedgers: number
  nLinks: number
  nAddresses: number
  hasHi: boolean
  /** [name, type, byte offset from the start of the file, element count] */
  sections: [string, SectionType, number, number][]
  /** Total file length, and CRC-32 of everything after the header (8 hex digits: fixed width, the layout stays). */
  length: number
  payloadStart: number
  crc: string
}

const width: Record<SectionType, number> = { i32: 4, u8: 1, f64: 8, u64: 8, bytes: 1 }
const MASK64 = (1n << 64n) - 1n
const pad8 = (x: number) => (x + 7) & ~7

/**
 * Plain JSON values with `undefined` members, bigints and non-finite numbers kept (an asset's `symbol: undefined`, a
 * bigint in evidence): tagged as `{"~u":1}`, `{"~n":"123"}`, `{"~f":"NaN"}`. Anything else JSON would not give back
 * as it was (a Map, a Date, a class instance, a function) throws, and then no snapshot is written.
 */
function tag(v: unknown): unknown {
  if (v === undefined) return { '~u': 1 }
  if (typeof v === 'bigint') return { '~n': v.toString() }
  if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { '~f': String(v === 0 ? '-0' : v) }
  if (typeof v === 'function' || typeof v === 'symbol') throw new Error(`not representable: ${typeof v}`)
  if (Array.isArray(v)) return v.map(tag)
  if (v !== null && typeof v === 'object') {
    const proto = Object.getPrototypeOf(v)
    if (proto !== Object.prototype && proto !== null) throw new Error('not representable: not a plain object')
    const o: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) o[k] = tag(x)
    return o
  }
  return v
}
function untag(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(untag)
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>
    if (o['~u'] === 1 && Object.keys(o).length === 1) return undefined
    if (typeof o['~n'] === 'string' && Object.keys(o).length === 1) return BigInt(o['~n'])
    if (typeof o['~f'] === 'string' && Object.keys(o).length === 1) return o['~f'] === '-0' ? -0 : Number(o['~f'])
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(o)) out[k] = untag(x)
    return out
  }
  return v
}

type Meta = {
  assets: AssetInfo[]
  pools: [number, PoolRole][]
  linkInfo: [number, { rules: string[]; evidence: Record<string, unknown> }][]
  bridgeDestinations: [number, BridgeDestination][]
  txStrings: [number, string][]
  wideValues: [number, string][]
  /** Addresses, when one of them contains a newline (else they are the `\n`-joined text section). */
  addresses?: string[]
}

/**
 * Encode the set as the buffers of one snapshot file (write them in order). Returns null when the set holds
 * something the format cannot represent exactly (then no snapshot is written; the caller just loads from SQL).
 */
export function encodeAccountSetSnapshot(set: AccountTransferSet, key: SnapshotKey): Buffer[] | null {
  const n = set.n
  const tx = txHashColumnsOf(set.txHashes) ?? txHashColumnsFromStrings(set.txHashes)
  const lo = new BigUint64Array(n)
  let hi: BigUint64Array | null = null
  const wideValues: [number, string][] = []
  for (let p = 0; p < n; p++) {
    const v = set.value[p]!
    if (v < 0n) return null
    if (v <= MASK64) lo[p] = v
    else if (v >> 128n === 0n) {
      hi ??= new BigUint64Array(n)
      lo[p] = v & MASK64
      hi[p] = v >> 64n
    } else wideValues.push([p, v.toString()])
  }
  const linkRows: number[] = []
  for (let p = 0; p < n; p++) if (set.linkFrom[p]! >= 0) linkRows.push(p)
  const nLinks = linkRows.length
  const linkRow = Int32Array.from(linkRows)
  const linkFrom = Int32Array.from(linkRows, (p) => set.linkFrom[p]!)
  const linkKind = Uint8Array.from(linkRows, (p) => set.linkKind[p]!)
  const linkConfidence = Float64Array.from(linkRows, (p) => set.linkConfidence[p]!)
  const newline = set.addresses.some((a) => a.includes('\n'))
  const meta: Meta = {
    assets: set.assets,
    pools: [...set.pools],
    linkInfo: [...set.linkInfo],
    bridgeDestinations: [...set.bridgeDestinations],
    txStrings: [...tx.strings],
    wideValues,
    ...(newline ? { addresses: set.addresses } : {}),
  }
  let metaText: string
  try {
    metaText = JSON.stringify(tag(meta))
  } catch {
    return null // not representable exactly (see tag): no snapshot
  }
  type Part = [name: string, type: SectionType, data: ArrayBufferView, count: number]
  const parts: Part[] = [
    ['valueLo', 'u64', lo, n],
    ...(hi ? [['valueHi', 'u64', hi, n] as Part] : []),
    ['time', 'f64', set.time, n],
    ['block', 'f64', set.block, n],
    ['txWords', 'u64', tx.words.subarray(0, 4 * tx.n), 4 * tx.n],
    ['linkConfidence', 'f64', linkConfidence, nLinks],
    ['from', 'i32', set.from, n],
    ['to', 'i32', set.to, n],
    ['asset', 'i32', set.asset, n],
    ['tx', 'i32', set.tx, n],
    ['fromLedger', 'i32', set.fromLedger, n],
    ['toLedger', 'i32', set.toLedger, n],
    ['ledgerAddress', 'i32', set.ledgerAddress, set.ledgerAddress.length],
    ['ledgerAsset', 'i32', set.ledgerAsset, set.ledgerAsset.length],
    ['linkRow', 'i32', linkRow, nLinks],
    ['linkFrom', 'i32', linkFrom, nLinks],
    ['kind', 'u8', set.kind, n],
    ['linkKind', 'u8', linkKind, nLinks],
    ['addresses', 'bytes', Buffer.from(newline ? '' : set.addresses.join('\n'), 'utf8'), -1],
    ['meta', 'bytes', Buffer.from(metaText, 'utf8'), -1],
  ]
  const bodies = parts.map(([, , a]) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))
  const header: Header = {
    version: SNAPSHOT_VERSION,
    key: { fee: key.fee, chains: [...key.chains], fingerprint: key.fingerprint },
    n,
    nTx: tx.n,
    nLedgers: set.ledgerAddress.length,
    nLinks,
    nAddresses: set.addresses.length,
    hasHi: hi !== null,
    sections: [],
    length: 0,
    payloadStart: 0,
    crc: '00000000',
  }
  // offsets depend on the header's length, which depends on the offsets' digits: lay out twice (fixed point)
  let headerBytes = 0
  for (let round = 0; round < 8; round++) {
    let off = pad8(PREFIX + headerBytes)
    header.payloadStart = off
    header.sections = parts.map(([name, type], i) => {
      const b = bodies[i]!
      const s: [string, SectionType, number, number] = [name, type, off, type === 'bytes' ? b.length : parts[i]![3]]
      off = pad8(off + b.length)
      return s
    })
    header.length = off
    const next = Buffer.byteLength(JSON.stringify(header), 'utf8')
    if (next === headerBytes) break
    headerBytes = next
  }
  const out: Buffer[] = []
  const headerPad = Buffer.alloc(header.payloadStart - PREFIX - headerBytes)
  let crc = headerPad.length > 0 ? crc32(headerPad) : 0
  let at = header.payloadStart
  const payload: Buffer[] = []
  for (const b of bodies) {
    payload.push(b)
    at += b.length
    const gap = pad8(at) - at
    if (gap > 0) payload.push(Buffer.alloc(gap))
    at += gap
  }
  for (const b of payload) if (b.length > 0) crc = crc32(b, crc) // Node 20: an empty view resets the CRC to 0
  header.crc = (crc >>> 0).toString(16).padStart(8, '0')
  const hb = Buffer.from(JSON.stringify(header), 'utf8')
  if (hb.length !== headerBytes) return null // the layout did not settle (cannot happen: lengths only grow)
  const prefix = Buffer.alloc(PREFIX)
  prefix.write(SNAPSHOT_MAGIC, 0, 'latin1')
  prefix.writeUInt32LE(SNAPSHOT_VERSION, 8)
  prefix.writeUInt32LE(hb.length, 12)
  prefix.writeUInt32LE(crc32(hb), 16)
  out.push(prefix, hb, headerPad, ...payload)
  return out
}

export type SnapshotDecode = { set: AccountTransferSet } | { reject: string }

/**
 * The fixed prefix checked (magic, format version, header length) and the header parsed if its CRC-32 matches, or
 * why not. Throws on a header that is not JSON (callers catch).
 */
function readHeader(b: Buffer): { h: Header; hlen: number } | { reject: string } {
  if (b.length < PREFIX) return { reject: 'truncated' }
  if (b.toString('latin1', 0, 8) !== SNAPSHOT_MAGIC) return { reject: 'not a snapshot (magic)' }
  if (b.readUInt32LE(8) !== SNAPSHOT_VERSION) return { reject: `format version ${b.readUInt32LE(8)}` }
  const hlen = b.readUInt32LE(12)
  if (PREFIX + hlen > b.length) return { reject: 'truncated header' }
  const hb = b.subarray(PREFIX, PREFIX + hlen)
  if (crc32(hb) !== b.readUInt32LE(16)) return { reject: 'header checksum' }
  return { h: JSON.parse(hb.toString('utf8')) as Header, hlen }
}

/** The key in a snapshot's header (cheap: reads the header only), or null when the header is not intact. */
export function peekSnapshotKey(buf: Uint8Array): SnapshotKey | null {
  try {
    const r = readHeader(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength))
    if ('reject' in r) return null
    const k = r.h.key
    if (typeof k?.fee !== 'string' || typeof k.fingerprint !== 'string' || !Array.isArray(k.chains)) return null
    return { fee: k.fee, chains: k.chains, fingerprint: k.fingerprint }
  } catch {
    return null
  }
}

/** Same options and store fingerprint. */
export function sameSnapshotKey(a: SnapshotKey, b: SnapshotKey): boolean {
  return (
    a.fee === b.fee &&
    a.fingerprint === b.fingerprint &&
    a.chains.length === b.chains.length &&
    a.chains.every((c, i) => c === b.chains[i])
  )
}

/**
 * Decode a snapshot file's bytes into the set, if it was built for exactly `key` and is intact. Columns are views
 * on `buf` (copied once first when `buf` is not 8-byte aligned); values are materialised as bigints.
 */
export function decodeAccountSetSnapshot(buf: Uint8Array, key: SnapshotKey): SnapshotDecode {
  try {
    return decode(buf, key)
  } catch (e) {
    return { reject: `malformed: ${e instanceof Error ? e.message : String(e)}` }
  }
}

function decode(input: Uint8Array, key: SnapshotKey): SnapshotDecode {
  if (input.length < PREFIX) return { reject: 'truncated' }
  const buf = input.byteOffset % 8 === 0 ? input : new Uint8Array(input) // own, aligned ArrayBuffer
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
  const r = readHeader(b)
  if ('reject' in r) return r
  if (b.readUInt32LE(20) !== 0) return { reject: 'reserved bytes' }
  const { h, hlen } = r
  if (h.version !== SNAPSHOT_VERSION) return { reject: 'header version' }
  if (!sameSnapshotKey(h.key, key)) return { reject: 'built for other options or another store content' }
  if (h.length !== b.length) return { reject: `length ${b.length}, header says ${h.length}` }
  if (h.payloadStart < PREFIX + hlen || h.payloadStart > b.length) return { reject: 'payload offset' }
  if ((crc32(b.subarray(PREFIX + hlen)) >>> 0).toString(16).padStart(8, '0') !== h.crc)
    return { reject: 'payload checksum' }
  const { n, nTx, nLedgers, nLinks } = h
  const sec = new Map(h.sections.map((s) => [s[0], s]))
  const view = <T>(
    name: string,
    type: SectionType,
    count: number,
    C: new (ab: ArrayBufferLike, o: number, l: number) => T,
  ): T => {
    const s = sec.get(name)
    if (!s || s[1] !== type || s[3] !== count) throw new Error(`section ${name}`)
    const off = s[2]
    if (off % 8 !== 0 || off < h.payloadStart || off + count * width[type] > b.length)
      throw new Error(`section ${name}`)
    return new C(buf.buffer, buf.byteOffset + off, count)
  }
  const bytes = (name: string): Buffer => {
    const s = sec.get(name)
    if (s?.[1] !== 'bytes' || s[2] < h.payloadStart || s[2] + s[3] > b.length) throw new Error(`section ${name}`)
    return b.subarray(s[2], s[2] + s[3])
  }
  const from = view('from', 'i32', n, Int32Array)
  const to = view('to', 'i32', n, Int32Array)
  const asset = view('asset', 'i32', n, Int32Array)
  const tx = view('tx', 'i32', n, Int32Array)
  const kind = view('kind', 'u8', n, Uint8Array)
  const time = view('time', 'f64', n, Float64Array)
  const block = view('block', 'f64', n, Float64Array)
  const fromLedger = view('fromLedger', 'i32', n, Int32Array)
  const toLedger = view('toLedger', 'i32', n, Int32Array)
  const ledgerAddress = view('ledgerAddress', 'i32', nLedgers, Int32Array)
  const ledgerAsset = view('ledgerAsset', 'i32', nLedgers, Int32Array)
  const lo = view('valueLo', 'u64', n, BigUint64Array)
  const hi = h.hasHi ? view('valueHi', 'u64', n, BigUint64Array) : null
  const words = view('txWords', 'u64', 4 * nTx, BigUint64Array)
  const lRow = view('linkRow', 'i32', nLinks, Int32Array)
  const lFrom = view('linkFrom', 'i32', nLinks, Int32Array)
  const lKind = view('linkKind', 'u8', nLinks, Uint8Array)
  const lConf = view('linkConfidence', 'f64', nLinks, Float64Array)
  const meta = untag(JSON.parse(bytes('meta').toString('utf8'))) as Meta
  const text = bytes('addresses').toString('utf8')
  const addresses = meta.addresses ?? (h.nAddresses === 0 ? [] : text.split('\n'))
  if (addresses.length !== h.nAddresses) throw new Error('address count')
  const addressIndex = new Map<string, number>()
  for (let i = 0; i < addresses.length; i++) addressIndex.set(addresses[i]!, i)
  // preallocated (one large-object allocation, no regrowth); the high words are tested as two 32-bit halves, which
  // allocates nothing (reading a BigUint64Array element allocates a bigint)
  const value: bigint[] = new Array(n)
  if (hi === null) for (let p = 0; p < n; p++) value[p] = lo[p]!
  else {
    const h32 = new Uint32Array(hi.buffer, hi.byteOffset, 2 * n)
    for (let p = 0; p < n; p++) value[p] = (h32[2 * p]! | h32[2 * p + 1]!) === 0 ? lo[p]! : (hi[p]! << 64n) | lo[p]!
  }
  for (const [p, s] of meta.wideValues) value[p] = BigInt(s)
  const linkFrom = new Int32Array(n).fill(-1)
  const linkKind = new Uint8Array(n)
  const linkConfidence = new Float64Array(n)
  for (let i = 0; i < nLinks; i++) {
    const p = lRow[i]!
    linkFrom[p] = lFrom[i]!
    linkKind[p] = lKind[i]!
    linkConfidence[p] = lConf[i]!
  }
  const nA = Math.max(meta.assets.length, 1)
  const ledgerIndex = new Map<number, number>()
  for (let l = 0; l < nLedgers; l++) ledgerIndex.set(ledgerAddress[l]! * nA + ledgerAsset[l]!, l)
  const { txHashes, txIdsOf } = txHashAccess({ n: nTx, words, strings: new Map(meta.txStrings) })
  return {
    set: {
      n,
      from,
      to,
      asset,
      value,
      kind,
      tx,
      time,
      block,
      linkFrom,
      linkKind,
      linkConfidence,
      addresses,
      addressIndex,
      pools: new Map(meta.pools),
      assets: meta.assets,
      txHashes,
      txIdsOf,
      linkInfo: new Map(meta.linkInfo),
      bridgeDestinations: new Map(meta.bridgeDestinations),
      fromLedger,
      toLedger,
      ledgerAddress,
      ledgerAsset,
      ledgerIndex,
    },
  }
}

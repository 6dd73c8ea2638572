/**
 * Single-block files: a raw serialised block (`.raw`, `.blk`, `.dat` without a magic frame) or its hex text
 * (`.hex`, `.txt`: one block, or one block per line, as `bitcoin-cli getblock <hash> 0` prints it). The kind is
 * decided by content, not by extension: a known network magic → framed blk file; only hex digits and whitespace
 * → hex; anything else → raw bytes.
 * @module
 */
import { open, readFile } from 'node:fs/promises'
import { DecodeError } from '../core/errors.js'
import { HEADER_SIZE } from './decodeBlockHeader.js'
import { fromHex } from './hash.js'
import { networkByMagic } from './networks.js'
import { MAX_BLOCK_SIZE } from './readBlkFile.js'

/** `framed-xor`: a blk file obfuscated with the `xor.dat` key given to detectBlockFileKind. */
export type BlockFileKind = 'framed' | 'framed-xor' | 'hex' | 'raw'

/** Largest single-block file read whole (hex of many blocks, one per line, included). */
export const MAX_RAW_FILE_SIZE = 64 * 1024 * 1024

/** A block read from a single-block file. */
export type RawFileBlock = {
  readonly bytes: Uint8Array
  /** Byte offset in the file where the block (or its hex line) starts. */
  readonly offset: number
}

const isHexOrSpace = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46) || c === 0x20 || (c >= 9 && c <= 13)

/**
 * Decide what `file` holds by its first bytes (up to 4 KiB). With `xorKey` (the `xor.dat` beside the file), a
 * file whose first bytes become a magic once de-obfuscated is `framed-xor`.
 */
export async function detectBlockFileKind(file: string, xorKey?: Uint8Array | null): Promise<BlockFileKind> {
  const fh = await open(file, 'r')
  try {
    const buf = new Uint8Array(4096)
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0)
    const head = buf.subarray(0, bytesRead)
    // The key first: a key starting with 4 zero bytes leaves the magic readable but not the rest.
    if (bytesRead >= 4 && xorKey && networkByMagic(head.slice(0, 4).map((b, i) => b ^ xorKey[i]!))) return 'framed-xor'
    if (bytesRead >= 4 && networkByMagic(head)) return 'framed'
    let start = 0
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3 // UTF-8 BOM
    if (bytesRead > start && head.subarray(start).every(isHexOrSpace)) return 'hex'
    return 'raw'
  } finally {
    await fh.close()
  }
}

const varInt = (b: Uint8Array, p: number, fail: (at: number, what: string) => never): [number, number] => {
  const f = b[p]
  if (f === undefined) return fail(p, 'truncated varint')
  if (f < 0xfd) return [f, p + 1]
  const n = f === 0xfd ? 2 : f === 0xfe ? 4 : 8
  if (p + 1 + n > b.length) return fail(p, 'truncated varint')
  let v = 0
  for (let i = n; i >= 1; i--) v = v * 256 + b[p + i]!
  return [v, p + 1 + n]
}

/**
 * Walk the transaction structure of the block at `offset` of `bytes` (lengths only, no decoding) and return
 * where it ends. A DecodeError names `where` and the offset at which the structure broke. Used to validate
 * single-block files, whose only framing is their own structure.
 */
export function blockEnd(bytes: Uint8Array, offset: number, where: string): number {
  const fail = (at: number, what: string): never => {
    throw new DecodeError(`${what} in ${where} at offset ${at}`, { details: { file: where, offset: at } })
  }
  const need = (p: number, n: number): void => {
    if (p + n > bytes.length) fail(p, `block cut short: need ${n} bytes, have ${bytes.length - p}`)
  }
  need(offset, HEADER_SIZE)
  let p = offset + HEADER_SIZE
  let txCount: number
  ;[txCount, p] = varInt(bytes, p, fail)
  if (txCount < 1 || txCount > MAX_BLOCK_SIZE / 60) fail(offset + HEADER_SIZE, `implausible tx count ${txCount}`)
  for (let t = 0; t < txCount; t++) {
    const txStart = p
    need(p, 4)
    p += 4
    const segwit = bytes[p] === 0 && bytes[p + 1] === 1
    if (segwit) p += 2
    let nIn: number
    ;[nIn, p] = varInt(bytes, p, fail)
    if (nIn < 1) fail(txStart, `transaction ${t} has no inputs`)
    for (let i = 0; i < nIn; i++) {
      need(p, 36)
      let len: number
      ;[len, p] = varInt(bytes, p + 36, fail)
      need(p, len + 4)
      p += len + 4
    }
    let nOut: number
    ;[nOut, p] = varInt(bytes, p, fail)
    for (let o = 0; o < nOut; o++) {
      need(p, 8)
      let len: number
      ;[len, p] = varInt(bytes, p + 8, fail)
      need(p, len)
      p += len
    }
    if (segwit) {
      for (let i = 0; i < nIn; i++) {
        let items: number
        ;[items, p] = varInt(bytes, p, fail)
        for (let k = 0; k < items; k++) {
          let len: number
          ;[len, p] = varInt(bytes, p, fail)
          need(p, len)
          p += len
        }
      }
    }
    need(p, 4)
    p += 4
  }
  return p
}

function wholeBlock(bytes: Uint8Array, file: string, offset: number): Uint8Array {
  const end = blockEnd(bytes, 0, file)
  if (end !== bytes.length) {
    throw new DecodeError(`${bytes.length - end} trailing bytes after the block in ${file} at offset ${offset + end}`, {
      details: { file, offset: offset + end },
    })
  }
  return bytes
}

/**
 * Read the block(s) of a single-block file of kind `hex` or `raw` (see detectBlockFileKind). Each block is
 * structure-checked (blockEnd) and must fill its file or line exactly.
 */
export async function readRawBlockFile(file: string, kind: 'hex' | 'raw'): Promise<RawFileBlock[]> {
  const data = new Uint8Array(await readFile(file))
  if (data.length > MAX_RAW_FILE_SIZE) {
    throw new DecodeError(`${file} is too large for a single-block file (${data.length} bytes)`, {
      details: { file, offset: 0 },
    })
  }
  if (kind === 'raw') return [{ bytes: wholeBlock(data, file, 0), offset: 0 }]
  const text = new TextDecoder().decode(data).replace(/^\uFEFF/, '')
  const bom = data[0] === 0xef ? 3 : 0
  // One block per non-empty line; a block wrapped over several lines is joined back.
  const lines: { hex: string; offset: number }[] = []
  let at = bom
  for (const line of text.split('\n')) {
    const hex = line.replace(/\s+/g, '')
    if (hex) lines.push({ hex, offset: at })
    at += Buffer.byteLength(line, 'utf8') + 1
  }
  const decode = (hex: string, offset: number): Uint8Array => {
    if (hex.length % 2 !== 0) {
      throw new DecodeError(`odd number of hex digits in ${file} at offset ${offset}`, { details: { file, offset } })
    }
    return fromHex(hex)
  }
  if (lines.length === 0) throw new DecodeError(`${file} is empty`, { details: { file, offset: 0 } })
  if (lines.length > 1) {
    try {
      return lines.map((l) => ({ bytes: wholeBlock(decode(l.hex, l.offset), file, l.offset), offset: l.offset }))
    } catch {
      // not one block per line: try the lines joined as one block
    }
  }
  return [{ bytes: wholeBlock(decode(lines.map((l) => l.hex).join(''), bom), file, bom), offset: bom }]
}

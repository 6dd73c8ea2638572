/**
 * Writes blocks as Bitcoin Core lays them out in `blocks/blk?????.dat`: each record is the network magic, the
 * block length (u32 little-endian) and the serialised block; a new file starts when the next record would take the
 * current one past 128 MiB (Core's MAX_BLOCKFILE_SIZE). Files are written finalised (no zero preallocation tail).
 * @module
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { blkRecordPrefix } from '../btc/encodeBlock.js'

export const MAX_BLOCKFILE_SIZE = 0x8000000

/** `blk00000.dat`, `blk00001.dat`, … */
export function blkFileName(n: number): string {
  return `blk${n.toString().padStart(5, '0')}.dat`
}

export class BlockFileWriter {
  private fd = -1
  private fileNo = -1
  private fileSize = 0
  /** Total bytes written over all files. */
  bytes = 0
  readonly files: string[] = []

  constructor(
    private readonly dir: string,
    private readonly magic: Uint8Array,
    private readonly maxFileSize = MAX_BLOCKFILE_SIZE,
  ) {
    mkdirSync(dir, { recursive: true })
  }

  /** Append one block given as consecutive parts (header, tx count, coinbase, other txs). */
  writeBlock(parts: readonly Uint8Array[]): void {
    let len = 0
    for (const p of parts) len += p.length
    const recLen = 8 + len
    if (this.fd < 0 || (this.fileSize > 0 && this.fileSize + recLen > this.maxFileSize)) this.nextFile()
    writeAll(this.fd, blkRecordPrefix(this.magic, len))
    for (const p of parts) writeAll(this.fd, p)
    this.fileSize += recLen
    this.bytes += recLen
  }

  private nextFile(): void {
    if (this.fd >= 0) closeSync(this.fd)
    this.fileNo++
    const name = blkFileName(this.fileNo)
    this.files.push(name)
    this.fd = openSync(join(this.dir, name), 'w')
    this.fileSize = 0
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd)
    this.fd = -1
  }
}

function writeAll(fd: number, b: Uint8Array): void {
  let off = 0
  while (off < b.length) off += writeSync(fd, b, off, b.length - off)
}

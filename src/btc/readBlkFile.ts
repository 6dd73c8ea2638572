/**
 * Index one `blk*.dat` file as Bitcoin Core writes it: records of `magic (4) | length (u32 LE) | block`,
 * optionally XOR-obfuscated with the 8-byte key of `xor.dat` (Core 28+), followed by zero padding (Core
 * pre-allocates files in chunks). Only the 80-byte header and the position of each record are kept: block
 * bytes are re-read by position when the blocks are yielded, so indexing a blocks dir of hundreds of GB reads
 * little more than one small window per block.
 * @module
 */
import { type FileHandle, open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DecodeError } from '../core/errors.js'
import { HEADER_SIZE } from './decodeBlockHeader.js'
import { toHex } from './hash.js'
import { type BtcNetwork, networkByMagic } from './networks.js'

/** Largest serialised block Bitcoin accepts (BIP141 MAX_BLOCK_SERIALIZED_SIZE); larger lengths are garbage. */
export const MAX_BLOCK_SIZE = 4_000_000
/** Smallest possible block: header + 1-byte tx count + a minimal coinbase (60 bytes). */
export const MIN_BLOCK_SIZE = HEADER_SIZE + 1 + 60

/**
 * Called for each record of a blk file: `header` is a view of its 80 header bytes (valid only during the call),
 * `offset` the position in the file of the block's first byte (the record starts 8 bytes earlier, at the magic),
 * `length` the block size (the record's length field).
 */
export type BlkRecordSink = (header: Uint8Array, offset: number, length: number) => void

export type BlkFileIndex = {
  readonly file: string
  readonly size: number
  /** Records found. */
  readonly records: number
  /** Zero bytes skipped (pre-allocation padding). */
  readonly paddingBytes: number
  /** Network of the records' magic (null for a file holding only padding). */
  readonly network: BtcNetwork | null
}

export type IndexBlkFileOptions = {
  /** The `xor.dat` key (8 bytes) or null when the file is not obfuscated. */
  readonly xorKey?: Uint8Array | null
  /** Expected network: a record with another magic is a DecodeError. Detected from the first record when absent. */
  readonly network?: BtcNetwork | null
}

/** XOR `buf` (holding file bytes starting at file position `pos`) in place with the obfuscation key. */
export function xorAt(buf: Uint8Array, pos: number, key: Uint8Array | null | undefined): void {
  if (!key) return
  const n = key.length
  let k = pos % n
  for (let i = 0; i < buf.length; i++) {
    buf[i] = buf[i]! ^ key[k]!
    if (++k === n) k = 0
  }
}

/**
 * The obfuscation key of the blocks dir `dir` (`dir/xor.dat`), or null when there is none or it is all zeros
 * (Core writes a zero key when obfuscation is off). A key file that is not 8 bytes long is a DecodeError.
 */
export async function readXorKey(dir: string): Promise<Uint8Array | null> {
  const path = join(dir, 'xor.dat')
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await readFile(path))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
  if (bytes.length !== 8) {
    throw new DecodeError(`bad obfuscation key ${path}: expected 8 bytes, found ${bytes.length}`, {
      details: { file: path, offset: 0 },
    })
  }
  return bytes.some((b) => b !== 0) ? bytes : null
}

const WINDOW = 64 * 1024

/** Positional reads through a small window, de-obfuscated on load. */
class WindowReader {
  private buf = new Uint8Array(WINDOW)
  private start = 0
  private end = 0
  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    private readonly key: Uint8Array | null,
  ) {}

  /**
   * Bytes [pos, pos+len) (len ≤ WINDOW, within the file); the view is valid until the next call. On a miss,
   * `readSize` bytes are read (at least `len`): a full window while blocks are small (many headers per read),
   * little when they are large (one header per read; no point reading 64 KiB of a 2 MB block).
   */
  async at(pos: number, len: number, readSize = WINDOW): Promise<Uint8Array> {
    if (pos < this.start || pos + len > this.end) {
      const want = Math.min(Math.max(len, readSize), WINDOW, this.size - pos)
      const { bytesRead } = await this.fh.read(this.buf, 0, want, pos)
      xorAt(this.buf.subarray(0, bytesRead), pos, this.key)
      this.start = pos
      this.end = pos + bytesRead
      if (bytesRead < len) throw new Error(`short read at ${pos}`)
    }
    return this.buf.subarray(pos - this.start, pos - this.start + len)
  }
}

function magicName(bytes: Uint8Array): string {
  const n = networkByMagic(bytes)
  return n ? `${toHex(bytes)} (${n.name})` : toHex(bytes)
}

/**
 * Index every record of the blk file `file` (headers and positions go to `onRecord`), zero padding counted,
 * network checked.
 * Errors (wrong magic, a record cut by the end of the file, an impossible length) are DecodeErrors naming the
 * file and the offset of the bad record, raised before the caller has seen any block of a later position.
 */
export async function indexBlkFile(
  file: string,
  onRecord: BlkRecordSink,
  opts: IndexBlkFileOptions = {},
): Promise<BlkFileIndex> {
  const key = opts.xorKey ?? null
  let network = opts.network ?? null
  const fh = await open(file, 'r')
  try {
    const size = (await fh.stat()).size
    const r = new WindowReader(fh, size, key)
    let records = 0
    let paddingBytes = 0
    let pos = 0
    let readSize = WINDOW
    const fail = (offset: number, what: string): never => {
      throw new DecodeError(`${what} in ${file} at offset ${offset}`, { details: { file, offset } })
    }
    while (pos < size) {
      const first = (await r.at(pos, 1, readSize))[0]
      if (first === 0) {
        // Zero padding: skip the run of zeros (normally up to the end of the file).
        let q = pos
        scan: while (q < size) {
          const chunk = await r.at(q, Math.min(WINDOW, size - q))
          for (let i = 0; i < chunk.length; i++) {
            if (chunk[i] !== 0) {
              q += i
              break scan
            }
          }
          q += chunk.length
        }
        paddingBytes += q - pos
        pos = q
        continue
      }
      if (size - pos < 8) fail(pos, `truncated record frame (${size - pos} bytes before end of file)`)
      const frame = await r.at(pos, 8, readSize)
      const found = networkByMagic(frame)
      if (!found || (network && found !== network)) {
        const expected = network ? ` (expected ${toHex(network.magic)} for ${network.name})` : ''
        fail(pos, `wrong magic ${magicName(frame.subarray(0, 4))}${expected}`)
      }
      network ??= found
      const length = frame[4]! | (frame[5]! << 8) | (frame[6]! << 16) | (frame[7]! * 0x1000000)
      if (length < MIN_BLOCK_SIZE || length > MAX_BLOCK_SIZE) {
        fail(pos, `implausible block length ${length} (expected ${MIN_BLOCK_SIZE}..${MAX_BLOCK_SIZE})`)
      }
      if (pos + 8 + length > size) {
        fail(pos, `file cut mid-block: record declares ${length} bytes, only ${size - pos - 8} remain`)
      }
      onRecord(await r.at(pos + 8, HEADER_SIZE, readSize), pos + 8, length)
      records++
      readSize = length > 16 * 1024 ? 4096 : WINDOW
      pos += 8 + length
    }
    return { file, size, records, paddingBytes, network }
  } finally {
    await fh.close()
  }
}

/** Read `length` bytes at `offset` of an open blk file, de-obfuscated. */
export async function readBlkBytes(
  fh: FileHandle,
  file: string,
  offset: number,
  length: number,
  key: Uint8Array | null,
): Promise<Uint8Array> {
  const buf = new Uint8Array(length)
  let done = 0
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, offset + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  if (done < length) {
    throw new DecodeError(`${file} shrank since it was indexed: short read at offset ${offset}`, {
      details: { file, offset },
    })
  }
  xorAt(buf, offset, key)
  return buf
}

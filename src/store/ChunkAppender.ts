/**
 * Fast bulk appends into one DuckDB table: rows are written straight into the typed buffers of a
 * 2048-row DataChunk and handed to DuckDB's appender a chunk at a time.
 *
 * Why: the per-value `appendX` calls of the appender cost one native call per value; ingest writes
 * ~50 values per transaction, so that alone would cap throughput well below the 100k tx/s target. Filling
 * the chunk's typed arrays in JS and copying each vector once per chunk costs one native call per
 * column per 2048 rows (strings still cost one call each).
 *
 * The appender runs inside the connection's open transaction: rows appended and flushed before a
 * ROLLBACK are rolled back with it (tested in ChunkAppender.test.ts), which is what makes each ingest
 * batch atomic.
 * @module
 */
import {
  type DuckDBAppender,
  DuckDBBigIntType,
  DuckDBBooleanType,
  DuckDBDataChunk,
  DuckDBIntegerType,
  type DuckDBType,
  DuckDBUIntegerType,
  DuckDBUTinyIntType,
  DuckDBVarCharType,
  type DuckDBVector,
} from '@duckdb/node-api'
import { StoreError } from '../core/errors.js'

/** Column kinds the appender writes. Numbers are JS numbers (ids and satoshi are safe integers). */
export type ColKind = 'i64' | 'i32' | 'u32' | 'u8' | 'bool' | 'str'

const CHUNK = 2048
const TWO32 = 4294967296

const duckType: Record<ColKind, DuckDBType> = {
  i64: DuckDBBigIntType.instance,
  i32: DuckDBIntegerType.instance,
  u32: DuckDBUIntegerType.instance,
  u8: DuckDBUTinyIntType.instance,
  bool: DuckDBBooleanType.instance,
  str: DuckDBVarCharType.instance,
}

/** The SQL type name for each kind (for CREATE TABLE statements that must match the appender). */
export const sqlType: Record<ColKind, string> = {
  i64: 'BIGINT',
  i32: 'INTEGER',
  u32: 'UINTEGER',
  u8: 'UTINYINT',
  bool: 'BOOLEAN',
  str: 'VARCHAR',
}

type VecInternals = {
  items?: Int32Array | Uint32Array | Uint8Array | BigInt64Array
  dataView?: DataView
  /** node-api's JS-side validity mask (null: all valid), copied into the vector by `flush`. */
  validity?: { data: BigUint64Array | null }
  setItem(i: number, v: unknown): void
  flush(): void
}

/**
 * Row-at-a-time writer over column buffers. Call the setter for every column of a row (unset columns are
 * zero/empty), then `endRow()`. `close()` appends what is left and closes the appender.
 */
export class ChunkAppender {
  /** Rows appended since creation. */
  rows = 0
  private r = 0
  private readonly bU32: Uint32Array[] = []
  private readonly bI32: Int32Array[] = []
  private readonly bU8: Uint8Array[] = []
  private readonly strs: (string | null)[][] = []
  private readonly nulls: number[][] = []
  private readonly types: DuckDBType[]

  constructor(
    private readonly appender: DuckDBAppender,
    private readonly kinds: readonly ColKind[],
    private readonly table: string,
  ) {
    this.types = kinds.map((k) => duckType[k])
    for (let c = 0; c < kinds.length; c++) {
      const k = kinds[c]!
      this.bU32.push(new Uint32Array(k === 'i64' ? 2 * CHUNK : k === 'u32' ? CHUNK : 0))
      this.bI32.push(new Int32Array(k === 'i32' ? CHUNK : 0))
      this.bU8.push(new Uint8Array(k === 'u8' || k === 'bool' ? CHUNK : 0))
      this.strs.push(k === 'str' ? new Array(CHUNK).fill(null) : [])
      this.nulls.push([])
    }
  }

  /** BIGINT from a safe integer. */
  i64(c: number, v: number): void {
    const hi = Math.floor(v / TWO32)
    const a = this.bU32[c]!
    a[2 * this.r] = v - hi * TWO32
    a[2 * this.r + 1] = hi >>> 0
  }
  i32(c: number, v: number): void {
    this.bI32[c]![this.r] = v
  }
  u32(c: number, v: number): void {
    this.bU32[c]![this.r] = v
  }
  u8(c: number, v: number): void {
    this.bU8[c]![this.r] = v
  }
  bool(c: number, v: boolean): void {
    this.bU8[c]![this.r] = v ? 1 : 0
  }
  str(c: number, v: string): void {
    this.strs[c]![this.r] = v
  }
  /** VARCHAR or NULL in column c (for nullable string columns: one call instead of a branch at every site). */
  strOrNull(c: number, v: string | null | undefined): void {
    if (v === null || v === undefined) this.nulls[c]!.push(this.r)
    else this.strs[c]![this.r] = v
  }
  /** NULL in column c for the current row. */
  null(c: number): void {
    this.nulls[c]!.push(this.r)
  }

  endRow(): void {
    this.rows++
    if (++this.r === CHUNK) this.flushChunk()
  }

  private flushChunk(): void {
    const n = this.r
    if (n === 0) return
    try {
      const chunk = DuckDBDataChunk.create(this.types, n)
      for (let c = 0; c < this.kinds.length; c++) {
        const v = chunk.getColumnVector(c) as DuckDBVector & VecInternals
        this.fill(c, n, v)
        v.flush()
      }
      this.appender.appendDataChunk(chunk)
    } catch (e) {
      throw new StoreError(`appending to ${this.table} failed: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
        details: { table: this.table },
      })
    }
    this.r = 0
    for (const ns of this.nulls) ns.length = 0
  }

  private fill(c: number, n: number, v: VecInternals): void {
    const k = this.kinds[c]!
    const nulls = this.nulls[c]!
    if (k === 'str') {
      const s = this.strs[c]!
      for (let i = 0; i < n; i++) {
        const x = s[i]
        if (x === null || x === undefined) nulls.push(i)
        else {
          v.setItem(i, x)
          s[i] = null
        }
      }
    } else if (k === 'bool') {
      const dv = v.dataView
      if (!dv) throw new Error('unexpected boolean vector layout')
      const src = this.bU8[c]!
      for (let i = 0; i < n; i++) dv.setUint8(i, src[i]!)
    } else {
      const items = v.items
      if (!items) throw new Error(`unexpected ${k} vector layout`)
      const bytes = new Uint8Array(items.buffer, items.byteOffset, items.byteLength)
      const src = k === 'i64' || k === 'u32' ? this.bU32[c]! : k === 'i32' ? this.bI32[c]! : this.bU8[c]!
      bytes.set(new Uint8Array(src.buffer, src.byteOffset, bytes.byteLength))
    }
    if (nulls.length > 0) this.clearValid(v, n, nulls)
  }

  /**
   * Mark `rows` NULL by clearing their bits in the vector's validity mask with 32-bit integer operations (node-api's
   * own `setItem(i, null)` does BigInt arithmetic per row, which cost more than the rest of the append).
   */
  private clearValid(v: VecInternals, n: number, rows: readonly number[]): void {
    const val = v.validity
    if (!val) {
      for (const i of rows) v.setItem(i, null)
      return
    }
    if (!val.data) {
      const d = new BigUint64Array(Math.ceil(n / 64))
      new Uint32Array(d.buffer).fill(0xffffffff)
      val.data = d
    }
    const bits = new Uint32Array(val.data.buffer, val.data.byteOffset, val.data.length * 2)
    for (const i of rows) bits[i >>> 5]! &= ~(1 << (i & 31))
  }

  /** Append buffered rows (a partial chunk) to the appender and flush it into the transaction. */
  flush(): void {
    this.flushChunk()
    try {
      this.appender.flushSync()
    } catch (e) {
      throw new StoreError(`flushing ${this.table} failed: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
        details: { table: this.table },
      })
    }
  }

  close(): void {
    this.flush()
    this.appender.closeSync()
  }
}

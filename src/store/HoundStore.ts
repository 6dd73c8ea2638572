/**
 * The embedded DuckDB store: one file (default ./hound.duckdb), one connection per process.
 *
 * This class is the only place that knows DuckDB's client API. Domain modules own their tables through
 * idempotent `ensure…Schema(store)` functions in src/store/ and talk SQL through `run`/`all`/`transaction`.
 * Algorithms never see this class: they run on in-memory structures loaded from it (src/graph).
 * @module
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import {
  type DuckDBAppender,
  DuckDBConnection,
  type DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBValue,
  JSDuckDBValueConverter,
} from '@duckdb/node-api'
import { StoreError } from '../core/errors.js'

export type SqlParams = DuckDBValue[] | Record<string, DuckDBValue>
export type Row = Record<string, unknown>

export class HoundStore {
  private txDepth = 0

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  /** Open (or create) the store at `path`; `:memory:` for an in-memory store. */
  static async open(path: string, opts: { readOnly?: boolean } = {}): Promise<HoundStore> {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
      const instance = await DuckDBInstance.create(path, opts.readOnly ? { access_mode: 'READ_ONLY' } : {})
      const conn = await DuckDBConnection.create(instance)
      return new HoundStore(path, instance, conn)
    } catch (e) {
      throw new StoreError(`cannot open store ${path}: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
        details: { file: path },
      })
    }
  }

  /** Execute SQL (DDL or DML). Multiple statements are allowed when there are no parameters. */
  async run(sql: string, params?: SqlParams): Promise<void> {
    try {
      await this.conn.run(sql, params)
    } catch (e) {
      throw storeError(e, sql)
    }
  }

  /** Rows as plain JS objects (BIGINT → bigint, HUGEINT → bigint, DECIMAL → number, TIMESTAMP → Date). */
  async all<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    try {
      const reader = await this.conn.runAndReadAll(sql, params)
      return reader.getRowObjectsJS() as T[]
    } catch (e) {
      throw storeError(e, sql)
    }
  }

  async one<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0]
  }

  /** Columns as JS arrays (faster than rows for bulk loads). */
  async columns(sql: string, params?: SqlParams): Promise<Record<string, unknown[]>> {
    try {
      const reader = await this.conn.runAndReadAll(sql, params)
      return reader.getColumnsObjectJS() as Record<string, unknown[]>
    } catch (e) {
      throw storeError(e, sql)
    }
  }

  /**
   * Stream a query's result a DataChunk (≤ 2048 rows) at a time, for reads too large to materialise.
   * Raw chunks let bulk loaders copy fixed-width vectors into typed arrays without per-value objects.
   * `onColumns` receives the column names before the first chunk.
   */
  async *rawChunks(
    sql: string,
    params?: SqlParams,
    onColumns?: (names: string[]) => void,
  ): AsyncGenerator<DuckDBDataChunk> {
    let result: Awaited<ReturnType<DuckDBConnection['stream']>>
    try {
      result = await this.conn.stream(sql, params)
    } catch (e) {
      throw storeError(e, sql)
    }
    onColumns?.(result.columnNames())
    for (;;) {
      let chunk: DuckDBDataChunk | null
      try {
        chunk = await result.fetchChunk()
      } catch (e) {
        throw storeError(e, sql)
      }
      if (!chunk || chunk.rowCount === 0) return
      yield chunk
    }
  }

  /** Stream a query's result as column objects of JS values (as `columns`), one DataChunk at a time. */
  async *chunks(sql: string, params?: SqlParams): AsyncGenerator<Record<string, unknown[]>> {
    let names: string[] = []
    for await (const chunk of this.rawChunks(sql, params, (n) => {
      names = n
    })) {
      const cols = chunk.convertColumns(JSDuckDBValueConverter)
      const obj: Record<string, unknown[]> = {}
      cols.forEach((c, j) => {
        obj[names[j]!] = c
      })
      yield obj
    }
  }

  async appender(table: string): Promise<DuckDBAppender> {
    try {
      return await this.conn.createAppender(table)
    } catch (e) {
      throw storeError(e, `appender ${table}`)
    }
  }

  /**
   * Run `fn` atomically: everything it writes commits together or not at all. Nested calls join the
   * outer transaction. A crash before COMMIT leaves the store as it was (DuckDB's WAL guarantees this).
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.txDepth > 0) return fn()
    await this.run('BEGIN TRANSACTION')
    this.txDepth++
    try {
      const result = await fn()
      this.txDepth--
      await this.run('COMMIT')
      return result
    } catch (e) {
      this.txDepth--
      try {
        await this.conn.run('ROLLBACK')
      } catch {
        // the transaction may already be aborted; the original error matters
      }
      throw e
    }
  }

  /** Names of the tables in the main schema. */
  async tables(): Promise<string[]> {
    const rows = await this.all<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1",
    )
    return rows.map((r) => r.name)
  }

  close(): void {
    try {
      this.conn.closeSync()
      this.instance.closeSync()
    } catch {
      // closing twice is harmless
    }
  }
}

function storeError(e: unknown, sql: string): StoreError {
  if (e instanceof StoreError) return e
  const msg = e instanceof Error ? e.message : String(e)
  return new StoreError(`store query failed: ${msg}`, { cause: e, details: { sql: sql.slice(0, 200) } })
}

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { ChunkAppender } from './ChunkAppender.js'
import { HoundStore } from './HoundStore.js'

describe('ChunkAppender', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hound-chunk-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('writes every kind, NULLs and values past 2^32, across chunk boundaries', async () => {
    const s = await HoundStore.open(':memory:')
    await s.run('CREATE TABLE t (a BIGINT, b INTEGER, c UINTEGER, d UTINYINT, e BOOLEAN, f VARCHAR, g VARCHAR)')
    const w = new ChunkAppender(await s.appender('t'), ['i64', 'i32', 'u32', 'u8', 'bool', 'str', 'str'], 't')
    const n = 5000
    for (let i = 0; i < n; i++) {
      if (i % 7 === 0) w.null(0)
      else w.i64(0, i * 2_100_000_000_000 - (i % 2 ? 3 : 0))
      w.i32(1, -i)
      w.u32(2, 4_000_000_000 + i)
      w.u8(3, i % 256)
      w.bool(4, i % 3 === 0)
      if (i % 5 !== 0) w.str(5, `s${i}`)
      w.strOrNull(6, i % 4 === 0 ? null : i % 4 === 1 ? undefined : `g${i}`)
      w.endRow()
    }
    w.close()
    const rows = await s.all<Record<string, unknown>>('SELECT * FROM t')
    expect(rows).toHaveLength(n)
    rows.forEach((r, i) => {
      expect(r).toEqual({
        a: i % 7 === 0 ? null : BigInt(i * 2_100_000_000_000 - (i % 2 ? 3 : 0)),
        b: i === 0 ? 0 : -i,
        c: 4_000_000_000 + i,
        d: i % 256,
        e: i % 3 === 0,
        f: i % 5 === 0 ? null : `s${i}`,
        g: i % 4 < 2 ? null : `g${i}`,
      })
    })
    s.close()
  })

  test('appended rows roll back with the transaction and commit with it', async () => {
    const path = join(dir, 'rb.duckdb')
    let s = await HoundStore.open(path)
    await s.run('CREATE TABLE t (a BIGINT, f VARCHAR)')
    const put = async (from: number, to: number) => {
      const w = new ChunkAppender(await s.appender('t'), ['i64', 'str'], 't')
      for (let i = from; i < to; i++) {
        w.i64(0, i)
        w.str(1, String(i))
        w.endRow()
      }
      w.close()
    }
    await s.transaction(() => put(0, 3000))
    await expect(
      s.transaction(async () => {
        await put(3000, 9000)
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    s.close()
    s = await HoundStore.open(path)
    expect(await s.one('SELECT count(*)::INT AS n, max(a)::INT AS m FROM t')).toEqual({ n: 3000, m: 2999 })
    s.close()
  })
})

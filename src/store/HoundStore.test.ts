import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { HoundStore } from './HoundStore.js'

describe('HoundStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hound-store-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('transactions commit together or roll back together, across reopen', async () => {
    const path = join(dir, 't.duckdb')
    let s = await HoundStore.open(path)
    await s.run('CREATE TABLE t (id BIGINT, v VARCHAR)')
    await s.transaction(async () => {
      await s.run('INSERT INTO t VALUES (1, ?)', ['a'])
      const app = await s.appender('t')
      app.appendBigInt(2n)
      app.appendVarchar('b')
      app.endRow()
      app.flushSync()
      app.closeSync()
    })
    await expect(
      s.transaction(async () => {
        await s.run('INSERT INTO t VALUES (3, ?)', ['c'])
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    s.close()
    s = await HoundStore.open(path)
    expect(await s.all('SELECT id, v FROM t ORDER BY id')).toEqual([
      { id: 1n, v: 'a' },
      { id: 2n, v: 'b' },
    ])
    await expect(s.run('SELECT * FROM missing')).rejects.toMatchObject({ code: 'HOUND_ERR_STORE' })
    s.close()
  })
})

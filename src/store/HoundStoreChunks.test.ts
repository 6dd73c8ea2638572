import { describe, expect, test } from 'vitest'
import { HoundStore } from './HoundStore.js'

describe('HoundStore streaming reads', () => {
  test('chunks() streams every row in DataChunks with column names; rawChunks() exposes typed vectors', async () => {
    const s = await HoundStore.open(':memory:')
    await s.run(
      'CREATE TABLE t AS SELECT range::INTEGER AS id, (range * 2)::DOUBLE AS v, range::VARCHAR AS s FROM range(5000)',
    )
    let rows = 0
    let chunks = 0
    let sum = 0
    for await (const c of s.chunks('SELECT id, v, s FROM t ORDER BY id')) {
      expect(Object.keys(c)).toEqual(['id', 'v', 's'])
      chunks++
      rows += c.id!.length
      for (let k = 0; k < c.id!.length; k++) {
        expect(c.s![k]).toBe(String(c.id![k]))
        sum += c.v![k] as number
      }
    }
    expect(rows).toBe(5000)
    expect(chunks).toBeGreaterThan(1)
    expect(sum).toBe(2 * ((4999 * 5000) / 2))
    let names: string[] = []
    let total = 0
    for await (const c of s.rawChunks('SELECT id FROM t WHERE id < 3000', undefined, (n) => {
      names = n
    })) {
      const items = (c.getColumnVector(0) as unknown as { items: Int32Array }).items
      expect(items).toBeInstanceOf(Int32Array)
      total += items.length
    }
    expect(names).toEqual(['id'])
    expect(total).toBe(3000)
    await expect(async () => {
      for await (const _ of s.chunks('SELECT * FROM missing')) void _
    }).rejects.toMatchObject({ code: 'HOUND_ERR_STORE' })
    s.close()
  })
})

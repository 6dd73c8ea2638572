import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { txidKey } from './txidKey.js'
import { UtxoIndex } from './UtxoIndex.js'

const txid = (i: number): string => createHash('sha256').update(`tx${i}`).digest('hex')

describe('UtxoIndex', () => {
  it('matches a Map reference through growth, deletions and shrinking (random adds and spends)', () => {
    const u = new UtxoIndex(1024)
    const ref = new Map<string, [number, number, number]>()
    let seed = 12345
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed % n
    }
    let outId = 0
    const live: string[] = []
    for (let step = 0; step < 100_000; step++) {
      if (live.length === 0 || rnd(100) < 55) {
        const t = txid(step)
        const k = txidKey(t)
        const n = 1 + rnd(4)
        for (let v = 0; v < n; v++) {
          // values and ids beyond 32 bits round-trip too
          const value = v === 0 ? 2_099_999_997_690_000 : rnd(1e9)
          const id = outId++ + (v === 1 ? 2 ** 40 : 0)
          const addr = v === 2 ? -1 : rnd(4e9)
          u.put(k, 0, v, id, value, addr)
          ref.set(`${t}:${v}`, [id, value, addr])
          live.push(`${t}:${v}`)
        }
      } else {
        const j = rnd(live.length)
        const key = live[j]!
        live[j] = live[live.length - 1]!
        live.pop()
        const [t, v] = key.split(':') as [string, string]
        const want = ref.get(key)!
        ref.delete(key)
        const got = u.spend(t, Number(v))
        if (got?.outputId !== want[0] || got.value !== want[1] || got.addressId !== want[2])
          expect(got).toEqual({ outputId: want[0], value: want[1], addressId: want[2] })
        // spent twice: gone
        if (u.spend(t, Number(v)) !== null) expect.fail(`${key} spent twice`)
      }
      if (u.size !== ref.size) expect(u.size).toBe(ref.size)
    }
    // never-added outpoints and wrong vouts are misses
    expect(u.spend(txid(-1), 0)).toBeNull()
    // drain: every remaining output is found exactly once, then the table shrinks back
    const peak = u.bytes
    for (const [key, want] of ref) {
      const [t, v] = key.split(':') as [string, string]
      expect(u.spend(t, Number(v))?.outputId).toBe(want[0])
    }
    expect(u.size).toBe(0)
    expect(u.bytes).toBeLessThan(peak)
    expect(u.bytes).toBe(1024 * 32)
  })

  it('keeps the outputs of one transaction apart, and a duplicate txid replaces the earlier outpoint', () => {
    const u = new UtxoIndex()
    const t = txid(1)
    for (let v = 0; v < 69_420; v++) u.putTxid(t, v, 1000 + v, v, 7)
    expect(u.size).toBe(69_420)
    expect(u.spend(t, 69_419)).toEqual({ outputId: 1000 + 69_419, value: 69_419, addressId: 7 })
    expect(u.spend(t, 69_420)).toBeNull()
    u.putTxid(t, 0, 5, 50, -1) // BIP30 duplicate: the later one wins
    expect(u.size).toBe(69_419)
    expect(u.spend(t, 0)).toEqual({ outputId: 5, value: 50, addressId: -1 })
  })

  it('tells apart txids that differ in one character anywhere (hand-made test txids)', () => {
    const u = new UtxoIndex()
    const a = `f${'0'.repeat(63)}`
    const b = `e${'0'.repeat(63)}`
    const c = `${'0'.repeat(63)}1`
    u.putTxid(a, 0, 1, 10, -1)
    u.putTxid(b, 0, 2, 20, -1)
    u.putTxid(c, 0, 3, 30, -1)
    expect(u.spend(b, 0)?.outputId).toBe(2)
    expect(u.spend(a, 0)?.outputId).toBe(1)
    expect(u.spend(c, 0)?.outputId).toBe(3)
    expect(() => txidKey(`g${'0'.repeat(63)}`)).toThrow(/hex/)
  })
})

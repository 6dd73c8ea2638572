/**
 * End-to-end: `hound sim` of the demo scale through the real CLI (dist/cli/main.js), then `hound ingest btc` of its
 * blk files and `hound stats`: the store holds exactly the blocks and transactions the truth says were generated.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { hound } from './_runHound.js'

const root = mkdtempSync(join(tmpdir(), 'hound-sim-cli-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('hound sim', () => {
  test('usage errors exit 2 with a stable code', async () => {
    for (const args of [
      ['sim'],
      ['sim', '--out', join(root, 'u'), '--txs', '10'],
      ['sim', '--out', join(root, 'u'), '--scale', 'huge'],
      ['sim', '--out', join(root, 'u'), '--txs', '6000', '--scale', 'demo'],
      ['sim', '--out', join(root, 'u'), '--network', 'testnet'],
      ['sim', '--out', join(root, 'u'), '--seed', 'a b'],
    ]) {
      const r = await hound([...args, '--json'])
      expect(r.code, args.join(' ')).toBe(2)
      expect(JSON.parse(r.stdout).error.code).toBe('HOUND_ERR_USAGE')
    }
  })

  test('refuses to overwrite a chain without --force', async () => {
    const dir = join(root, 'f')
    const a = await hound(['sim', '--txs', '5000', '--out', dir, '--quiet'])
    expect(a.code).toBe(0)
    const b = await hound(['sim', '--txs', '5000', '--out', dir, '--quiet'])
    expect(b.code).toBe(2)
    const c = await hound(['sim', '--txs', '5000', '--seed', '2', '--out', dir, '--force', '--json'])
    expect(c.code).toBe(0)
    expect(JSON.parse(c.stdout).seed).toBe('2')
  }, 120_000)

  test('demo scale: hound sim, then hound ingest btc and hound stats agree with the truth', async () => {
    const dir = join(root, 'demo')
    const db = join(root, 'demo.duckdb')
    const s = await hound(['sim', '--scale', 'demo', '--out', dir, '--json'])
    expect(s.code, s.stderr).toBe(0)
    const summary = JSON.parse(s.stdout)
    expect(summary).toMatchObject({ scale: 'demo', network: 'regtest', chain: 'btc-regtest' })
    expect(summary.txs).toBeGreaterThanOrEqual(100_000)
    const meta = JSON.parse(readFileSync(join(dir, 'truth', 'meta.json'), 'utf8'))
    expect(meta.txs).toBe(summary.txs)
    expect(existsSync(join(dir, 'blk00000.dat'))).toBe(true)
    const ing = await hound(['ingest', 'btc', '--blocks', dir, '--network', 'regtest', '--db', db, '--json', '--quiet'])
    expect(ing.code, ing.stderr).toBe(0)
    const st = await hound(['stats', '--json', '--db', db])
    expect(st.code, st.stderr).toBe(0)
    const stats = JSON.parse(st.stdout)
    expect(stats.txs).toBe(meta.txs)
    expect(stats.blocks).toBe(meta.blocks)
    expect(stats.tipHash).toBe(meta.tipHash)
  }, 900_000)
})

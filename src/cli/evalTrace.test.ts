import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ensureBuilt as ensureBuiltFrom, hound } from './_runHound.js'

const ensureBuilt = () =>
  ensureBuiltFrom(['cli/evalTrace.ts', 'trace/eval/evalTrace.ts', 'trace/traceForward.ts', 'sim/simulate.ts'])

describe('hound eval trace on a simulated chain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hound-evaltrace-'))
  const sim = join(dir, 'sim')
  const db = join(dir, 'sim.duckdb')
  beforeAll(async () => {
    ensureBuilt()
    const s = await hound(['sim', '--txs', '5000', '--seed', 'evaltrace', '--out', sim, '--quiet'])
    expect(s.code, s.stderr).toBe(0)
    const i = await hound(['ingest', 'btc', '--blocks', sim, '--db', db, '--quiet', '--json'])
    expect(i.code, i.stderr).toBe(0)
  }, 300_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('haircut and FIFO find ≥ 95 % of the cash-out value where no CoinJoin intervenes', async () => {
    const r = await hound(['eval', 'trace', '--db', db, '--truth', sim, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    const incidents = readFileSync(join(sim, 'truth', 'incidents.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((x) => x.stolenOutputs.length > 0)
    expect(j.incidents.map((x: { incident: string }) => x.incident)).toEqual(incidents.map((x) => x.incident))
    expect(j.params).toMatchObject({
      policies: ['haircut', 'fifo', 'lifo', 'tiho'],
      maxHops: 1000,
      stopAtServices: true,
    })
    expect(j.labels).toBeGreaterThan(0)
    for (const p of ['haircut', 'fifo']) {
      const s = j.summary[p]
      expect(s.all.cashOuts).toBeGreaterThan(0)
      if (s.noCoinJoin.cashOuts > 0) expect(s.noCoinJoin.recallAmount).toBeGreaterThanOrEqual(0.95)
      expect(s.all.recallAmount).toBeGreaterThan(0.5)
      expect(s.all.precisionAmount).toBeGreaterThan(0.5)
    }
    const text = await hound(['eval', 'trace', '--db', db, '--truth', sim, '--policy', 'fifo'])
    expect(text.stdout).toContain('missed cash-out value per policy and incident')
  })

  test('bad input: missing truth (1), unknown policy (2)', async () => {
    const missing = await hound(['eval', 'trace', '--db', db, '--truth', join(dir, 'nope'), '--json'])
    expect(missing.code, missing.stderr).toBe(1)
    expect(JSON.parse(missing.stdout).error.code).toBe('HOUND_ERR_NOT_FOUND')
    const bad = await hound(['eval', 'trace', '--db', db, '--truth', sim, '--policy', 'magic'])
    expect(bad.code, bad.stderr).toBe(2)
  })
})

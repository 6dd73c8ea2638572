/**
 * `hound detect`, `hound detect memos`, `hound detect list` and `hound eval detectors` run in-process (main()) on a
 * small simulated chain ingested by `hound ingest btc` with its labels imported by `hound intel import labels`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { simulate } from '../sim/simulate.js'
import { main } from './main.js'

const dir = mkdtempSync(join(tmpdir(), 'hound-detect-cli-'))
const sim = join(dir, 'sim')
const db = join(dir, 'h.duckdb')

async function hound(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    stdout += String(s)
    return true
  })
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s)
    return true
  })
  try {
    const code = await main([...args, '--db', db])
    return { code, stdout, stderr }
  } finally {
    o.mockRestore()
    e.mockRestore()
  }
}

beforeAll(async () => {
  simulate({ seed: 'detect-cli', txs: 12_000, network: 'regtest', outDir: sim })
  expect((await hound(['ingest', 'btc', '--blocks', sim, '--network', 'regtest', '--quiet'])).code).toBe(0)
  expect((await hound(['intel', 'import', 'labels', join(sim, 'truth', 'labels.jsonl')])).code).toBe(0)
}, 180_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('hound detect', () => {
  test('memos, detect, list: chain hops name the destination of every incident hop', async () => {
    const m = await hound(['detect', 'memos', '--blocks', sim, '--network', 'regtest', '--json'])
    expect(m.code, m.stderr).toBe(0)
    expect(JSON.parse(m.stdout).memos).toBeGreaterThan(0)

    const r = await hound(['detect', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as {
      stored: { added: number }
      alerts: { kind: string; txids: string[]; evidence: Record<string, unknown> }[]
    }
    expect(out.stored.added).toBe(out.alerts.length)
    const hops = readFileSync(join(sim, 'truth', 'chain_hops.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { txid: string; destAddress: string; destChain: string })
    expect(hops.length).toBeGreaterThan(0)
    for (const h of hops) {
      const a = out.alerts.find((x) => x.kind === 'chain_hop' && x.txids[0] === h.txid)
      expect(a?.evidence.destinationAddress).toBe(h.destAddress)
      expect(a?.evidence.destinationChain).toBe(h.destChain.toUpperCase())
    }

    const again = await hound(['detect', '--json', '--kind', 'chain_hop'])
    const hopAlerts = out.alerts.filter((a) => a.kind === 'chain_hop').length
    expect(JSON.parse(again.stdout).stored).toEqual({ added: 0, updated: hopAlerts })

    const list = await hound(['detect', 'list', '--kind', 'chain_hop', '--json'])
    expect(list.code).toBe(0)
    const stored = JSON.parse(list.stdout).alerts as { firstSeen: string }[]
    expect(stored.length).toBe(out.alerts.filter((a) => a.kind === 'chain_hop').length)
    expect(stored[0]!.firstSeen).toMatch(/^\d{4}-\d\d-\d\dT/)

    const table = await hound(['detect', '--kind', 'structuring', '--no-store', '--min-confidence', '0.9'])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/structuring\.below_round\s+0\.90/)
  }, 120_000)

  test('usage errors exit 2 with a stable code', async () => {
    const bad = await hound(['detect', '--kind', 'bogus', '--json'])
    expect(bad.code).toBe(2)
    expect(JSON.parse(bad.stdout).error.code).toBe('HOUND_ERR_USAGE')
    expect((await hound(['detect', '--min-confidence', '2'])).code).toBe(2)
    expect((await hound(['detect', 'list', '--since', '-1'])).code).toBe(2)
  })

  test('eval detectors writes its marked section into --doc and keeps the rest of the file', async () => {
    const doc = join(dir, 'accuracy.md')
    writeFileSync(doc, '# Accuracy\n\n## Clustering\n\nkept\n')
    const r = await hound(['eval', 'detectors', '--truth', sim, '--doc', doc, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout) as { all: { kind: string; recall: number | null }[] }
    expect(j.all.find((s) => s.kind === 'structuring')!.recall).toBe(1)
    const text = readFileSync(doc, 'utf8')
    expect(text).toContain('kept')
    expect(text).toMatch(/<!-- detectors-eval:start -->[\s\S]*\| structuring \|[\s\S]*<!-- detectors-eval:end -->/)
    await hound(['eval', 'detectors', '--truth', sim, '--doc', doc])
    expect(readFileSync(doc, 'utf8').match(/detectors-eval:start/g)).toHaveLength(1)
  }, 120_000)
})

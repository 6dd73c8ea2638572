import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { useNbitcoinStore } from './_nbitcoinStore.js'
import { hound } from './_runHound.js'

const BLOCK9_CB = '0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9'
const HAL_TX = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16'

describe('hound trace / hound report on real blocks 0–599', () => {
  const { dir, db } = useNbitcoinStore('hound-trace-', [
    'cli/trace.ts',
    'cli/report.ts',
    'trace/runTrace.ts',
    'trace/traceForward.ts',
    'trace/loadTraceContext.ts',
  ])

  test('forward haircut: the block-9 coinbase reaches Hal Finney at hop 1; JSON shape; conservation', async () => {
    const r = await hound(['trace', '--db', db, '--from', `${BLOCK9_CB}:0@block9`, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(Object.keys(j)).toEqual(
      expect.arrayContaining(['policy', 'direction', 'seeds', 'taintedIn', 'outputs', 'endpoints', 'fees', 'stats']),
    )
    expect(j.policy).toBe('haircut')
    expect(j.taintedIn).toBe(5_000_000_000)
    const hal = j.endpoints.find((e: { outputs: string[] }) => e.outputs.includes(`${HAL_TX}:0`))
    expect(hal).toMatchObject({
      address: '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3',
      amount: 1_000_000_000,
      hops: 1,
      reason: 'unspent',
      label: null,
      path: [BLOCK9_CB, HAL_TX],
    })
    expect(j.stats.endpointAmount + j.fees.total).toBe(j.taintedIn)
    expect(Object.keys(j.endpoints[0]).sort()).toEqual(
      [
        'address',
        'amount',
        'byLabel',
        'category',
        'cluster',
        'firstTime',
        'hops',
        'label',
        'lastTime',
        'outputs',
        'path',
        'probabilistic',
        'reason',
      ].sort(),
    )
  })

  test('--policy all gives one result per policy and a comparison; --csv; --max-hops', async () => {
    const out = join(dir, 'all.json')
    const r = await hound(['trace', '--db', db, '--from', `${BLOCK9_CB}:0`, '--policy', 'all', '--json', '--out', out])
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.policies.map((p: { policy: string }) => p.policy)).toEqual(['poison', 'haircut', 'fifo', 'lifo', 'tiho'])
    expect(j.comparison.everyPolicy).toContain('1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3')
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(j)
    const csv = await hound(['trace', '--db', db, '--from', `${BLOCK9_CB}:0`, '--max-hops', '1', '--csv'])
    const lines = csv.stdout.trim().split('\n')
    expect(lines[0]).toBe(
      'policy,address,cluster,label,category,amount_sat,hops,reason,first_time,last_time,probabilistic,outputs,path',
    )
    expect(lines.slice(1).map((l) => l.split(',').slice(5, 8))).toEqual([
      ['4000000000', '1', 'max-hops'],
      ['1000000000', '1', 'unspent'],
    ])
    const rep = await hound(['report', out, '--out', join(dir, 'report'), '--json'])
    expect(rep.code, rep.stderr).toBe(0)
    const html = readFileSync(join(dir, 'report', 'index.html'), 'utf8')
    expect(html).toContain('<svg')
    expect(html).toContain('1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3')
  })

  test('backward: Hal’s 10 BTC came from the block-9 coinbase', async () => {
    const r = await hound([
      'trace',
      '--db',
      db,
      '--from',
      `${HAL_TX}:0`,
      '--direction',
      'backward',
      '--policy',
      'fifo',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(
      j.endpoints.map((e: { outputs: string[]; amount: number; reason: string }) => [e.outputs, e.amount, e.reason]),
    ).toEqual([[[`${BLOCK9_CB}:0`], 1_000_000_000, 'coinbase']])
  })

  test('labels imported into the store stop the trace at a service (loadServiceLabels wiring)', async () => {
    const file = join(dir, 'labels.jsonl')
    writeFileSync(
      file,
      `${JSON.stringify({
        address: '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3',
        chain: 'btc',
        category: 'exchange',
        entity: 'Test Exchange',
        source: 'trace-test',
        confidence: 'ownership',
        tlp: 'clear',
      })}\n`,
    )
    const imp = await hound(['intel', 'import', 'labels', file, '--db', db])
    expect(imp.code, imp.stderr).toBe(0)
    const r = await hound(['trace', '--db', db, '--from', `${BLOCK9_CB}:0`, '--stop-at-services', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const hal = JSON.parse(r.stdout).endpoints.find(
      (e: { address: string }) => e.address === '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3',
    )
    expect(hal).toMatchObject({
      label: 'Test Exchange',
      category: 'exchange',
      reason: 'service',
      amount: 1_000_000_000,
    })
  })

  test('bad input: malformed seed (2), unknown txid (1), missing store (1), bad option (2)', async () => {
    const malformed = await hound(['trace', '--db', db, '--from', 'zz:1', '--json'])
    expect(malformed.code, malformed.stderr).toBe(2)
    expect(JSON.parse(malformed.stdout).error.code).toBe('HOUND_ERR_INVALID_INPUT')
    const unknown = await hound(['trace', '--db', db, '--from', `${'0'.repeat(64)}:0`, '--json'])
    expect(unknown.code, unknown.stderr).toBe(1)
    expect(JSON.parse(unknown.stdout).error.code).toBe('HOUND_ERR_NOT_FOUND')
    expect(JSON.parse(unknown.stdout).error.message).toContain('graph covers heights 0..599')
    const nostore = await hound(['trace', '--db', join(dir, 'none.duckdb'), '--from', `${HAL_TX}:0`, '--json'])
    expect(nostore.code).toBe(1)
    expect(JSON.parse(nostore.stdout).error.code).toBe('HOUND_ERR_NOT_SYNCED')
    const above = await hound(['trace', '--db', db, '--from', `${HAL_TX}:0`, '--from-height', '700', '--json'])
    expect(JSON.parse(above.stdout).error.code).toBe('HOUND_ERR_NOT_SYNCED')
    const badOpt = await hound(['trace', '--db', db, '--from', `${HAL_TX}:0`, '--policy', 'magic'])
    expect(badOpt.code, badOpt.stderr).toBe(2)
    const badReport = await hound(['report', join(dir, 'nb.duckdb'), '--out', join(dir, 'x')])
    expect(badReport.code, badReport.stderr).toBe(2)
  })
})

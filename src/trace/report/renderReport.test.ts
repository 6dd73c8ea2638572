import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { buildUtxoGraph, txidOfName } from '../../graph/buildUtxoGraph.js'
import { runTrace } from '../runTrace.js'
import type { ServiceLabel } from '../types.js'
import { renderReport } from './renderReport.js'
import { readTraceFile, writeReport } from './writeReport.js'

const g = buildUtxoGraph([
  { name: 'theft', coinbase: true, outputs: [{ address: 'T1', value: 600_000_000 }] },
  { name: 'clean', coinbase: true, outputs: [{ address: 'C', value: 400_000_000 }] },
  {
    name: 'mix1',
    inputs: ['theft:0', 'clean:0'],
    outputs: [
      { address: 'X', value: 500_000_000 },
      { address: 'Y', value: 499_990_000 },
    ],
  },
  { name: 'ex', inputs: ['mix1:0'], outputs: [{ address: 'E1<script>', value: 499_995_000 }] },
])
const labels = new Map<number, ServiceLabel>([
  [g.names.addressIndex('E1<script>'), { category: 'exchange', entity: 'Exchange & Co' }],
])

describe('case report', () => {
  const r = runTrace(g, {
    seeds: [`${txidOfName('theft')}:0@Heist`],
    policy: 'all',
    stopAtServices: true,
    labels,
  })

  test('self-contained HTML with cash-out table, Sankey, flow graph, parameters and evidence', () => {
    const html = renderReport(r, { generatedAt: new Date(0) })
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html).toContain('Cash-out points')
    expect(html).toContain('Exchange &amp; Co')
    // haircut: ⌊600/1000 · 500⌋ = 300 BTC on X, then ⌊300e6·499,995,000/500e6⌋ = 299,997,000 sat to the exchange
    expect(html).toContain('2.99997000')
    expect(html).toContain('class="sankey"')
    expect(html).toContain('class="flow"')
    expect(html).toContain(`${txidOfName('ex')}:0`)
    expect(html).toContain('Policy comparison')
    expect(html).toContain('fee-last')
    // nothing executable, nothing fetched; user data escaped
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/(src|href)=/i)
    expect(html).toContain('E1&lt;script&gt;')
    expect(html.match(/<svg/g)?.length).toBe(2)
  })

  test('writeReport writes HTML, JSON and CSV; readTraceFile round-trips and rejects garbage', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hound-report-'))
    const files = writeReport(r, dir)
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      'index.html',
      'trace.json',
      'endpoints.csv',
      'cashout.csv',
    ])
    expect(readTraceFile(join(dir, 'trace.json'))).toEqual(JSON.parse(JSON.stringify(r)))
    const cash = readFileSync(join(dir, 'cashout.csv'), 'utf8').trim().split('\n')
    expect(cash[0]).toBe('policy,entity,category,address,amount_sat,first_time,last_time,hops,outputs')
    expect(cash.find((l) => l.startsWith('haircut,'))).toContain('299997000')
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '{"hello":1}')
    expect(() => readTraceFile(bad)).toThrow(expect.objectContaining({ code: 'HOUND_ERR_INVALID_INPUT' }))
    writeFileSync(bad, 'not json')
    expect(() => readTraceFile(bad)).toThrow(expect.objectContaining({ code: 'HOUND_ERR_INVALID_INPUT' }))
    expect(() => readTraceFile(join(dir, 'missing.json'))).toThrow(
      expect.objectContaining({ code: 'HOUND_ERR_NOT_FOUND' }),
    )
  })
})

import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { useNbitcoinStore } from './_nbitcoinStore.js'
import { hound, type Run } from './_runHound.js'

const json = (r: Run) => JSON.parse(r.stdout)

const clusterId = (address: string) => `cl_${createHash('sha256').update(address).digest('hex').slice(0, 16)}`
// tx 4d6edbeb… (block 586) spends from 5 addresses; tx a3b0e9e7… (block 496) from 3
const A586 = '1DNdPgBZRWjDj1JbVZQEYMv7jvqJF7R4Py'
const B586 = '1LfjLrBDYyPbvGMiD9jURxyAupdYujsBdK'
const A496 = '15NUwyBYrZcnUgTagsm1A7M2yL2GntpuaZ'

describe('hound cluster on the first 600 mainnet blocks', () => {
  const { db } = useNbitcoinStore(
    'hound-cluster-',
    ['cli/cluster.ts', 'cli/clusterSubcommands.ts', 'store/clusterQueries.ts', 'cluster/clusterGraph.ts'],
    'h.duckdb',
  )

  test('build to height 550, extend incrementally to the tip; equals a rebuild', async () => {
    const first = await hound(['cluster', '--db', db, '--to-height', '550', '--json'])
    expect(first.code, first.stderr).toBe(0)
    expect(json(first)).toMatchObject({ runId: 1, action: 'created', toHeight: 550, evidence: 4, largestCluster: 3 })
    const ext = json(await hound(['cluster', '--db', db, '--json']))
    expect(ext).toMatchObject({
      runId: 1,
      action: 'extended',
      fromHeight: 550,
      toHeight: 599,
      evidence: 8,
      newEvidence: 4,
    })
    expect(ext.largestCluster).toBe(5)
    expect(json(await hound(['cluster', '--db', db, '--json'])).action).toBe('up_to_date')
    const show = json(await hound(['cluster', 'show', A586, '--db', db, '--json']))
    const rebuilt = json(await hound(['cluster', '--db', db, '--rebuild', '--json']))
    expect(rebuilt).toMatchObject({ action: 'rebuilt', evidence: 8, clusters: ext.clusters })
    expect(json(await hound(['cluster', 'show', A586, '--db', db, '--json']))).toEqual(show)
  })

  test('show: id from the earliest address, paged addresses, totals; by address or cluster id', async () => {
    const s = json(await hound(['cluster', 'show', B586, '--db', db, '--json', '--limit', '2']))
    expect(s.clusterId).toBe(clusterId(A586))
    expect(s.size).toBe(5)
    expect(s.addresses.map((a: { address: string }) => a.address)).toEqual([A586, '1ELmSkQWnqgbBZNzxAZHts3MEYCngqRBeD'])
    expect(s.totals.received).toBe(5 * 5_000_000_000)
    expect(s.totals.balance).toBe(0)
    const byId = json(await hound(['cluster', 'show', clusterId(A586), '--db', db, '--json', '--limit', '2']))
    expect(byId.addresses).toEqual(s.addresses)
    const text = await hound(['cluster', 'show', A586, '--db', db])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('250.00000000 BTC')
  })

  test('why: the merge chain with txid, heuristic, confidence, height; or not linked', async () => {
    const w = json(await hound(['cluster', 'why', '1ELmSkQWnqgbBZNzxAZHts3MEYCngqRBeD', B586, '--db', db, '--json']))
    expect(w.linked).toBe(true)
    expect(w.steps).toEqual([
      expect.objectContaining({
        heuristic: 'multi-input',
        confidence: 1,
        height: 586,
        addressB: '1ELmSkQWnqgbBZNzxAZHts3MEYCngqRBeD',
      }),
      expect.objectContaining({ heuristic: 'multi-input', confidence: 1, height: 586, addressB: B586 }),
    ])
    expect(w.steps[0].txid).toBe('4d6edbeb62735d45ff1565385a8b0045f066055c9425e21540ea7a8060f08bf2')
    const no = await hound(['cluster', 'why', A586, A496, '--db', db, '--json'])
    expect(no.code).toBe(0)
    expect(json(no)).toMatchObject({ linked: false, steps: [] })
  })

  test('at: the cluster as it was at a height', async () => {
    expect(json(await hound(['cluster', 'at', B586, '--height', '585', '--db', db, '--json']))).toMatchObject({
      size: 1,
      clusterId: clusterId(B586),
    })
    expect(json(await hound(['cluster', 'at', B586, '--height', '586', '--db', db, '--json']))).toMatchObject({
      size: 5,
      clusterId: clusterId(A586),
    })
  })

  test('diff between two runs and the run list', async () => {
    const r2 = json(await hound(['cluster', '--db', db, '--to-height', '500', '--max-merge-size', '7', '--json']))
    expect(r2.runId).toBe(2)
    const d = json(await hound(['cluster', 'diff', '2', '1', '--db', db, '--json']))
    // run 1 adds the merges of blocks 546 and 586: two clusters formed from singletons, nothing split
    expect(d.mergeCount).toBe(2)
    expect(d.splitCount).toBe(0)
    const runs = json(await hound(['cluster', 'runs', '--db', db, '--json']))
    expect(runs.map((r: { runId: number }) => r.runId)).toEqual([1, 2])
  })

  test('errors: usage (exit 2), unknown address (exit 1, code), missing run', async () => {
    const bad = await hound(['cluster', '--db', db, '--heuristics', 'magic'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('HOUND_ERR_USAGE')
    expect((await hound(['cluster', '--db', db, '--threshold', '1.5'])).code).toBe(2)
    const nf = await hound(['cluster', 'show', '1BitcoinEaterAddressDontSendf59kuE', '--db', db, '--json'])
    expect(nf.code).toBe(1)
    expect(json(nf).error.code).toBe('HOUND_ERR_NOT_FOUND')
    expect(json(await hound(['cluster', 'show', A586, '--run', '9', '--db', db, '--json'])).error.code).toBe(
      'HOUND_ERR_NOT_FOUND',
    )
  })
})

/** Persistence of clustering runs on a real (in-memory) DuckDB store, over hand-built chains. */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { randomChain } from '../cluster/_randomChain.js'
import { clusterGraph } from '../cluster/clusterGraph.js'
import { clusterIdOfAddress } from '../cluster/clusterIds.js'
import { NotFoundError } from '../core/errors.js'
import { buildUtxoGraph, type TxSpec } from '../graph/buildUtxoGraph.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import { ensureBtcSchema } from './btcSchema.js'
import { loadClusterAssignment } from './clusterLoad.js'
import {
  addressIdOf,
  clusterAtHeightStored,
  clusterSummary,
  diffClusterRuns,
  resolveCluster,
  whyLinkedStored,
} from './clusterQueries.js'
import { getClusterRun, listClusterRuns } from './clusterRuns.js'
import { ensureClusterSchema, hasClusterSchema } from './clusterSchema.js'
import { updateClusterRun } from './clusterUpdateRun.js'
import { HoundStore } from './HoundStore.js'

let store: HoundStore
beforeEach(async () => {
  store = await HoundStore.open(':memory:')
  await ensureBtcSchema(store)
})
afterEach(() => store.close())

/** Write the graph's addresses, outputs and inputs into the chain tables (only the columns the queries read). */
async function writeChain(g: UtxoGraph): Promise<void> {
  // addresses get ids in first-seen order in the store: buildUtxoGraph assigns them the same way
  for (let a = 0; a < g.addressCount; a++) {
    await store.run('INSERT INTO addresses (address_id, address, first_height) VALUES ($1, $2, 0)', [
      a,
      g.names.address(a)!,
    ])
  }
  for (let t = 0; t < g.txCount; t++) {
    await store.run('INSERT INTO txs (tx_id, txid, height) VALUES ($1, $2, $3)', [t, g.names.txid(t), g.txHeight[t]!])
  }
  for (let o = 0; o < g.outputCount; o++) {
    await store.run(
      'INSERT INTO outputs (output_id, tx_id, n, value, script_type, address_id) VALUES ($1,$2,0,$3,0,$4)',
      [o, g.outTx[o]!, g.outValue[o]!, g.outAddr[o]! < 0 ? null : g.outAddr[o]!],
    )
  }
  for (let i = 0; i < g.inputCount; i++) {
    if (g.inPrevOut[i]! < 0) continue
    await store.run('INSERT INTO inputs (input_id, tx_id, vin, prev_output_id) VALUES ($1, $2, 0, $3)', [
      i,
      g.inTx[i]!,
      g.inPrevOut[i]!,
    ])
  }
}

const membersOf = async (runId: number) =>
  (
    await store.all<{ address_id: number; cluster_id: string }>(
      `SELECT m.address_id, 'cl_' || substr(sha256(a.address), 1, 16) AS cluster_id
       FROM cluster_members m JOIN addresses a ON a.address_id = m.rep_id WHERE run_id = $1 ORDER BY m.address_id`,
      [runId],
    )
  ).map((r) => `${r.address_id}:${r.cluster_id}`)

describe('stored clustering runs', () => {
  test('cluster tables of an older layout are treated as absent and replaced (derived data)', async () => {
    await store.run(
      'CREATE TABLE cluster_runs (run_id INTEGER); CREATE TABLE cluster_members (run_id INTEGER, address_id INTEGER, cluster_id VARCHAR, size INTEGER)',
    )
    expect(await hasClusterSchema(store)).toBe(false)
    await expect(getClusterRun(store)).rejects.toMatchObject({ code: NotFoundError.code })
    await ensureClusterSchema(store)
    expect(await hasClusterSchema(store)).toBe(true)
    expect(await listClusterRuns(store)).toEqual([])
  })

  test('incremental update through the store equals a rebuild and the in-memory result', async () => {
    const { specs, maxHeight } = randomChain(11, { txs: 160 })
    const g = buildUtxoGraph(specs)
    await writeChain(g)
    const params = { change: true, changeHorizon: 2, maxMergeSize: 3, threshold: 0.95 }
    const h1 = Math.floor(maxHeight / 2)
    const first = await updateClusterRun(store, g, { params, toHeight: h1 })
    expect(first.action).toBe('created')
    const second = await updateClusterRun(store, g, { params })
    expect(second.action).toBe('extended')
    expect(second.run.runId).toBe(first.run.runId)
    expect(second.run.toHeight).toBe(maxHeight)
    const again = await updateClusterRun(store, g, { params })
    expect(again.action).toBe('up_to_date')
    const incremental = await membersOf(first.run.runId)
    const rebuilt = await updateClusterRun(store, g, { params, rebuild: true })
    expect(rebuilt.action).toBe('rebuilt')
    expect(await membersOf(rebuilt.run.runId)).toEqual(incremental)
    const mem = clusterGraph(g, params)
    const expected: string[] = []
    for (let a = 0; a < g.addressCount; a++) if (mem.sizeOf(a) > 1) expected.push(`${a}:${mem.clusterOf(a)}`)
    expect(incremental).toEqual(expected)
    expect(second.run.evidence).toBe(mem.log.length)
    const assignment = await loadClusterAssignment(store)
    expect(assignment.size).toBe(expected.length)
    expect((await listClusterRuns(store)).length).toBe(1)
  })

  test('show, why, at and diff on a hand-built chain', async () => {
    const specs: TxSpec[] = [
      { name: 'fa', coinbase: true, height: 0, outputs: [{ address: 'A', value: 50_000_000 }] },
      { name: 'fb', coinbase: true, height: 0, outputs: [{ address: 'B', value: 30_000_000 }] },
      { name: 'fp', coinbase: true, height: 0, outputs: [{ address: 'P', value: 1_000, type: 'p2pkh' }] },
      {
        name: 'pay',
        height: 1,
        inputs: ['fa:0', 'fb:0'],
        outputs: [
          { address: 'P', value: 60_000_000, type: 'p2pkh' },
          { address: 'C', value: 19_970_000 },
        ],
      },
      { name: 'fd', coinbase: true, height: 2, outputs: [{ address: 'D', value: 10_000_000 }] },
      {
        name: 'spend',
        height: 3,
        inputs: ['pay:1', 'fd:0'],
        outputs: [{ address: 'E', value: 29_960_000 }],
      },
    ]
    const g = buildUtxoGraph(specs)
    await writeChain(g)
    const cioh = await updateClusterRun(store, g, { params: { change: false } })
    const both = await updateClusterRun(store, g, { params: { change: true, changeHorizon: 0 } })
    expect(both.run.runId).not.toBe(cioh.run.runId)
    const run = both.run.runId
    const id = (s: string) => addressIdOf(store, s)

    // show
    const ref = await resolveCluster(store, run, 'B')
    expect(ref.size).toBe(4)
    expect(ref.clusterId).toBe(clusterIdOfAddress('A'))
    const sum = await clusterSummary(store, run, ref, { offset: 0, limit: 2 })
    expect(sum.addresses.map((x) => x.address)).toEqual(['A', 'B'])
    expect(sum.totals.received).toBe(50_000_000 + 30_000_000 + 19_970_000 + 10_000_000)
    expect(sum.totals.balance).toBe(0)
    expect((await resolveCluster(store, run, ref.clusterId)).size).toBe(4)
    expect((await resolveCluster(store, run, 'E')).singleton).toBe(true)
    await expect(resolveCluster(store, run, 'nope')).rejects.toMatchObject({ code: NotFoundError.code })

    // why: B → A (multi-input, pay) → C (change, pay) → D (multi-input, spend)
    const path = await whyLinkedStored(store, run, await id('B'), await id('D'))
    expect(path?.map((e) => [e.heuristic, e.txid, e.height])).toEqual([
      ['multi-input', g.names.txid(3), 1],
      ['change', g.names.txid(3), 1],
      ['multi-input', g.names.txid(5), 3],
    ])
    expect(path?.[1]?.confidence).toBeGreaterThan(0.99)
    expect(await whyLinkedStored(store, run, await id('A'), await id('E'))).toBeNull()
    // without change, D is not linked to A
    expect(await whyLinkedStored(store, cioh.run.runId, await id('A'), await id('D'))).toBeNull()

    // at: before height 1 A is alone; at 1 it is {A, B, C}; at 3 {A, B, C, D}
    expect((await clusterAtHeightStored(store, run, await id('A'), 0)).size).toBe(1)
    expect((await clusterAtHeightStored(store, run, await id('A'), 1)).size).toBe(3)
    const at3 = await clusterAtHeightStored(store, run, await id('D'), 3)
    expect(at3.size).toBe(4)
    expect(at3.clusterId).toBe(clusterIdOfAddress('A'))

    // diff: adding change merges {A,B} with {C,D}; nothing splits
    const d = await diffClusterRuns(store, cioh.run.runId, run)
    expect(d.mergeCount).toBe(1)
    expect(d.splitCount).toBe(0)
    expect(d.merges[0]?.size).toBe(4)
    expect(d.merges[0]?.from).toHaveLength(2)
    const back = await diffClusterRuns(store, run, cioh.run.runId)
    expect(back.splitCount).toBe(1)
    expect((await getClusterRun(store)).runId).toBe(run)
  })
})

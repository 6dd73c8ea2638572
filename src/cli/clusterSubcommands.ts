/**
 * `hound cluster show | why | at | diff | runs`: questions about stored clustering runs (default: the most recently
 * updated run; `--run ID` picks another). See docs/commands/cluster.md.
 * @module
 */
import type { Command } from 'commander'
import { UsageError } from '../core/errors.js'
import { loadServiceLabels } from '../intel/loadServiceLabels.js'
import {
  addressIdOf,
  addressStrings,
  clusterAtHeightStored,
  clusterSummary,
  diffClusterRuns,
  resolveCluster,
  whyLinkedStored,
} from '../store/clusterQueries.js'
import { getClusterRun, listClusterRuns } from '../store/clusterRuns.js'
import type { HoundStore } from '../store/HoundStore.js'
import { intArg } from './cluster.js'
import { formatBtc, formatTable, printJson } from './context.js'
import { openReadStoreOrFail } from './openReadStore.js'

type Common = { db?: string; run?: string; json?: boolean; limit?: string; offset?: string; height?: string }

async function withStore<T>(o: Common, fn: (s: HoundStore, runId: number) => Promise<T>): Promise<T> {
  const store = await openReadStoreOrFail(o)
  try {
    const run = await getClusterRun(store, intArg('--run', o.run, 1))
    return await fn(store, run.runId)
  } finally {
    store.close()
  }
}

const out = (s: string) => process.stdout.write(`${s}\n`)

export function registerClusterSubcommands(cluster: Command): void {
  cluster
    .command('show <addressOrCluster>')
    .description('A cluster: size, addresses (paged), totals and labels')
    .option('--run <id>', 'clustering run (default: the latest)')
    .option('--limit <n>', 'addresses per page (default 50)')
    .option('--offset <n>', 'first address of the page (default 0)')
    .option('--json', 'print JSON')
    .action(async (ref: string, _o: unknown, c: Command) => {
      const o = c.optsWithGlobals() as Common
      const limit = intArg('--limit', o.limit, 1) ?? 50
      const offset = intArg('--offset', o.offset) ?? 0
      await withStore(o, async (store, runId) => {
        const cl = await resolveCluster(store, runId, ref)
        const s = await clusterSummary(store, runId, cl, { offset, limit })
        const labels = await clusterLabels(store, runId, cl.repId, cl.singleton)
        const result = { runId, ...s, labels }
        if (o.json) return printJson(result)
        out(`cluster ${s.clusterId}  (run ${runId})`)
        out(`size      ${s.size} addresses`)
        out(`received  ${formatBtc(s.totals.received)} BTC in ${s.totals.outputs} outputs`)
        out(`spent     ${formatBtc(s.totals.spent)} BTC`)
        out(`balance   ${formatBtc(s.totals.balance)} BTC`)
        out(`labels    ${labels.length === 0 ? '-' : labels.map((l) => `${l.entity} (${l.category})`).join(', ')}`)
        out('')
        out(
          formatTable(
            ['#', 'address'],
            s.addresses.map((a, k) => [offset + k + 1, a.address]),
          ),
        )
        if (offset + s.addresses.length < s.size) out(`… ${s.size - offset - s.addresses.length} more (--offset)`)
      })
    })

  cluster
    .command('why <addrA> <addrB>')
    .description('The chain of merges linking two addresses (txid, heuristic, confidence, height), or "not linked"')
    .option('--run <id>', 'clustering run (default: the latest)')
    .option('--json', 'print JSON')
    .action(async (a: string, b: string, _o: unknown, c: Command) => {
      const o = c.optsWithGlobals() as Common
      await withStore(o, async (store, runId) => {
        const ia = await addressIdOf(store, a)
        const ib = await addressIdOf(store, b)
        const path = await whyLinkedStored(store, runId, ia, ib)
        const names = await addressStrings(store, path ? path.flatMap((e) => [e.addrA, e.addrB]) : [])
        const steps = (path ?? []).map((e) => ({
          txid: e.txid ?? `tx_id:${e.txId}`,
          heuristic: e.heuristic,
          confidence: e.confidence,
          height: e.height,
          decisionHeight: e.decisionHeight,
          addressA: names.get(e.addrA) ?? String(e.addrA),
          addressB: names.get(e.addrB) ?? String(e.addrB),
        }))
        const result = { runId, addressA: a, addressB: b, linked: path !== null, steps }
        if (o.json) return printJson(result)
        if (path === null) return out(`${a} and ${b} are not in the same cluster (run ${runId})`)
        out(`${a} and ${b} are linked by ${steps.length} merge(s) (run ${runId}):`)
        out(
          formatTable(
            ['#', 'height', 'heuristic', 'confidence', 'txid', 'links'],
            steps.map((s, k) => [
              k + 1,
              s.height,
              s.heuristic,
              s.confidence.toFixed(4),
              s.txid,
              `${s.addressA} ~ ${s.addressB}`,
            ]),
          ),
        )
      })
    })

  cluster
    .command('at <address>')
    .description('The cluster of an address as it was at height H (replays the merges decided up to H)')
    .requiredOption('--height <h>', 'height')
    .option('--run <id>', 'clustering run (default: the latest)')
    .option('--limit <n>', 'addresses to list (default 50)')
    .option('--json', 'print JSON')
    .action(async (address: string, _o: unknown, c: Command) => {
      const o = c.optsWithGlobals() as Common
      const height = intArg('--height', o.height)
      if (height === undefined) throw new UsageError('--height is required')
      const limit = intArg('--limit', o.limit, 1) ?? 50
      await withStore(o, async (store, runId) => {
        const id = await addressIdOf(store, address)
        const at = await clusterAtHeightStored(store, runId, id, height)
        const names = await addressStrings(store, at.memberIds.slice(0, limit))
        const result = {
          runId,
          address,
          height,
          clusterId: at.clusterId,
          size: at.size,
          addresses: at.memberIds.slice(0, limit).map((m) => names.get(m) ?? String(m)),
        }
        if (o.json) return printJson(result)
        out(`at height ${height}: ${address} is in cluster ${at.clusterId} with ${at.size} address(es) (run ${runId})`)
        for (const s of result.addresses) out(`  ${s}`)
        if (at.size > limit) out(`  … ${at.size - limit} more (--limit)`)
      })
    })

  cluster
    .command('diff <runA> <runB>')
    .description('Splits and merges between two runs (e.g. without and with change heuristics)')
    .option('--limit <n>', 'clusters to list per kind (default 20)')
    .option('--json', 'print JSON')
    .action(async (ra: string, rb: string, _o: unknown, c: Command) => {
      const o = c.optsWithGlobals() as Common
      const a = intArg('runA', ra, 1)!
      const b = intArg('runB', rb, 1)!
      const limit = intArg('--limit', o.limit, 1) ?? 20
      const store = await openReadStoreOrFail(o)
      try {
        await getClusterRun(store, a)
        await getClusterRun(store, b)
        const d = await diffClusterRuns(store, a, b, limit)
        if (o.json) return printJson(d)
        out(`run ${a} → run ${b}: ${d.mergeCount} merged cluster(s), ${d.splitCount} split cluster(s)`)
        if (d.merges.length > 0) {
          out('\nmerges (clusters of B made of several clusters of A):')
          out(
            formatTable(
              ['cluster', 'size', 'from'],
              d.merges.map((m) => [m.cluster, m.size, m.from.join(' ')]),
            ),
          )
        }
        if (d.splits.length > 0) {
          out('\nsplits (clusters of A split in B):')
          out(
            formatTable(
              ['cluster', 'size', 'into'],
              d.splits.map((m) => [m.cluster, m.size, m.into.join(' ')]),
            ),
          )
        }
      } finally {
        store.close()
      }
    })

  cluster
    .command('runs')
    .description('List stored clustering runs')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, c: Command) => {
      const o = c.optsWithGlobals() as Common
      const store = await openReadStoreOrFail(o)
      try {
        const runs = await listClusterRuns(store)
        if (o.json) return printJson(runs)
        out(
          formatTable(
            ['run', 'to height', 'heuristics', 'threshold', 'clusters', 'largest', 'evidence', 'updated'],
            runs.map((r) => [
              r.runId,
              r.toHeight,
              [r.params.multiInput ? 'multi-input' : '', r.params.change ? 'change' : ''].filter(Boolean).join(','),
              r.params.change ? r.params.threshold : null,
              r.clusters,
              r.largest,
              r.evidence,
              r.updated,
            ]),
          ),
        )
      } finally {
        store.close()
      }
    })
}

/** Service and other labels carried by the cluster's addresses (from the intel store). */
async function clusterLabels(
  store: HoundStore,
  runId: number,
  repId: number,
  singleton: boolean,
): Promise<{ address: string; category: string; entity: string }[]> {
  let labels: Awaited<ReturnType<typeof loadServiceLabels>>
  try {
    labels = await loadServiceLabels(store)
  } catch {
    return []
  }
  if (labels.size === 0) return []
  let ids: number[]
  if (singleton) ids = labels.has(repId) ? [repId] : []
  else {
    const rows = await store.all<{ id: number }>(
      `SELECT address_id AS id FROM cluster_members WHERE run_id = $1 AND rep_id = $2
         AND address_id IN (${[...labels.keys()].map((x) => Math.trunc(x)).join(',')})`,
      [runId, repId],
    )
    ids = rows.map((r) => r.id)
  }
  const names = await addressStrings(store, ids)
  return ids.map((id) => ({ address: names.get(id) ?? String(id), ...labels.get(id)! }))
}

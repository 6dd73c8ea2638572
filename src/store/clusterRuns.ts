/**
 * Cluster run metadata: find, list and pick runs. A run is identified by its parameter set (`params_key`):
 * `hound cluster` with the same parameters extends the existing run instead of starting a new one.
 * @module
 */
import type { ResolvedClusterParameters } from '../cluster/clusterGraph.js'
import { NotFoundError } from '../core/errors.js'
import { ensureClusterSchema, hasClusterSchema } from './clusterSchema.js'
import type { HoundStore } from './HoundStore.js'

export type ClusterRunInfo = {
  runId: number
  paramsKey: string
  params: ResolvedClusterParameters
  toHeight: number
  created: string
  updated: string
  addresses: number
  clusters: number
  largest: number
  evidence: number
  heldBack: number
  blocked: number
}

/** Canonical JSON of the parameters (keys sorted) — the identity of a run. */
export function clusterParamsKey(p: ResolvedClusterParameters): string {
  const sorted = (v: unknown): unknown =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
        )
      : v
  return JSON.stringify(sorted(p))
}

type RunRow = {
  run_id: number
  params_key: string
  params: string
  to_height: number
  created: unknown
  updated: unknown
  addresses: bigint | null
  clusters: bigint | null
  largest: bigint | null
  evidence: bigint | null
  held_back: bigint | null
  blocked: bigint | null
}

function toInfo(r: RunRow): ClusterRunInfo {
  return {
    runId: r.run_id,
    paramsKey: r.params_key,
    params: JSON.parse(r.params) as ResolvedClusterParameters,
    toHeight: r.to_height,
    created: String(r.created),
    updated: String(r.updated),
    addresses: Number(r.addresses ?? 0),
    clusters: Number(r.clusters ?? 0),
    largest: Number(r.largest ?? 0),
    evidence: Number(r.evidence ?? 0),
    heldBack: Number(r.held_back ?? 0),
    blocked: Number(r.blocked ?? 0),
  }
}

export async function listClusterRuns(store: HoundStore): Promise<ClusterRunInfo[]> {
  if (!(await hasClusterSchema(store))) return []
  const rows = await store.all<RunRow>('SELECT * FROM cluster_runs ORDER BY run_id')
  return rows.map(toInfo)
}

export async function findClusterRunByParams(
  store: HoundStore,
  paramsKey: string,
): Promise<ClusterRunInfo | undefined> {
  await ensureClusterSchema(store)
  const r = await store.one<RunRow>('SELECT * FROM cluster_runs WHERE params_key = $1', [paramsKey])
  return r && toInfo(r)
}

/** The given run, or the most recently updated one. Throws NotFoundError when there is none. */
export async function getClusterRun(store: HoundStore, runId?: number): Promise<ClusterRunInfo> {
  const r = !(await hasClusterSchema(store))
    ? undefined
    : runId === undefined
      ? await store.one<RunRow>('SELECT * FROM cluster_runs ORDER BY updated DESC, run_id DESC LIMIT 1')
      : await store.one<RunRow>('SELECT * FROM cluster_runs WHERE run_id = $1', [runId])
  if (!r) {
    throw new NotFoundError(
      runId === undefined ? 'no clustering run in the store: run `hound cluster` first' : `no clustering run ${runId}`,
      { details: { runId: runId ?? null } },
    )
  }
  return toInfo(r)
}

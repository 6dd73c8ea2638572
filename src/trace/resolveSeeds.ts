/**
 * Resolve parsed seeds to graph outputs, with clear typed errors: NotFoundError for a txid, output, address or
 * cluster the graph does not hold, NotSyncedError when the graph is empty or the seed needs blocks the store has
 * not synced.
 * @module
 */
import { NotFoundError, NotSyncedError, UsageError } from '../core/errors.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import type { SeedSpec } from './parseSeed.js'
import type { ResolvedSeed } from './types.js'

/** Which heights the graph covers and how far the store is synced (for NotSyncedError). */
export type GraphCoverage = {
  readonly fromHeight: number
  readonly toHeight: number
  readonly tipHeight: number | null
}

export type SeedResolution = {
  readonly seeds: ResolvedSeed[]
  /** Label names; `ResolvedSeed.label` indexes this. */
  readonly labels: string[]
  /** Per input seed: how many outputs it resolved to. */
  readonly perSeed: { text: string; kind: SeedSpec['kind']; label: string; outputs: number }[]
}

export type ResolveContext = {
  /** Addresses of a cluster (null when the cluster id is unknown). Required for `cluster:` seeds. */
  readonly clusterMembers?: ((cluster: string) => readonly number[] | null) | undefined
  readonly coverage?: GraphCoverage | undefined
}

export function resolveSeeds(g: UtxoGraph, specs: readonly SeedSpec[], ctx: ResolveContext = {}): SeedResolution {
  if (g.txCount === 0) {
    throw new NotSyncedError('the graph is empty: sync blocks into the store first (hound sync)', {
      details: { tipHeight: ctx.coverage?.tipHeight ?? null },
    })
  }
  const labels: string[] = []
  const labelIndex = (name: string) => {
    let k = labels.indexOf(name)
    if (k < 0) {
      k = labels.length
      labels.push(name)
    }
    return k
  }
  const seeds: ResolvedSeed[] = []
  const perSeed: SeedResolution['perSeed'] = []
  const missingTx = (txid: string, seed: string): never => {
    const cov = ctx.coverage
    if (cov && cov.tipHeight === null) {
      throw new NotSyncedError(`seed ${seed}: the store holds no blocks yet`, { details: { seed, txid } })
    }
    const range = cov
      ? ` (graph covers heights ${cov.fromHeight}..${cov.toHeight}, store synced to ${cov.tipHeight})`
      : ''
    throw new NotFoundError(`seed ${seed}: transaction ${txid} is not in the graph${range}`, {
      details: { seed, txid },
    })
  }
  for (const s of specs) {
    const label = labelIndex(s.label)
    const before = seeds.length
    switch (s.kind) {
      case 'output': {
        const t = g.names.txIndex(s.txid)
        if (t < 0) missingTx(s.txid, s.text)
        const o = g.txOutStart[t]! + s.vout
        if (o >= g.txOutStart[t + 1]!) {
          throw new NotFoundError(
            `seed ${s.text}: transaction has ${g.txOutStart[t + 1]! - g.txOutStart[t]!} outputs, no vout ${s.vout}`,
            { details: { seed: s.text } },
          )
        }
        seeds.push({ output: o, label })
        break
      }
      case 'tx': {
        const t = g.names.txIndex(s.txid)
        if (t < 0) missingTx(s.txid, s.text)
        for (let o = g.txOutStart[t]!; o < g.txOutStart[t + 1]!; o++) seeds.push({ output: o, label })
        break
      }
      case 'address': {
        const a = g.names.addressIndex(s.address)
        if (a < 0 || a >= g.addressCount || g.addrOutStart[a] === g.addrOutStart[a + 1]) {
          throw new NotFoundError(`seed ${s.text}: address ${s.address} received nothing in the graph`, {
            details: { seed: s.text },
          })
        }
        for (let k = g.addrOutStart[a]!; k < g.addrOutStart[a + 1]!; k++) seeds.push({ output: g.addrOuts[k]!, label })
        break
      }
      case 'cluster': {
        if (!ctx.clusterMembers) {
          throw new UsageError(`seed ${s.text}: clusters are not available (run clustering first)`, {
            details: { seed: s.text },
          })
        }
        const members = ctx.clusterMembers(s.cluster)
        if (!members || members.length === 0) {
          throw new NotFoundError(`seed ${s.text}: no cluster ${s.cluster}`, { details: { seed: s.text } })
        }
        for (const a of members) {
          if (a < 0 || a >= g.addressCount) continue
          for (let k = g.addrOutStart[a]!; k < g.addrOutStart[a + 1]!; k++)
            seeds.push({ output: g.addrOuts[k]!, label })
        }
        break
      }
    }
    perSeed.push({ text: s.text, kind: s.kind, label: s.label, outputs: seeds.length - before })
  }
  return { seeds, labels, perSeed }
}

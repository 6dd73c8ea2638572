/**
 * "Why are A and B in one cluster?" on an in-memory clustering: the merges linking them, each with txid,
 * heuristic, confidence and height (heuristics.md §1.1, Fröwis et al. 2020 on evidential value).
 * @module
 */
import type { Clustering } from './Clustering.js'
import { type EvidenceRecord, STATUS_APPLIED } from './EvidenceLog.js'
import { findMergePath } from './findMergePath.js'

export type MergeStep = EvidenceRecord & { txid: string }

/** The merges linking address ids a and b, in path order from a to b; null when they are not linked. */
export function whyLinked(c: Clustering, a: number, b: number): MergeStep[] | null {
  if (!c.uf.connected(a, b)) return null
  const idx: number[] = []
  const ea: number[] = []
  const eb: number[] = []
  const log = c.log
  for (let k = 0; k < log.length; k++) {
    if (log.status[k] !== STATUS_APPLIED) continue
    idx.push(k)
    ea.push(log.addrA[k]!)
    eb.push(log.addrB[k]!)
  }
  const path = findMergePath(ea, eb, a, b)
  if (path === null) return null
  return path.map((e) => {
    const r = log.record(idx[e]!)
    return { ...r, txid: c.graph.names.txid(r.tx) }
  })
}

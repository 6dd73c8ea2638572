/**
 * The clustering as it was at height H: replay the applied merges decided at or below H (the log is in
 * decision-height order, so this is a prefix of it). Held-back and blocked merges stay out, as they did then.
 * @module
 */
import { Clustering } from './Clustering.js'
import { EvidenceLog, STATUS_APPLIED } from './EvidenceLog.js'
import { UnionFind } from './UnionFind.js'

export function clusteringAtHeight(c: Clustering, height: number): Clustering {
  const uf = new UnionFind(c.uf.size)
  const src = c.log
  const log = new EvidenceLog(src.txHeight, src.changeHorizon, 16)
  for (let k = 0; k < src.length && src.decisionHeight(k) <= height; k++) {
    log.push(src.tx[k]!, src.heuristic[k]!, src.confidence[k]!, src.addrA[k]!, src.addrB[k]!, src.status[k]!)
    if (src.status[k] === STATUS_APPLIED) uf.union(src.addrA[k]!, src.addrB[k]!)
  }
  return new Clustering(c.graph, uf, log, Math.min(height, c.throughHeight), { ...c.stats })
}

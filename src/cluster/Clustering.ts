/**
 * The in-memory result of a clustering run: the union-find partition, the evidence log, and stable ids.
 * @module
 */
import { NotFoundError } from '../core/errors.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import { clusterIdOfAddress, clusterRepresentatives } from './clusterIds.js'
import type { EvidenceLog } from './EvidenceLog.js'
import type { UnionFind } from './UnionFind.js'

export type ClusterStats = {
  multiInputMerges: number
  changeMerges: number
  heldBackBySize: number
  blockedByCannotLink: number
  coinJoinsSkipped: number
  changeDecided: number
}

export class Clustering {
  private rep: Int32Array | null = null
  private readonly idCache = new Map<number, string>()

  constructor(
    readonly graph: UtxoGraph,
    readonly uf: UnionFind,
    readonly log: EvidenceLog,
    /** Decision height the clustering is complete through. */
    readonly throughHeight: number,
    readonly stats: ClusterStats,
  ) {}

  /** Earliest member of the cluster of a (an address id). */
  representative(a: number): number {
    this.rep ??= clusterRepresentatives(this.graph, this.uf)
    return this.rep[this.uf.find(a)]!
  }

  /** Stable cluster id of address id a (see clusterIds.ts). */
  clusterOf(a: number): string {
    if (a < 0 || a >= this.uf.size) throw new NotFoundError(`address id ${a} is not in the clustering`)
    const root = this.uf.find(a)
    let id = this.idCache.get(root)
    if (id === undefined) {
      const r = this.representative(a)
      const s = this.graph.names.address(r)
      id = s === null ? `cl_id${r}` : clusterIdOfAddress(s)
      this.idCache.set(root, id)
    }
    return id
  }

  sizeOf(a: number): number {
    return this.uf.sizeOf(a)
  }

  /** Number of clusters among the graph's addresses (singletons included). */
  get clusterCount(): number {
    return this.uf.setCount
  }

  /** Size of the largest cluster. */
  largestClusterSize(): number {
    let max = 0
    const p = this.uf.parent
    for (let a = 0; a < p.length; a++) if (p[a]! < 0 && -p[a]! > max) max = -p[a]!
    return max
  }

  /** Member address ids of a's cluster, in id order. O(addresses). */
  members(a: number): number[] {
    const root = this.uf.find(a)
    const out: number[] = []
    for (let x = 0; x < this.uf.size; x++) if (this.uf.find(x) === root) out.push(x)
    return out
  }
}

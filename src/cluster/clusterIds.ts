/**
 * Stable cluster ids: `cl_` + the first 16 hex digits of sha256(earliest address string), where "earliest" is the
 * cluster member first seen in chain order (a funding output, or an input whose prevout lies before the graph),
 * tie-broken by position in the transaction. Independent of run order, union order and store ids, so two stores
 * holding the same chain name the same cluster the same way.
 * @module
 */
import { createHash } from 'node:crypto'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import type { UnionFind } from './UnionFind.js'

export function clusterIdOfAddress(address: string): string {
  return `cl_${createHash('sha256').update(address).digest('hex').slice(0, 16)}`
}

/**
 * For every root of `uf`, the id of its earliest member address (slots of non-roots are -1; a root never seen in
 * the graph is its own representative). One pass over the graph in chain order: 4 bytes per address.
 */
export function clusterRepresentatives(g: UtxoGraph, uf: UnionFind): Int32Array {
  const rep = new Int32Array(uf.size).fill(-1)
  const see = (a: number) => {
    if (a < 0 || a >= rep.length) return
    const r = uf.find(a)
    if (rep[r] === -1) rep[r] = a
  }
  for (let t = 0; t < g.txCount; t++) {
    for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) if (g.inPrevOut[i]! < 0) see(g.inAddr[i]!)
    for (let o = g.txOutStart[t]!; o < g.txOutStart[t + 1]!; o++) see(g.outAddr[o]!)
  }
  for (let a = 0; a < rep.length; a++) if (uf.parent[a]! < 0 && rep[a] === -1) rep[a] = a
  return rep
}

/**
 * The chain of merges linking two addresses. Applied merges form a spanning forest of the clusters (each one
 * joined two different clusters), so the path between two addresses in the same cluster is unique; a BFS over
 * the merge edges finds it. Returns the indices of the edges along the path from `from` to `to` (empty when
 * from = to), or null when they are not linked.
 * @module
 */
export function findMergePath(
  edgeA: ArrayLike<number>,
  edgeB: ArrayLike<number>,
  from: number,
  to: number,
): number[] | null {
  if (from === to) return []
  const adj = new Map<number, number[]>()
  const add = (x: number, e: number) => {
    const l = adj.get(x)
    if (l) l.push(e)
    else adj.set(x, [e])
  }
  for (let e = 0; e < edgeA.length; e++) {
    add(edgeA[e]!, e)
    add(edgeB[e]!, e)
  }
  const via = new Map<number, number>([[from, -1]])
  const queue = [from]
  for (let q = 0; q < queue.length; q++) {
    const x = queue[q]!
    for (const e of adj.get(x) ?? []) {
      const y = edgeA[e] === x ? edgeB[e]! : edgeA[e]!
      if (via.has(y)) continue
      via.set(y, e)
      if (y === to) {
        const path: number[] = []
        let z = to
        while (z !== from) {
          const ez = via.get(z)!
          path.push(ez)
          z = edgeA[ez] === z ? edgeB[ez]! : edgeA[ez]!
        }
        return path.reverse()
      }
      queue.push(y)
    }
  }
  return null
}

/**
 * Order blocks found in any order (blk files are written in arrival order, not height order) into the best
 * chain by following prev-hash links, and count what is left off it (stale/orphan blocks).
 * @module
 */
import { SourceError } from '../core/errors.js'

/** What the ordering needs of a block. */
export type ChainLink = { readonly hash: string; readonly prevHash: string }

export type BestChain = {
  /** Indices into the input, from the start block to the tip of the best chain. */
  readonly chain: readonly number[]
  /** Distinct blocks not on the best chain (forks, orphans, disconnected runs). */
  readonly staleBlocks: number
  /** Input entries whose hash was already seen earlier (the later copy is ignored). */
  readonly duplicateBlocks: number
}

/**
 * The best chain through `links` (given in file order).
 *
 * Start: the block with hash `startHash` (the network's genesis) when present, else the first block (in input
 * order) whose parent is not in the set. From there follow children; where a block has several children take the
 * one with the longest chain below it (tie: the first seen). Iterative, so a chain of a million blocks is fine.
 */
export function bestChain(links: readonly ChainLink[], startHash?: string | null): BestChain {
  const n = links.length
  const byHash = new Map<string, number>()
  const unique = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const h = links[i]!.hash
    if (!byHash.has(h)) {
      byHash.set(h, i)
      unique[i] = 1
    }
  }
  const parent = new Int32Array(n).fill(-1)
  for (let i = 0; i < n; i++) {
    if (!unique[i]) continue
    const p = byHash.get(links[i]!.prevHash)
    if (p !== undefined && p !== i) parent[i] = p
  }
  return bestChainOfParents(parent, unique, startHash ? (byHash.get(startHash) ?? -1) : -1)
}

/**
 * The same over a parent array (`parent[i]` = index of block i's parent, -1 when absent) and a flag per entry
 * telling whether it is the first copy of its hash (`unique[i]` = 1; later copies are ignored and counted as
 * duplicates). `start` is the preferred start index (-1: the first unique block without parent). This form lets
 * a large index keep hashes as bytes instead of strings.
 */
export function bestChainOfParents(parent: Int32Array, unique: Uint8Array, start: number): BestChain {
  const n = parent.length
  let uniqueCount = 0
  for (let i = 0; i < n; i++) uniqueCount += unique[i]!
  const duplicateBlocks = n - uniqueCount
  if (n === 0) return { chain: [], staleBlocks: 0, duplicateBlocks: 0 }

  // Children in CSR form, in input order (so "first seen" is the lowest position).
  const childCount = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) if (unique[i] && parent[i]! >= 0) childCount[parent[i]!]!++
  const first = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) first[i + 1] = first[i]! + childCount[i]!
  const children = new Int32Array(first[n]!)
  const fill = first.slice(0, n)
  for (let i = 0; i < n; i++) if (unique[i] && parent[i]! >= 0) children[fill[parent[i]!]!++] = i

  if (start < 0) {
    for (let i = 0; i < n && start < 0; i++) if (unique[i] && parent[i] === -1) start = i
  }
  if (start < 0) throw new SourceError('no chain start: every block has its parent in the set (a cycle?)')

  // Pre-order walk from the start, then depths bottom-up.
  const order: number[] = []
  const stack = [start]
  while (stack.length > 0) {
    const v = stack.pop()!
    order.push(v)
    for (let c = first[v]!; c < first[v + 1]!; c++) stack.push(children[c]!)
  }
  const depth = new Int32Array(n)
  for (let k = order.length - 1; k >= 0; k--) {
    const v = order[k]!
    let best = 0
    for (let c = first[v]!; c < first[v + 1]!; c++) best = Math.max(best, depth[children[c]!]!)
    depth[v] = best + 1
  }
  const chain: number[] = []
  let v = start
  for (;;) {
    chain.push(v)
    let next = -1
    for (let c = first[v]!; c < first[v + 1]!; c++) {
      const child = children[c]!
      if (next < 0 || depth[child]! > depth[next]!) next = child
    }
    if (next < 0) break
    v = next
  }
  return { chain, staleBlocks: uniqueCount - chain.length, duplicateBlocks }
}

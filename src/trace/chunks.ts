/**
 * Taint carried by one value holder (an output, a fee, an input), as a flat list of chunks.
 *
 * A chunk list is `[amount0, label0, amount1, label1, …]`, amounts in integer satoshi, labels dense indices
 * of the trace's taint labels (incidents), `CLEAN` (-1) for clean value. What a list means depends on the policy:
 * - sequential policies (FIFO, LIFO, TIHO): the chunks cover the whole value in order (Anderson et al.'s
 *   "an output is a sequence of tainted and clean chunks"); adjacent chunks with the same label are merged;
 * - haircut: one `[amount, label]` per tainted label, sorted by label, clean value implied;
 * - poison: one `[value, label]` per label that reached the holder (every label taints the whole value).
 *
 * A holder with no tainted value has no chunk list (`null`), so clean value never travels.
 * @module
 */

/** Label of clean value inside a chunk list. */
export const CLEAN = -1

/** Flat `[amount, label, amount, label, …]` list. */
export type Chunks = number[]

/** Append a chunk, merging it into the last one when the labels match. Zero amounts are dropped. */
export function pushChunk(c: Chunks, amount: number, label: number): void {
  if (amount <= 0) return
  const n = c.length
  if (n >= 2 && c[n - 1] === label) c[n - 2]! += amount
  else c.push(amount, label)
}

/** True when the list has a chunk with this label (labels sit at odd positions). */
export function hasLabel(c: Chunks, label: number): boolean {
  for (let k = 1; k < c.length; k += 2) if (c[k] === label) return true
  return false
}

/** Tainted (non-clean) satoshi in a chunk list, summed over labels. Not the poison rule: see `taintedOf`. */
export function taintedSum(c: Chunks | null | undefined): number {
  if (!c) return 0
  let s = 0
  for (let k = 0; k < c.length; k += 2) if (c[k + 1]! !== CLEAN) s += c[k]!
  return s
}

/** True when the list holds any tainted value. */
export function hasTaint(c: Chunks | null | undefined): boolean {
  if (!c) return false
  for (let k = 0; k < c.length; k += 2) if (c[k + 1]! !== CLEAN && c[k]! > 0) return true
  return false
}

/** Tainted amount per label (label index → satoshi), clean excluded. */
export function perLabel(c: Chunks | null | undefined, into: Map<number, number> = new Map()): Map<number, number> {
  if (!c) return into
  for (let k = 0; k < c.length; k += 2) {
    const l = c[k + 1]!
    if (l !== CLEAN) into.set(l, (into.get(l) ?? 0) + c[k]!)
  }
  return into
}

/** Sum of every chunk (tainted and clean). For sequential lists this is the holder's value. */
export function chunkTotal(c: Chunks): number {
  let s = 0
  for (let k = 0; k < c.length; k += 2) s += c[k]!
  return s
}

/**
 * Fill sinks of the given sizes, in the given order, from the head of `queue` (the sequential-policy core).
 * `order[k]` is the sink filled k-th; the result is indexed by sink. The queue must hold exactly Σ sizes.
 * A sink that receives only clean value gets `null`.
 */
export function fillSequential(queue: Chunks, sizes: readonly number[], order: readonly number[]): (Chunks | null)[] {
  const out: (Chunks | null)[] = new Array(sizes.length).fill(null)
  let q = 0
  let left = queue.length > 0 ? queue[0]! : 0
  for (const s of order) {
    let need = sizes[s]!
    const c: Chunks = []
    let tainted = false
    while (need > 0 && q < queue.length) {
      if (left === 0) {
        q += 2
        left = q < queue.length ? queue[q]! : 0
        continue
      }
      const take = Math.min(left, need)
      const label = queue[q + 1]!
      pushChunk(c, take, label)
      if (label !== CLEAN) tainted = true
      left -= take
      need -= take
    }
    out[s] = tainted ? c : null
  }
  return out
}

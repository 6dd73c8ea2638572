/**
 * The append-only log of cluster merges (heuristics.md §0 "Evidence records", §1.1): one record per union that
 * changed the partition, and one per union a guard held back. Kept in growable typed arrays (no object per
 * union) until it is persisted; record order is the order the engine decided them, which is also
 * decision-height order, so a prefix of the log is the clustering as of a height.
 *
 * 18 bytes per record (tx 4, addrA 4, addrB 4, confidence 4, heuristic 1, status 1): the height is the tx's
 * (`txHeight[tx]`) and the decision height is derived from it (+ the change horizon for change links), so neither
 * is stored — this keeps union-find + log + per-tx state within ~24 bytes per address.
 * @module
 */

/** Heuristic that produced a link. Stable codes: persisted by name (`heuristicNames`). */
export const HEURISTIC_MULTI_INPUT = 0
export const HEURISTIC_CHANGE = 1
export const heuristicNames = ['multi-input', 'change'] as const
export type HeuristicName = (typeof heuristicNames)[number]

/** What happened to a link. */
export const STATUS_APPLIED = 0
/** Both clusters were above the size guard: held back and reported (heuristics.md §1.3). */
export const STATUS_SIZE_GUARD = 1
/** The clusters carry different service labels: never merged (cannot-link, §1.3). */
export const STATUS_CANNOT_LINK = 2
export const statusNames = ['applied', 'size_guard', 'cannot_link'] as const
export type StatusName = (typeof statusNames)[number]

/** One record as a plain object (for printing and persistence; the log itself stays columnar). */
export type EvidenceRecord = {
  seq: number
  /** Height of the transaction the link comes from. */
  height: number
  /** Height at which the engine decided the link (tx height for multi-input, + change horizon for change). */
  decisionHeight: number
  /** Transaction index in the graph the log was built on. */
  tx: number
  heuristic: HeuristicName
  confidence: number
  addrA: number
  addrB: number
  status: StatusName
}

export class EvidenceLog {
  length = 0
  tx: Uint32Array
  heuristic: Uint8Array
  status: Uint8Array
  confidence: Float32Array
  addrA: Int32Array
  addrB: Int32Array

  /**
   * @param txHeight heights of the graph's transactions (record heights are read from it)
   * @param changeHorizon blocks a change decision waits (decision height = height + horizon for change links)
   */
  constructor(
    readonly txHeight: Uint32Array,
    readonly changeHorizon: number,
    capacity = 1024,
  ) {
    const c = Math.max(16, capacity)
    this.tx = new Uint32Array(c)
    this.heuristic = new Uint8Array(c)
    this.status = new Uint8Array(c)
    this.confidence = new Float32Array(c)
    this.addrA = new Int32Array(c)
    this.addrB = new Int32Array(c)
  }

  private reallocate(capacity: number): void {
    const grow = <T extends Uint32Array | Uint8Array | Float32Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity)
      b.set(a.subarray(0, this.length))
      return b
    }
    this.tx = grow(this.tx, (n) => new Uint32Array(n))
    this.heuristic = grow(this.heuristic, (n) => new Uint8Array(n))
    this.status = grow(this.status, (n) => new Uint8Array(n))
    this.confidence = grow(this.confidence, (n) => new Float32Array(n))
    this.addrA = grow(this.addrA, (n) => new Int32Array(n))
    this.addrB = grow(this.addrB, (n) => new Int32Array(n))
  }

  /** Release unused capacity (called when a run is complete: the log is then read-only until persisted). */
  trim(): void {
    if (this.tx.length > this.length + 16) this.reallocate(this.length + 16)
  }

  push(tx: number, heuristic: number, confidence: number, addrA: number, addrB: number, status: number): number {
    if (this.length === this.tx.length) this.reallocate(this.tx.length * 2)
    const k = this.length++
    this.tx[k] = tx
    this.heuristic[k] = heuristic
    this.confidence[k] = confidence
    this.addrA[k] = addrA
    this.addrB[k] = addrB
    this.status[k] = status
    return k
  }

  /** Height of record k's transaction. */
  height(k: number): number {
    return this.txHeight[this.tx[k]!]!
  }

  /** Height at which record k was decided. */
  decisionHeight(k: number): number {
    return this.height(k) + (this.heuristic[k] === HEURISTIC_CHANGE ? this.changeHorizon : 0)
  }

  record(k: number): EvidenceRecord {
    return {
      seq: k,
      height: this.height(k),
      decisionHeight: this.decisionHeight(k),
      tx: this.tx[k]!,
      heuristic: heuristicNames[this.heuristic[k]!] ?? 'multi-input',
      confidence: Math.round(this.confidence[k]! * 1e6) / 1e6,
      addrA: this.addrA[k]!,
      addrB: this.addrB[k]!,
      status: statusNames[this.status[k]!] ?? 'applied',
    }
  }

  /** Number of records with a given status. */
  count(status: number): number {
    let n = 0
    for (let k = 0; k < this.length; k++) if (this.status[k] === status) n++
    return n
  }
}

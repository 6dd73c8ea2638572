/**
 * The in-memory index of UNSPENT outputs that resolves prevouts during ingest: txid → that transaction's
 * unspent outputs (output id, value, address id). An entry is deleted when its last output is spent, so
 * memory follows the UTXO set, not the chain.
 *
 * Sharded over 16 Maps by the txid's last hex digit: a single V8 Map holds at most 2^24 entries, fewer than
 * the transactions with unspent outputs on mainnet.
 * @module
 */

/** [firstOutputId, unspentCount, value0, addr0, value1, addr1, …]; a spent slot has value -1. */
type Entry = number[]

const SHARDS = 16

export type ResolvedPrevout = { outputId: number; value: number; addressId: number }

export class UtxoIndex {
  private readonly shards: Map<string, Entry>[] = Array.from({ length: SHARDS }, () => new Map())
  /** Unspent outputs held. */
  size = 0

  private shard(txid: string): Map<string, Entry> {
    return this.shards[txid.charCodeAt(63) & (SHARDS - 1)]!
  }

  /**
   * Add the outputs of a transaction. `values[k] < 0` marks an output not to index (unspendable).
   * A later transaction with the same txid (pre-BIP30 duplicates) replaces the earlier one, as in Bitcoin Core.
   */
  add(txid: string, firstOutputId: number, values: readonly number[], addressIds: readonly number[]): void {
    const n = values.length
    const e: Entry = new Array(2 + 2 * n)
    let unspent = 0
    e[0] = firstOutputId
    for (let k = 0; k < n; k++) {
      const v = values[k]!
      e[2 + 2 * k] = v
      e[3 + 2 * k] = addressIds[k]!
      if (v >= 0) unspent++
    }
    e[1] = unspent
    if (unspent === 0) return
    const m = this.shard(txid)
    const old = m.get(txid)
    if (old) this.size -= old[1]!
    m.set(txid, e)
    this.size += unspent
  }

  /** Value and address id of the output last returned by `take` (no object per lookup on the hot path). */
  takenValue = 0
  takenAddress = -1

  /**
   * Remove the unspent output `txid:vout` and return its output id (value and address in `takenValue`,
   * `takenAddress`), or -1 when it is not in the index.
   */
  take(txid: string, vout: number): number {
    const m = this.shard(txid)
    const e = m.get(txid)
    if (e === undefined) return -1
    const j = 2 + 2 * vout
    if (j >= e.length) return -1
    const value = e[j]!
    if (value < 0) return -1
    e[j] = -1
    this.size--
    if (--e[1]! === 0) m.delete(txid)
    this.takenValue = value
    this.takenAddress = e[j + 1]!
    return e[0]! + vout
  }

  /** Remove and return the unspent output `txid:vout`, or null when it is not in the index. */
  spend(txid: string, vout: number): ResolvedPrevout | null {
    const id = this.take(txid, vout)
    return id < 0 ? null : { outputId: id, value: this.takenValue, addressId: this.takenAddress }
  }

  /** Mark output `outputId` of `txid` spent (used when a late-arriving output resolves an older input). */
  markSpent(txid: string, outputId: number): void {
    const e = this.shard(txid).get(txid)
    if (e) this.spend(txid, outputId - e[0]!)
  }

  /** Transactions with at least one unspent output. */
  get txCount(): number {
    let n = 0
    for (const m of this.shards) n += m.size
    return n
  }
}

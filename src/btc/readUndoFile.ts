/**
 * Reader for bcoin's flat undo format (test data `btc/bcoin/block300025-undo.raw`): the outputs a block spends,
 * in input order (transaction order, then input index, coinbase skipped). The file has no header; it is
 * consecutive records `[int64 LE value][CompactSize script length][scriptPubKey]` ending exactly at EOF.
 * These prevouts give input values and addresses without a UTXO set: fees, input clustering, change heuristics.
 * @module
 */
import { ByteReader } from './ByteReader.js'

export type UndoRecord = {
  /** Satoshi. */
  readonly value: number
  /** View into the file bytes (no copy). */
  readonly script: Uint8Array
}

/**
 * Read every record of an undo file. `where` names it in errors.
 * @throws DecodeError a truncated record (details: where, offset of the field)
 */
export function readUndoFile(bytes: Uint8Array, where = 'undo'): UndoRecord[] {
  const r = new ByteReader(bytes, 0, where, 0)
  const out: UndoRecord[] = []
  while (r.pos < bytes.length) {
    const value = r.value('undo value')
    const script = r.view(r.varint('undo script length'), 'undo script')
    out.push({ value, script })
  }
  return out
}

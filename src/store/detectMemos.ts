/**
 * OP_RETURN memos for the chain-hop detector: scanned from a block source into `detect_memos`, and loaded back as
 * a lookup by graph transaction index.
 * @module
 */
import { decodeBlock } from '../btc/decodeBlock.js'
import type { MemoLookup } from '../detect/chainHop.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import type { BtcBlockSource } from '../ingest/types.js'
import { ensureDetectSchema, hasDetectSchema } from './detectSchema.js'
import type { HoundStore } from './HoundStore.js'

/** The concatenated data pushes of an OP_RETURN script, or null when the script is not OP_RETURN + pushes. */
export function opReturnData(script: Uint8Array): Uint8Array | null {
  if (script.length === 0 || script[0] !== 0x6a) return null
  const parts: Uint8Array[] = []
  let p = 1
  while (p < script.length) {
    const op = script[p++]!
    let n: number
    if (op >= 1 && op <= 75) n = op
    else if (op === 0x4c) n = script[p++] ?? -1
    else if (op === 0x4d) {
      n = (script[p] ?? 0) | ((script[p + 1] ?? 0) << 8)
      p += 2
    } else if (op === 0) n = 0
    else return null
    if (n < 0 || p + n > script.length) return null
    parts.push(script.subarray(p, p + n))
    p += n
  }
  const out = new Uint8Array(parts.reduce((a, b) => a + b.length, 0))
  let q = 0
  for (const b of parts) {
    out.set(b, q)
    q += b.length
  }
  return out
}

export type MemoRow = { txid: string; vout: number; height: number; data: string }

/** Read blocks `fromHeight..toHeight` from `source` and store every non-empty OP_RETURN payload; returns the count. */
export async function scanMemos(
  store: HoundStore,
  source: BtcBlockSource,
  opts: { fromHeight?: number; toHeight?: number } = {},
): Promise<{ blocks: number; memos: number }> {
  await ensureDetectSchema(store)
  const rows: MemoRow[] = []
  let blocks = 0
  for await (const raw of source.blocks({ fromHeight: opts.fromHeight ?? 0, toHeight: opts.toHeight })) {
    blocks++
    const b = decodeBlock(raw.bytes)
    for (const tx of b.txs) {
      if (tx.coinbase) continue
      tx.outputs.forEach((o, vout) => {
        const d = opReturnData(o.script)
        if (d && d.length > 0)
          rows.push({ txid: tx.txid, vout, height: raw.height, data: Buffer.from(d).toString('hex') })
      })
    }
  }
  await saveMemos(store, rows)
  return { blocks, memos: rows.length }
}

export async function saveMemos(store: HoundStore, rows: readonly MemoRow[]): Promise<void> {
  await ensureDetectSchema(store)
  await store.transaction(async () => {
    for (let k = 0; k < rows.length; k += 500) {
      const part = rows.slice(k, k + 500)
      await store.run(
        `INSERT OR REPLACE INTO detect_memos VALUES ${part.map(() => '(?, ?::INTEGER, ?::INTEGER, ?)').join(', ')}`,
        part.flatMap((r) => [r.txid, r.vout, r.height, r.data]),
      )
    }
  })
}

/** Memos of the graph's transactions (UTF-8 decoded, invalid bytes replaced), as a lookup by tx index. */
export async function loadMemos(store: HoundStore, g: UtxoGraph): Promise<MemoLookup> {
  const byTx = new Map<number, string[]>()
  if (await hasDetectSchema(store)) {
    const rows = await store.all<{ txid: string; data: string }>(
      'SELECT txid, data FROM detect_memos ORDER BY txid, vout',
    )
    const dec = new TextDecoder()
    for (const r of rows) {
      const t = g.names.txIndex(r.txid)
      if (t < 0) continue
      let arr = byTx.get(t)
      if (!arr) byTx.set(t, (arr = []))
      arr.push(dec.decode(Buffer.from(r.data, 'hex')))
    }
  }
  return (t) => byTx.get(t)
}

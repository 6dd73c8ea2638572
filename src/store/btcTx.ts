/**
 * One transaction with its inputs and outputs as `hound tx` prints it.
 * @module
 */
import { InvalidInputError, NotFoundError } from '../core/errors.js'
import { scriptTypeFromCode } from '../core/model.js'
import type { HoundStore } from './HoundStore.js'

export type BtcTxView = {
  txid: string
  blockHash: string
  height: number
  time: number
  coinbase: boolean
  fee: number | null
  inputs: { prevTxid: string; prevVout: number; value: number | null; address: string | null }[]
  outputs: {
    n: number
    value: number
    scriptType: string
    address: string | null
    spentBy: { txid: string; vin: number } | null
  }[]
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

/**
 * Look `txid` up (64 hex chars, any case). With pre-BIP30 duplicate txids, the later transaction wins (as in
 * Bitcoin Core). Throws InvalidInputError for a malformed txid, NotFoundError when it is not in the store.
 */
export async function btcTx(store: HoundStore, txid: string): Promise<BtcTxView> {
  if (!/^[0-9a-fA-F]{64}$/.test(txid)) {
    throw new InvalidInputError(`invalid txid '${txid}': expected 64 hex characters`, { details: { txid } })
  }
  const id = txid.toLowerCase()
  const t = await store.one<Record<string, unknown>>(
    `SELECT t.tx_id::DOUBLE AS tx_id, t.txid, b.hash AS block_hash, t.height, b.time, t.coinbase, t.fee::DOUBLE AS fee,
            t.first_input_id::DOUBLE AS fi, t.input_count AS ni, t.first_output_id::DOUBLE AS fo, t.output_count AS no
     FROM txs t JOIN blocks b ON b.height = t.height WHERE t.txid = ? ORDER BY t.tx_id DESC LIMIT 1`,
    [id],
  )
  if (!t) throw new NotFoundError(`transaction ${id} is not in the store`, { details: { txid: id } })
  const fi = Number(t.fi)
  const fo = Number(t.fo)
  const ins = await store.all<Record<string, unknown>>(
    `WITH i AS (SELECT * FROM inputs WHERE input_id >= ${fi} AND input_id < ${fi + Number(t.ni)})
     SELECT coalesce(i.prev_txid, pt.txid) AS prev_txid, i.prev_vout, i.value::DOUBLE AS value, a.address
     FROM i LEFT JOIN addresses a ON a.address_id = i.address_id
     LEFT JOIN outputs po ON po.output_id = i.prev_output_id LEFT JOIN txs pt ON pt.tx_id = po.tx_id
     ORDER BY i.input_id`,
  )
  const outs = await store.all<Record<string, unknown>>(
    `WITH o AS (SELECT * FROM outputs WHERE output_id >= ${fo} AND output_id < ${fo + Number(t.no)})
     SELECT o.n, o.value::DOUBLE AS value, o.script_type, a.address, st.txid AS spent_txid, sp.vin AS spent_vin
     FROM o LEFT JOIN addresses a ON a.address_id = o.address_id
     LEFT JOIN (SELECT prev_output_id, tx_id, vin FROM inputs
                WHERE prev_output_id >= ${fo} AND prev_output_id < ${fo + Number(t.no)}) sp
       ON sp.prev_output_id = o.output_id
     LEFT JOIN txs st ON st.tx_id = sp.tx_id
     ORDER BY o.n`,
  )
  return {
    txid: String(t.txid),
    blockHash: String(t.block_hash),
    height: Number(t.height),
    time: Number(t.time),
    coinbase: Boolean(t.coinbase),
    fee: num(t.fee),
    inputs: ins.map((r) => ({
      prevTxid: String(r.prev_txid),
      prevVout: Number(r.prev_vout),
      value: num(r.value),
      address: (r.address as string | null) ?? null,
    })),
    outputs: outs.map((r) => ({
      n: Number(r.n),
      value: Number(r.value),
      scriptType: scriptTypeFromCode(Number(r.script_type)),
      address: (r.address as string | null) ?? null,
      spentBy: r.spent_txid == null ? null : { txid: String(r.spent_txid), vin: Number(r.spent_vin) },
    })),
  }
}

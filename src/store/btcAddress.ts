/**
 * What the store knows about one address: outputs received, which of them are spent (and by what), balance,
 * first and last seen. Used by `hound address`.
 * @module
 */
import { NotFoundError } from '../core/errors.js'
import type { HoundStore } from './HoundStore.js'

export type BtcAddressView = {
  address: string
  addressId: number
  received: { outputs: number; value: number }
  spent: { outputs: number; value: number }
  /** received − spent, satoshi. */
  balance: number
  firstSeen: { height: number; time: number }
  /** Latest height at which the address received or spent. */
  lastSeen: { height: number; time: number }
  /** Received outputs in chain order (at most `limit`; `outputsTruncated` says when more exist). */
  outputs: {
    txid: string
    n: number
    value: number
    height: number
    spentBy: { txid: string; vin: number; height: number } | null
  }[]
  outputsTruncated: boolean
}

/** Throws NotFoundError when the address never appeared in an ingested output. Validate its format first. */
export async function btcAddress(store: HoundStore, address: string, limit = 1000): Promise<BtcAddressView> {
  const a = await store.one<{ id: number; first_height: number }>(
    'SELECT address_id::DOUBLE AS id, first_height FROM addresses WHERE address = ? LIMIT 1',
    [address],
  )
  if (!a) throw new NotFoundError(`address ${address} is not in the store`, { details: { address } })
  const id = a.id
  const rows = await store.all<Record<string, unknown>>(
    `WITH o AS (SELECT output_id, tx_id, n, value FROM outputs WHERE address_id = ${id}),
     sp AS (SELECT i.prev_output_id, i.tx_id, i.vin FROM inputs i WHERE i.address_id = ${id})
     SELECT t.txid, o.n, o.value::DOUBLE AS value, t.height, st.txid AS spent_txid, sp.vin AS spent_vin,
            st.height AS spent_height
     FROM o JOIN txs t ON t.tx_id = o.tx_id
     LEFT JOIN sp ON sp.prev_output_id = o.output_id LEFT JOIN txs st ON st.tx_id = sp.tx_id
     ORDER BY o.output_id`,
  )
  let received = 0
  let spentValue = 0
  let spentCount = 0
  let last = a.first_height
  for (const r of rows) {
    received += Number(r.value)
    last = Math.max(last, Number(r.height))
    if (r.spent_txid != null) {
      spentCount++
      spentValue += Number(r.value)
      last = Math.max(last, Number(r.spent_height))
    }
  }
  const times = await store.all<{ height: number; time: number }>(
    `SELECT height, time::DOUBLE AS time FROM blocks WHERE height IN (${a.first_height}, ${last})`,
  )
  const timeAt = (h: number) => Number(times.find((t) => t.height === h)?.time ?? 0)
  return {
    address,
    addressId: id,
    received: { outputs: rows.length, value: received },
    spent: { outputs: spentCount, value: spentValue },
    balance: received - spentValue,
    firstSeen: { height: a.first_height, time: timeAt(a.first_height) },
    lastSeen: { height: last, time: timeAt(last) },
    outputs: rows.slice(0, limit).map((r) => ({
      txid: String(r.txid),
      n: Number(r.n),
      value: Number(r.value),
      height: Number(r.height),
      spentBy:
        r.spent_txid == null
          ? null
          : { txid: String(r.spent_txid), vin: Number(r.spent_vin), height: Number(r.spent_height) },
    })),
    outputsTruncated: rows.length > limit,
  }
}

/**
 * Decode token movements from logs: ERC-20 `Transfer(address,address,uint256)` (3 topics, value in data),
 * ERC-721 `Transfer` (same signature, 4 topics: tokenId indexed), ERC-1155 `TransferSingle` and
 * `TransferBatch`. Malformed logs that reuse the topic are skipped (returned as an empty list), as
 * ethereum-etl does, rather than failing a block.
 * @module
 */
import { topicAddress } from './hex.js'
import type { EvmLog, TokenTransfer } from './types.js'

export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef'
export const TRANSFER_SINGLE_TOPIC = '0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62'
export const TRANSFER_BATCH_TOPIC = '0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb'

const word = (data: string, i: number): bigint | null => {
  const s = data.slice(2 + 64 * i, 2 + 64 * (i + 1))
  return s.length === 64 ? BigInt(`0x${s}`) : null
}

export function decodeTokenTransfers(log: EvmLog): TokenTransfer[] {
  const t0 = log.topics[0]
  const base = {
    token: log.address,
    transactionHash: log.transactionHash,
    transactionIndex: log.transactionIndex,
    logIndex: log.logIndex,
    blockNumber: log.blockNumber,
    batchIndex: 0,
  }
  if (t0 === TRANSFER_TOPIC) {
    if (log.topics.length === 3) {
      const v = word(log.data, 0)
      if (v === null) return []
      const from = topicAddress(log.topics[1]!)
      const to = topicAddress(log.topics[2]!)
      return [{ ...base, standard: 'erc20', from, to, value: v, tokenId: null, operator: null }]
    }
    if (log.topics.length === 4) {
      const from = topicAddress(log.topics[1]!)
      const to = topicAddress(log.topics[2]!)
      return [{ ...base, standard: 'erc721', from, to, value: 1n, tokenId: BigInt(log.topics[3]!), operator: null }]
    }
    return []
  }
  if (t0 === TRANSFER_SINGLE_TOPIC && log.topics.length === 4) {
    const id = word(log.data, 0)
    const v = word(log.data, 1)
    if (id === null || v === null) return []
    const operator = topicAddress(log.topics[1]!)
    const from = topicAddress(log.topics[2]!)
    const to = topicAddress(log.topics[3]!)
    return [{ ...base, standard: 'erc1155', from, to, value: v, tokenId: id, operator }]
  }
  if (t0 === TRANSFER_BATCH_TOPIC && log.topics.length === 4) {
    // data: offset(ids), offset(values), ids[], values[]
    const oi = word(log.data, 0)
    const ov = word(log.data, 1)
    if (oi === null || ov === null) return []
    const ni = word(log.data, Number(oi / 32n))
    const nv = word(log.data, Number(ov / 32n))
    if (ni === null || nv === null || ni !== nv || ni > 10_000n) return []
    const operator = topicAddress(log.topics[1]!)
    const from = topicAddress(log.topics[2]!)
    const to = topicAddress(log.topics[3]!)
    const out: TokenTransfer[] = []
    for (let k = 0; k < Number(ni); k++) {
      const id = word(log.data, Number(oi / 32n) + 1 + k)
      const v = word(log.data, Number(ov / 32n) + 1 + k)
      if (id === null || v === null) return []
      out.push({ ...base, standard: 'erc1155', from, to, value: v, tokenId: id, operator, batchIndex: k })
    }
    return out
  }
  return []
}

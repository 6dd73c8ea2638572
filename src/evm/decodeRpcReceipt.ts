/**
 * Decode an `eth_getTransactionReceipt` result (and its logs). The gas fee of a transaction is
 * `gasUsed × effectiveGasPrice` (EIP-1559: base fee + priority fee actually paid); nodes that predate the
 * field report none, and the caller falls back to the transaction's gasPrice (`feeOf`).
 * @module
 */
import { DecodeError } from '../core/errors.js'
import { addrOrNull, hexBig, hexBigOrNull, hexNum } from './hex.js'
import type { EvmLog, EvmReceipt, EvmTx } from './types.js'

type Raw = Record<string, unknown>

export function decodeRpcReceipt(raw: unknown): EvmReceipt {
  if (raw === null || typeof raw !== 'object') throw new DecodeError('receipt: not an object')
  const r = raw as Raw
  const where = `receipt ${String(r.transactionHash)}`
  return {
    transactionHash: String(r.transactionHash).toLowerCase(),
    transactionIndex: hexNum(r.transactionIndex, `${where}.transactionIndex`),
    blockNumber: hexNum(r.blockNumber, `${where}.blockNumber`),
    from: addrOrNull(r.from),
    to: addrOrNull(r.to),
    cumulativeGasUsed: hexBig(r.cumulativeGasUsed, `${where}.cumulativeGasUsed`),
    gasUsed: hexBig(r.gasUsed, `${where}.gasUsed`),
    effectiveGasPrice: hexBigOrNull(r.effectiveGasPrice, `${where}.effectiveGasPrice`),
    contractAddress: addrOrNull(r.contractAddress),
    status: r.status === undefined || r.status === null ? null : hexNum(r.status, `${where}.status`),
    root: typeof r.root === 'string' ? r.root : null,
    logs: ((r.logs ?? []) as Raw[]).map((l) => decodeRpcLog(l)),
  }
}

export function decodeRpcLog(l: Raw): EvmLog {
  const where = `log ${String(l.transactionHash)}:${String(l.logIndex)}`
  return {
    logIndex: hexNum(l.logIndex, `${where}.logIndex`),
    transactionHash: String(l.transactionHash).toLowerCase(),
    transactionIndex: hexNum(l.transactionIndex, `${where}.transactionIndex`),
    blockNumber: hexNum(l.blockNumber, `${where}.blockNumber`),
    address: String(l.address).toLowerCase(),
    data: typeof l.data === 'string' ? l.data : '0x',
    topics: ((l.topics ?? []) as string[]).map((t) => t.toLowerCase()),
  }
}

/** Gas fee paid by the sender: gasUsed × effectiveGasPrice (or × gasPrice when the receipt lacks it). */
export function feeOf(tx: EvmTx, r: EvmReceipt): bigint {
  const price = r.effectiveGasPrice ?? tx.gasPrice ?? 0n
  return r.gasUsed * price
}

/**
 * Decode an `eth_getBlockByNumber(n, true)` result into a block, its transactions and its withdrawals.
 * Handles every era: pre-London (no base fee), typed transactions (EIP-2718/1559/4844/7702), post-Shanghai
 * withdrawals (amounts in gwei on the wire, wei here), and nodes that report `author` instead of `miner`.
 * @module
 */
import { DecodeError } from '../core/errors.js'
import { addrOrNull, hexBig, hexBigOrNull, hexNum } from './hex.js'
import type { EvmBlock, EvmTx, EvmWithdrawal } from './types.js'

type Raw = Record<string, unknown>

export function decodeRpcBlock(raw: unknown): { block: EvmBlock; txs: EvmTx[]; withdrawals: EvmWithdrawal[] } {
  if (raw === null || typeof raw !== 'object') throw new DecodeError('block: not an object')
  const b = raw as Raw
  const number = hexNum(b.number, 'block.number')
  const hash = String(b.hash).toLowerCase()
  const timestamp = hexNum(b.timestamp, 'block.timestamp')
  const rawTxs = (b.transactions ?? []) as unknown[]
  const txs: EvmTx[] = []
  for (let i = 0; i < rawTxs.length; i++) {
    const t = rawTxs[i]
    if (typeof t !== 'object' || t === null)
      throw new DecodeError(`block ${number}: transactions must be objects (call with full=true)`, {
        details: { block: number },
      })
    txs.push(decodeRpcTx(t as Raw, timestamp, `block ${number} tx ${i}`))
  }
  const withdrawals: EvmWithdrawal[] = ((b.withdrawals ?? []) as Raw[]).map((w, i) => ({
    index: hexBig(w.index, `block ${number} withdrawal ${i}.index`),
    validatorIndex: hexBig(w.validatorIndex, `withdrawal ${i}.validatorIndex`),
    address: String(w.address).toLowerCase(),
    amountWei: hexBig(w.amount, `withdrawal ${i}.amount`) * 1_000_000_000n,
  }))
  return {
    block: {
      number,
      hash,
      parentHash: String(b.parentHash).toLowerCase(),
      timestamp,
      miner: (addrOrNull(b.miner) ?? addrOrNull(b.author) ?? '') as string,
      gasUsed: hexBig(b.gasUsed, 'block.gasUsed'),
      gasLimit: hexBig(b.gasLimit, 'block.gasLimit'),
      baseFeePerGas: hexBigOrNull(b.baseFeePerGas, 'block.baseFeePerGas'),
      txCount: txs.length,
      withdrawalsRoot: typeof b.withdrawalsRoot === 'string' ? b.withdrawalsRoot : null,
    },
    txs,
    withdrawals,
  }
}

export function decodeRpcTx(t: Raw, blockTimestamp: number, where: string): EvmTx {
  return {
    hash: String(t.hash).toLowerCase(),
    blockNumber: hexNum(t.blockNumber, `${where}.blockNumber`),
    blockHash: String(t.blockHash).toLowerCase(),
    transactionIndex: hexNum(t.transactionIndex, `${where}.transactionIndex`),
    nonce: hexBig(t.nonce, `${where}.nonce`),
    from: String(t.from).toLowerCase(),
    to: addrOrNull(t.to),
    value: hexBig(t.value, `${where}.value`),
    gas: hexBig(t.gas, `${where}.gas`),
    gasPrice: hexBigOrNull(t.gasPrice, `${where}.gasPrice`),
    maxFeePerGas: hexBigOrNull(t.maxFeePerGas, `${where}.maxFeePerGas`),
    maxPriorityFeePerGas: hexBigOrNull(t.maxPriorityFeePerGas, `${where}.maxPriorityFeePerGas`),
    input: typeof t.input === 'string' ? t.input : '0x',
    type: t.type === undefined || t.type === null ? 0 : hexNum(t.type, `${where}.type`),
    blockTimestamp,
  }
}

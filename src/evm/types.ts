/**
 * Decoded EVM records (from JSON-RPC responses), chain-agnostic. Amounts are `bigint` base units (wei);
 * addresses and hashes lowercase 0x-hex.
 * @module
 */

export type EvmBlock = {
  number: number
  hash: string
  parentHash: string
  /** Unix seconds. */
  timestamp: number
  miner: string
  gasUsed: bigint
  gasLimit: bigint
  /** EIP-1559 base fee (null before London). */
  baseFeePerGas: bigint | null
  txCount: number
  withdrawalsRoot: string | null
}

export type EvmTx = {
  hash: string
  blockNumber: number
  blockHash: string
  transactionIndex: number
  nonce: bigint
  from: string
  /** null for contract creation. */
  to: string | null
  value: bigint
  gas: bigint
  gasPrice: bigint | null
  maxFeePerGas: bigint | null
  maxPriorityFeePerGas: bigint | null
  input: string
  /** 0 legacy, 1 access list, 2 EIP-1559, 3 blob, 4 set-code. */
  type: number
  blockTimestamp: number
}

/** Beacon-chain withdrawal credited to `address` (amount in gwei on the wire, wei here). */
export type EvmWithdrawal = { index: bigint; validatorIndex: bigint; address: string; amountWei: bigint }

export type EvmLog = {
  logIndex: number
  transactionHash: string
  transactionIndex: number
  blockNumber: number
  address: string
  data: string
  topics: string[]
}

export type EvmReceipt = {
  transactionHash: string
  transactionIndex: number
  blockNumber: number
  from: string | null
  to: string | null
  cumulativeGasUsed: bigint
  gasUsed: bigint
  /** Price actually paid per gas (EIP-1559: baseFee + tip), null when the node does not report it (pre-Byzantium nodes). */
  effectiveGasPrice: bigint | null
  contractAddress: string | null
  /** 1 success, 0 failure, null before Byzantium (no status field). */
  status: number | null
  root: string | null
  logs: EvmLog[]
}

/** One call frame, flattened depth-first (`traceAddress` = child indexes from the root frame). */
export type EvmTrace = {
  txIndex: number | null
  txHash: string | null
  traceAddress: number[]
  type: 'call' | 'create' | 'suicide' | 'reward'
  /** call | callcode | delegatecall | staticcall for calls. */
  callType: string | null
  rewardType: string | null
  from: string | null
  to: string | null
  value: bigint | null
  gas: bigint | null
  gasUsed: bigint | null
  subtraces: number
  error: string | null
  /** False when this frame or an ancestor failed: its value did not move. */
  ok: boolean
}

/** ERC-20 / ERC-721 / ERC-1155 transfer decoded from a log. */
export type TokenTransfer = {
  standard: 'erc20' | 'erc721' | 'erc1155'
  token: string
  from: string
  to: string
  /** Amount in token base units (1 for ERC-721). */
  value: bigint
  tokenId: bigint | null
  operator: string | null
  transactionHash: string
  transactionIndex: number
  logIndex: number
  /** Position inside a TransferBatch (ERC-1155), else 0. */
  batchIndex: number
  blockNumber: number
}

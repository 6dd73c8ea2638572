/**
 * Inputs and outputs of account-model (EVM) clustering (heuristics.md §3). Evidence records follow the shape
 * of the UTXO evidence log (`heuristic`, `confidence`, `addrA`, `addrB`, `status`) with transaction hashes and
 * the parameters used, so a merge can be explained and undone (Fröwis et al. 2020).
 * @module
 */

export type AccountTransfer = {
  chain: string
  txHash: string
  block: number
  from: string
  to: string
  /** `ETH` or token address. */
  asset: string
  value: bigint
  /** Sender of the transaction carrying the transfer (differs from `from` for transferFrom). */
  txFrom?: string
}

export type Approval = {
  chain: string
  txHash: string
  block: number
  token: string
  owner: string
  spender: string
  txFrom: string
}

export type AccountEvidence = {
  seq: number
  heuristic: 'deposit-address-reuse' | 'airdrop-multi-participation' | 'self-authorization'
  addrA: string
  addrB: string
  confidence: number
  status: 'applied'
  txids: string[]
  params: Record<string, string | number>
  algorithmVersion: number
}

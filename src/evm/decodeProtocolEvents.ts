/**
 * Protocol events that turn pooling contracts into edges (heuristics.md §4.6, §5.10, §5.11):
 * - Uniswap v2 `Swap` (amounts in/out per token) and Uniswap v3 `Swap` (signed amounts): DEX conversions;
 * - Tornado Cash `Deposit(commitment, leafIndex, timestamp)` / `Withdrawal(to, nullifierHash, relayer, fee)`;
 * - THORChain router `Deposit(to, asset, amount, memo)` (the memo names the destination chain and address)
 *   and Polygon PoS `LockedEther(depositor, depositReceiver, amount)`: bridge deposits;
 * - ERC-20 `Approval(owner, spender, value)`: input of the self-authorization heuristic.
 * The events identify the contract's role; an attacker can emit look-alike events, so roles are evidence,
 * not proof (docs/evm.md).
 * @module
 */
import { keccak256, toHex } from 'viem'
import { topicAddress } from './hex.js'
import type { EvmLog } from './types.js'

const topic = (sig: string) => keccak256(toHex(sig)).toLowerCase()
export const topics = {
  swapV2: topic('Swap(address,uint256,uint256,uint256,uint256,address)'),
  swapV3: topic('Swap(address,address,int256,int256,uint160,uint128,int24)'),
  mixerDeposit: topic('Deposit(bytes32,uint32,uint256)'),
  mixerWithdrawal: topic('Withdrawal(address,bytes32,address,uint256)'),
  thorDeposit: topic('Deposit(address,address,uint256,string)'),
  lockedEther: topic('LockedEther(address,address,uint256)'),
  approval: topic('Approval(address,address,uint256)'),
} as const

export type ProtocolEvent =
  | {
      kind: 'swap-v2'
      pool: string
      sender: string
      to: string
      amount0In: bigint
      amount1In: bigint
      amount0Out: bigint
      amount1Out: bigint
    }
  | { kind: 'swap-v3'; pool: string; sender: string; to: string; amount0: bigint; amount1: bigint }
  | { kind: 'mixer-deposit'; pool: string; commitment: string; leafIndex: number }
  | { kind: 'mixer-withdrawal'; pool: string; to: string; nullifierHash: string; relayer: string; fee: bigint }
  | {
      kind: 'bridge-deposit'
      pool: string
      protocol: 'thorchain' | 'polygon'
      vault: string | null
      asset: string
      amount: bigint
      memo: string | null
      destChain: string | null
      destAddress: string | null
    }
  | { kind: 'approval'; token: string; owner: string; spender: string; value: bigint }

const w = (data: string, i: number): bigint => {
  const s = data.slice(2 + 64 * i, 2 + 64 * (i + 1))
  return s.length === 64 ? BigInt(`0x${s}`) : 0n
}
const signed = (v: bigint) => (v >= 1n << 255n ? v - (1n << 256n) : v)
const addrWord = (data: string, i: number) => `0x${data.slice(2 + 64 * i + 24, 2 + 64 * (i + 1))}`.toLowerCase()

function abiString(data: string, wordIndex: number): string | null {
  const off = Number(w(data, wordIndex) / 32n)
  const len = Number(w(data, off))
  const start = 2 + 64 * (off + 1)
  const hex = data.slice(start, start + 2 * len)
  if (hex.length !== 2 * len) return null
  return Buffer.from(hex, 'hex').toString('utf8')
}

/** THORChain chain tickers → our chain ids (EVM chains as evm-<id>, UTXO chains by name). */
const thorChains: Record<string, string> = {
  BTC: 'btc',
  ETH: 'evm-1',
  BSC: 'evm-56',
  AVAX: 'evm-43114',
  BASE: 'evm-8453',
  LTC: 'ltc',
  BCH: 'bch',
  DOGE: 'doge',
  GAIA: 'cosmos',
  THOR: 'thorchain',
}

/**
 * Parse a THORChain swap memo: `SWAP:ASSET:DEST[:LIM…]`, shorthand `=:ASSET:DEST…` or `s:`; DEST may be
 * `dest/refund`. Returns the destination chain (our id) and address, or null for other memos.
 */
export function parseThorMemo(memo: string): { chain: string; asset: string; address: string } | null {
  const parts = memo.split(':')
  const fn = (parts[0] ?? '').toUpperCase()
  if (!(fn === 'SWAP' || fn === '=' || fn === 'S')) return null
  const asset = parts[1] ?? ''
  let dest = parts[2] ?? ''
  if (!asset || !dest) return null
  dest = dest.split('/')[0]!
  const ticker = asset.split(/[.~/-]/)[0]!.toUpperCase()
  const chain = thorChains[ticker] ?? ticker.toLowerCase()
  return { chain, asset: asset.toUpperCase(), address: chain.startsWith('evm-') ? dest.toLowerCase() : dest }
}

export function decodeProtocolEvent(log: EvmLog): ProtocolEvent | null {
  const t0 = log.topics[0]
  const d = log.data
  if (t0 === topics.swapV2 && log.topics.length === 3)
    return {
      kind: 'swap-v2',
      pool: log.address,
      sender: topicAddress(log.topics[1]!),
      to: topicAddress(log.topics[2]!),
      amount0In: w(d, 0),
      amount1In: w(d, 1),
      amount0Out: w(d, 2),
      amount1Out: w(d, 3),
    }
  if (t0 === topics.swapV3 && log.topics.length === 3)
    return {
      kind: 'swap-v3',
      pool: log.address,
      sender: topicAddress(log.topics[1]!),
      to: topicAddress(log.topics[2]!),
      amount0: signed(w(d, 0)),
      amount1: signed(w(d, 1)),
    }
  if (t0 === topics.mixerDeposit && log.topics.length === 2)
    return { kind: 'mixer-deposit', pool: log.address, commitment: log.topics[1]!, leafIndex: Number(w(d, 0)) }
  if (t0 === topics.mixerWithdrawal && log.topics.length === 2)
    return {
      kind: 'mixer-withdrawal',
      pool: log.address,
      to: addrWord(d, 0),
      nullifierHash: `0x${d.slice(66, 130)}`,
      relayer: topicAddress(log.topics[1]!),
      fee: w(d, 2),
    }
  if (t0 === topics.thorDeposit && log.topics.length === 3) {
    const memo = abiString(d, 1)
    const dest = memo ? parseThorMemo(memo) : null
    return {
      kind: 'bridge-deposit',
      pool: log.address,
      protocol: 'thorchain',
      vault: topicAddress(log.topics[1]!),
      asset: topicAddress(log.topics[2]!),
      amount: w(d, 0),
      memo,
      destChain: dest?.chain ?? null,
      destAddress: dest?.address ?? null,
    }
  }
  if (t0 === topics.lockedEther && log.topics.length === 3)
    return {
      kind: 'bridge-deposit',
      pool: log.address,
      protocol: 'polygon',
      vault: null,
      asset: 'ETH',
      amount: w(d, 0),
      memo: null,
      destChain: 'evm-137',
      destAddress: topicAddress(log.topics[2]!),
    }
  if (t0 === topics.approval && log.topics.length === 3)
    return {
      kind: 'approval',
      token: log.address,
      owner: topicAddress(log.topics[1]!),
      spender: topicAddress(log.topics[2]!),
      value: w(d, 0),
    }
  return null
}

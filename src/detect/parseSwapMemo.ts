/**
 * Parse a THORChain-style swap memo (heuristics.md §5.11): `SWAP:ASSET:DEST:LIM…`, its aliases `s:` and `=:`,
 * e.g. `=:ETH.ETH:0xabc…:0/1/0:affiliate:30`. ASSET is `CHAIN.SYMBOL[-CONTRACT]` (`~` for synths, `/` for trade
 * assets is accepted too); DEST may be `dest/refund`. Returns null for anything else (outbound `OUT:` memos too).
 * @module
 */

export type SwapMemo = {
  /** Destination chain as written in the asset (`ETH`, `BSC`, `AVAX`, `BTC`, …). */
  chain: string
  /** Full asset, e.g. `ETH.ETH`, `ETH.USDT-0XDAC17F…`. */
  asset: string
  /** Destination address on that chain ('' when the memo leaves it empty: refund to sender). */
  destination: string
  refund: string | null
  limit: string | null
  affiliate: string | null
  memo: string
}

const SWAP_PREFIX = /^(swap|s|=)$/i

export function parseSwapMemo(memo: string): SwapMemo | null {
  const parts = memo.trim().split(':')
  if (parts.length < 3 || !SWAP_PREFIX.test(parts[0]!)) return null
  const asset = parts[1]!
  const m = /^([A-Za-z0-9]+)[.~/-]([A-Za-z0-9]+)/.exec(asset)
  if (!m) return null
  const [dest, refund] = parts[2]!.split('/')
  return {
    chain: m[1]!.toUpperCase(),
    asset: asset.toUpperCase(),
    destination: dest ?? '',
    refund: refund ?? null,
    limit: parts[3] ?? null,
    affiliate: parts[4] ?? null,
    memo,
  }
}

/**
 * What a CoinJoin detector reports (heuristics.md §5.2–5.6).
 * @module
 */

export type CoinJoinKind = 'generic' | 'wasabi1' | 'wabisabi' | 'whirlpool' | 'whirlpool_tx0' | 'joinmarket'

export type CoinJoinMatch = {
  kind: CoinJoinKind
  /** Number of equal outputs at the main denomination (the anonymity set of one mixed output). */
  anonSet: number
  /** Main denomination in satoshi. */
  denomination: number
  /** Absolute output indices (graph output ids) of the mixed equal outputs. */
  equalOutputs: number[]
  /** Stable evidence code: `coinjoin.<kind>`. */
  code: string
}

/**
 * Whether the common-input-ownership heuristic must skip the transaction (§1.2): every CoinJoin kind except
 * the Whirlpool tx0, which has a single owner (its toxic change stays linked to the pre-mix owner).
 */
export function isCoinJoinForCioh(match: CoinJoinMatch | null): boolean {
  return match !== null && match.kind !== 'whirlpool_tx0'
}

export function coinJoinMatch(kind: CoinJoinKind, denomination: number, equalOutputs: number[]): CoinJoinMatch {
  return { kind, anonSet: equalOutputs.length, denomination, equalOutputs, code: `coinjoin.${kind}` }
}

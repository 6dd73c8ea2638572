/**
 * The chain-neutral model shared by every domain folder. No runtime dependencies.
 *
 * Two chain models live side by side:
 * - UTXO chains (Bitcoin): transactions spend outputs; value moves output → input → output.
 * - Account chains (Ethereum/EVM): transfers move value between (address, asset) ledgers.
 *
 * Amounts are integers in base units: satoshi as `number` (≤ 2.1e15 < 2^53, exact in a float64),
 * wei and token base units as `bigint` (uint256 does not fit a number).
 * @module
 */

export type ChainModel = 'utxo' | 'account'

/** A chain we know how to ingest. `id` is the short name used in the store and the CLI. */
export type ChainInfo = {
  /** Short stable name: `btc`, `btc-testnet`, `btc-signet`, `btc-regtest`, `evm-1`, `evm-31337`… */
  readonly id: string
  readonly model: ChainModel
  /** CAIP-2 chain id (bip122:<genesis hash prefix> or eip155:<chainId>), used when sharing intelligence. */
  readonly caip2: string
  /** Ticker of the native asset (BTC, ETH). */
  readonly nativeAsset: string
  /** Decimals of the native asset (8 for BTC, 18 for ETH). */
  readonly decimals: number
}

/** Script (output) types for UTXO chains. Stored as small integers: see `scriptTypeCode`. */
export const scriptTypes = [
  'nonstandard',
  'p2pk',
  'p2pkh',
  'p2sh',
  'p2wpkh',
  'p2wsh',
  'p2tr',
  'witness_unknown',
  'multisig',
  'nulldata',
] as const
export type ScriptType = (typeof scriptTypes)[number]

/** Dense code of a script type (index in `scriptTypes`); stable: append only. */
export function scriptTypeCode(t: ScriptType): number {
  return scriptTypes.indexOf(t)
}
export function scriptTypeFromCode(code: number): ScriptType {
  const t = scriptTypes[code]
  if (t === undefined) throw new RangeError(`unknown script type code ${code}`)
  return t
}

/**
 * Categories of intelligence labels. Services are entities that hold customer funds or convert them;
 * tracing stops at a service because movements inside it are off-chain.
 */
export const labelCategories = [
  'exchange',
  'mixer',
  'bridge',
  'otc',
  'swap',
  'payment_processor',
  'merchant',
  'gambling',
  'mining_pool',
  'defi',
  'sanctioned',
  'stolen_funds',
  'ransomware',
  'darknet',
  'scam',
  'hacker',
  'individual',
  'other',
] as const
export type LabelCategory = (typeof labelCategories)[number]

/** Categories that are services: trace endpoints when `--stop-at-services` is set, cannot-link in clustering. */
export const serviceCategories: ReadonlySet<LabelCategory> = new Set<LabelCategory>([
  'exchange',
  'mixer',
  'bridge',
  'otc',
  'swap',
  'payment_processor',
  'gambling',
  'mining_pool',
  'darknet',
])

export function isServiceCategory(c: LabelCategory): boolean {
  return serviceCategories.has(c)
}

/** Traffic Light Protocol 2.0 levels, least to most restricted. */
export const tlpLevels = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const
export type Tlp = (typeof tlpLevels)[number]

/** How much a label can be trusted (categorical, as GraphSense TagPacks do). */
export const labelConfidences = [
  'ownership',
  'official_list',
  'forensic_investigation',
  'service_data',
  'web_crawl',
  'heuristic',
  'unknown',
] as const
export type LabelConfidence = (typeof labelConfidences)[number]

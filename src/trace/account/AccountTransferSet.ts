/**
 * The columnar in-memory set of account-model transfers that account tracing runs on (the account analogue of
 * `UtxoGraph`). Rows are in canonical order: time, then chain, block, transaction index, sub-index (trace/log
 * index; the gas fee first or last depending on the fee convention). Algorithms never see the store.
 *
 * Every movement of value is a row: top-level transaction values, internal calls, ERC-20 `Transfer` logs,
 * gas fees (`to = -1`, the fee sink), block rewards and withdrawals (`from = -1`).
 *
 * Links (`linkFrom`) turn pooling contracts into edges: a DEX swap's output, a bridge release or a
 * heuristically linked mixer withdrawal takes its taint ratio from the row it is linked to, not from the
 * contract's ledger.
 * @module
 */
import { InvalidInputError } from '../../core/errors.js'

/** Kinds of rows. Stable codes (stored): append only. */
export const transferKinds = ['tx', 'internal', 'erc20', 'fee', 'reward', 'withdrawal', 'erc721', 'erc1155'] as const
export type TransferKind = (typeof transferKinds)[number]
export const KIND_TX = 0
export const KIND_INTERNAL = 1
export const KIND_ERC20 = 2
export const KIND_FEE = 3
export const KIND_REWARD = 4
export const KIND_WITHDRAWAL = 5

/** How a linked row inherits taint. */
export const linkKinds = ['swap', 'bridge', 'mixer'] as const
export type LinkKind = (typeof linkKinds)[number]

/** Role of an address that pools funds; its own ledger is not traced (value leaves it only through links). */
export type PoolRole = 'swap' | 'bridge' | 'mixer' | 'service'

export type AssetInfo = {
  /** Chain short id (`evm-1`, `evm-31337`). */
  readonly chain: string
  /** `ETH` (native) or the lowercase token contract address. */
  readonly asset: string
  readonly symbol?: string | undefined
  readonly decimals?: number | undefined
  /** Not verified against a registry: a token that may impersonate a real one. */
  readonly unverified?: boolean | undefined
}

export type AccountTransferSet = {
  readonly n: number
  /** Address ids (index into `addresses`), -1 = none (mint, reward, withdrawal). */
  readonly from: Int32Array
  /** Address ids, -1 = fee sink or burn. */
  readonly to: Int32Array
  /** Asset id (index into `assets`; an asset belongs to one chain). */
  readonly asset: Int32Array
  /** Base units (wei, token units). */
  readonly value: bigint[]
  readonly kind: Uint8Array
  /** Transaction id (index into `txHashes`). */
  readonly tx: Int32Array
  /** Block time, unix seconds. */
  readonly time: Float64Array
  readonly block: Float64Array
  /** Row whose taint ratio this row inherits (swap output, bridge release, mixer withdrawal), else -1. */
  readonly linkFrom: Int32Array
  /** Index into `linkKinds` when linkFrom ≥ 0. */
  readonly linkKind: Uint8Array
  /** Confidence of the link in [0, 1] (1 for protocol-id and same-transaction links). */
  readonly linkConfidence: Float64Array
  /** Lowercase 0x addresses. */
  readonly addresses: string[]
  readonly addressIndex: Map<string, number>
  /** Addresses that pool funds (DEX pairs, bridges, mixer pools). */
  readonly pools: Map<number, PoolRole>
  readonly assets: AssetInfo[]
  /** Lowercase 0x transaction hashes by tx id (the store loader renders them lazily, on access). */
  readonly txHashes: ArrayLike<string>
  /** Tx ids whose hash is `hash` (lowercase 0x hex), on any chain. */
  readonly txIdsOf: (hash: string) => number[]
  /** Dense ledger id of (from, asset) and (to, asset) per row, -1 when the address is -1. */
  readonly fromLedger: Int32Array
  readonly toLedger: Int32Array
  readonly ledgerAddress: Int32Array
  readonly ledgerAsset: Int32Array
  /** `address * assets.length + asset` → ledger id. */
  readonly ledgerIndex: Map<number, number>
  /** Rules and evidence of heuristic links, by target row. */
  readonly linkInfo: Map<number, { rules: string[]; evidence: Record<string, unknown> }>
  /** Bridge deposit rows → destination named by the event or memo. */
  readonly bridgeDestinations: Map<number, BridgeDestination>
}

/** One row as loaders and tests give it. */
export type TransferRow = {
  chain: string
  txHash: string
  block: number
  /** Unix seconds. */
  time: number
  txIndex: number
  /** Trace/log index inside the transaction (ordering). */
  subIndex: number
  from: string | null
  to: string | null
  /** `ETH` or token address. */
  asset: string
  value: bigint
  kind: TransferKind
}

export type LinkRow = {
  /** Index (in the input rows array) of the row whose ratio flows into `to`. */
  from: number
  to: number
  kind: LinkKind
  confidence: number
  /** Heuristic rules that fired (mixer H1–H4, bridge matching), for the evidence trail. */
  rules?: string[]
  evidence?: Record<string, unknown>
}

/** Where a bridge deposit goes (from the event or memo), whether or not the other side is in the store. */
export type BridgeDestination = { protocol: string; chain: string | null; address: string | null; memo: string | null }

/** Where the gas fee of a transaction sits in its sender's ETH ledger. */
export type FeeConvention = 'last' | 'first' | 'ignore'

export type BuildOptions = {
  /** Default `last`: value first, fee last (mirrors the UTXO rule). */
  fee?: FeeConvention
  links?: readonly LinkRow[]
  pools?: ReadonlyMap<string, PoolRole>
  assetInfo?: ReadonlyMap<string, AssetInfo>
  /** Input row index of a bridge deposit → its destination. */
  bridgeDestinations?: ReadonlyMap<number, BridgeDestination>
}

const chainOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Build the set from rows: canonicalise addresses to lowercase, sort canonically (fee rows placed by the
 * fee convention), intern addresses, assets and tx hashes, and remap links.
 */
export function buildAccountTransferSet(rows: readonly TransferRow[], opts: BuildOptions = {}): AccountTransferSet {
  const fee = opts.fee ?? 'last'
  const order: number[] = []
  for (let i = 0; i < rows.length; i++) if (!(fee === 'ignore' && rows[i]!.kind === 'fee')) order.push(i)
  const sub = (r: TransferRow) => (r.kind === 'fee' ? (fee === 'first' ? -1 : Number.MAX_SAFE_INTEGER) : r.subIndex)
  const cmp = (x: number, y: number) => {
    const a = rows[x]!
    const b = rows[y]!
    return (
      a.time - b.time ||
      chainOrder(a.chain, b.chain) ||
      a.block - b.block ||
      a.txIndex - b.txIndex ||
      sub(a) - sub(b) ||
      x - y
    )
  }
  let sorted = true
  for (let i = 1; i < order.length && sorted; i++) sorted = cmp(order[i - 1]!, order[i]!) < 0
  if (!sorted) order.sort(cmp)
  const n = order.length
  const addresses: string[] = []
  const addressIndex = new Map<string, number>()
  const addr = (s: string | null): number => {
    if (s === null || s === '') return -1
    const k = s.toLowerCase()
    let id = addressIndex.get(k)
    if (id === undefined) {
      id = addresses.length
      addresses.push(k)
      addressIndex.set(k, id)
    }
    return id
  }
  const assets: AssetInfo[] = []
  const assetIndex = new Map<string, number>()
  const txHashes: string[] = []
  const txIndexMap = new Map<string, Map<string, number>>()
  let lastChain = ''
  let lastAsset = ''
  let lastAssetId = -1
  let lastTxKey = ''
  let lastTxChain = ''
  let lastTxId = -1
  const set = {
    n,
    from: new Int32Array(n),
    to: new Int32Array(n),
    asset: new Int32Array(n),
    value: new Array<bigint>(n),
    kind: new Uint8Array(n),
    tx: new Int32Array(n),
    time: new Float64Array(n),
    block: new Float64Array(n),
    linkFrom: new Int32Array(n).fill(-1),
    linkKind: new Uint8Array(n),
    linkConfidence: new Float64Array(n),
    addresses,
    addressIndex,
    pools: new Map<number, PoolRole>(),
    assets,
    txHashes,
  }
  const position = new Int32Array(rows.length).fill(-1)
  for (let p = 0; p < n; p++) {
    const i = order[p]!
    position[i] = p
    const r = rows[i]!
    if (r.value < 0n)
      throw new InvalidInputError(`negative transfer value in ${r.txHash}`, { details: { tx: r.txHash } })
    set.from[p] = addr(r.from)
    set.to[p] = addr(r.to)
    let a = lastAssetId
    if (r.asset !== lastAsset || r.chain !== lastChain) {
      const assetName = r.asset === 'ETH' ? 'ETH' : r.asset.toLowerCase()
      const ak = `${r.chain}:${assetName}`
      let id = assetIndex.get(ak)
      if (id === undefined) {
        id = assets.length
        assets.push(opts.assetInfo?.get(ak) ?? { chain: r.chain, asset: assetName })
        assetIndex.set(ak, id)
      }
      a = lastAssetId = id
      lastAsset = r.asset
      lastChain = r.chain
    }
    set.asset[p] = a
    set.value[p] = r.value
    set.kind[p] = transferKinds.indexOf(r.kind)
    let t = lastTxId
    if (r.txHash !== lastTxKey || r.chain !== lastTxChain) {
      const h = r.txHash.toLowerCase()
      let m = txIndexMap.get(r.chain)
      if (m === undefined) {
        m = new Map()
        txIndexMap.set(r.chain, m)
      }
      let id = m.get(h)
      if (id === undefined) {
        id = txHashes.length
        txHashes.push(h)
        m.set(h, id)
      }
      t = lastTxId = id
      lastTxKey = r.txHash
      lastTxChain = r.chain
    }
    set.tx[p] = t
    set.time[p] = r.time
    set.block[p] = r.block
  }
  const linkInfo = new Map<number, { rules: string[]; evidence: Record<string, unknown> }>()
  for (const l of opts.links ?? []) {
    const f = position[l.from] ?? -1
    const t = position[l.to] ?? -1
    if (f < 0 || t < 0) continue
    set.linkFrom[t] = f
    set.linkKind[t] = linkKinds.indexOf(l.kind)
    set.linkConfidence[t] = l.confidence
    if (l.rules || l.evidence) linkInfo.set(t, { rules: l.rules ?? [], evidence: l.evidence ?? {} })
  }
  const bridgeDestinations = new Map<number, BridgeDestination>()
  for (const [i, d] of opts.bridgeDestinations ?? []) {
    const p = position[i] ?? -1
    if (p >= 0) bridgeDestinations.set(p, d)
  }
  for (const [a, role] of opts.pools ?? []) set.pools.set(addr(a), role)
  const txIdsOf = (h: string): number[] => {
    const out: number[] = []
    for (const m of txIndexMap.values()) {
      const id = m.get(h)
      if (id !== undefined) out.push(id)
    }
    return out
  }
  return withLedgers({ ...set, txIdsOf, linkInfo, bridgeDestinations })
}

/** The set without its ledger columns (what a loader fills before `withLedgers`). */
export type AccountTransferColumns = Omit<
  AccountTransferSet,
  'fromLedger' | 'toLedger' | 'ledgerAddress' | 'ledgerAsset' | 'ledgerIndex'
>

/** Dense ledger ids of (address, asset), numbered in order of first appearance (from before to, row by row). */
export function withLedgers(set: AccountTransferColumns): AccountTransferSet {
  const { n, assets, addresses } = set
  const nA = Math.max(assets.length, 1)
  const ledgerIndex = new Map<number, number>()
  const la: number[] = []
  const ls: number[] = []
  // dense table when addresses × assets is small enough (the common case), else a Map
  const table = addresses.length * nA <= 1 << 25 ? new Int32Array(addresses.length * nA).fill(-1) : null
  const ledgerOf = (a: number, as: number): number => {
    if (a < 0) return -1
    const k = a * nA + as
    let l = table ? table[k]! : (ledgerIndex.get(k) ?? -1)
    if (l < 0) {
      l = la.length
      la.push(a)
      ls.push(as)
      if (table) table[k] = l
      else ledgerIndex.set(k, l)
    }
    return l
  }
  const fromLedger = new Int32Array(n)
  const toLedger = new Int32Array(n)
  for (let p = 0; p < n; p++) {
    fromLedger[p] = ledgerOf(set.from[p]!, set.asset[p]!)
    toLedger[p] = ledgerOf(set.to[p]!, set.asset[p]!)
  }
  if (table) for (let l = 0; l < la.length; l++) ledgerIndex.set(la[l]! * nA + ls[l]!, l)
  return {
    ...set,
    fromLedger,
    toLedger,
    ledgerAddress: Int32Array.from(la),
    ledgerAsset: Int32Array.from(ls),
    ledgerIndex,
  }
}

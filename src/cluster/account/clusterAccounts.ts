/**
 * Account-model clustering: run deposit-address reuse, airdrop multi-participation and self-authorization,
 * union their links (exchange nodes never merged), and keep one evidence log for all three.
 * `loadAccountClusteringInput` reads the inputs from the store's evm_* tables.
 * @module
 */
import { ensureEvmSchema } from '../../store/evmSchema.js'
import type { HoundStore } from '../../store/HoundStore.js'
import { type AirdropParams, airdropParticipation } from './airdropParticipation.js'
import { type DarParams, depositAddressReuse } from './depositAddressReuse.js'
import { selfAuthorization } from './selfAuthorization.js'
import type { AccountEvidence, AccountTransfer, Approval } from './types.js'

export type AccountClusteringInput = { transfers: AccountTransfer[]; approvals: Approval[]; contracts: Set<string> }

export type AccountClustering = {
  /** Cluster id (smallest member address) of every clustered address. */
  clusterOf: Map<string, string>
  clusters: string[][]
  evidence: AccountEvidence[]
}

export function clusterAccounts(
  input: AccountClusteringInput,
  o: { exchanges: ReadonlySet<string>; miners?: ReadonlySet<string>; dar?: DarParams; airdrop?: AirdropParams },
): AccountClustering {
  const isContract = (a: string) => input.contracts.has(a)
  const evidence = [
    ...depositAddressReuse(input.transfers, {
      ...o.dar,
      isExchange: (a) => o.exchanges.has(a),
      isKnownEntity: isContract,
      isMiner: (a) => o.miners?.has(a) ?? false,
    }),
    ...airdropParticipation(input.transfers, { ...o.airdrop, isContract }),
    ...selfAuthorization(input.approvals, input.transfers, { isContract }),
  ].map((e, i) => ({ ...e, seq: i }))
  const parent = new Map<string, string>()
  const find = (a: string): string => {
    let x = a
    while (parent.get(x) !== x) {
      const p = parent.get(x)!
      parent.set(x, parent.get(p)!)
      x = p
    }
    return x
  }
  for (const e of evidence) {
    if (o.exchanges.has(e.addrA) || o.exchanges.has(e.addrB)) continue
    for (const a of [e.addrA, e.addrB]) if (!parent.has(a)) parent.set(a, a)
    const ra = find(e.addrA)
    const rb = find(e.addrB)
    // biome-ignore lint/complexity/useMathMinMax: strings (the smaller address becomes the root)
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb)
  }
  const groups = new Map<string, string[]>()
  for (const a of parent.keys()) {
    const r = find(a)
    const g = groups.get(r)
    if (g) g.push(a)
    else groups.set(r, [a])
  }
  const clusterOf = new Map<string, string>()
  const clusters: string[][] = []
  for (const g of groups.values()) {
    g.sort()
    clusters.push(g)
    for (const a of g) clusterOf.set(a, g[0]!)
  }
  return { clusterOf, clusters, evidence }
}

/** Read transfers (with the sending transaction's `from`), ERC-20 approvals and known contracts. */
export async function loadAccountClusteringInput(store: HoundStore): Promise<AccountClusteringInput> {
  await ensureEvmSchema(store)
  const rows = await store.all<{
    chain: string
    tx_hash: string
    block: bigint
    from_addr: string
    to_addr: string
    asset: string
    value: string
    tx_from: string | null
  }>(
    `SELECT t.chain, t.tx_hash, t.block, t.from_addr, t.to_addr, t.asset, t.value, x.from_addr AS tx_from
     FROM evm_transfers t LEFT JOIN evm_txs x ON x.chain = t.chain AND x.hash = t.tx_hash
     WHERE t.from_addr IS NOT NULL AND t.to_addr IS NOT NULL AND t.kind IN (0, 1, 2)
     ORDER BY t.chain, t.block, t.tx_index, t.sub_index`,
  )
  const transfers: AccountTransfer[] = rows.map((r) => ({
    chain: r.chain,
    txHash: r.tx_hash,
    block: Number(r.block),
    from: r.from_addr,
    to: r.to_addr,
    asset: r.asset,
    value: BigInt(r.value),
    ...(r.tx_from ? { txFrom: r.tx_from } : {}),
  }))
  const approvals: Approval[] = (
    await store.all<{ chain: string; tx_hash: string; block: bigint; data: string }>(
      "SELECT chain, tx_hash, block, data FROM evm_events WHERE kind = 'approval' ORDER BY chain, block, log_index",
    )
  ).map((e) => {
    const d = JSON.parse(e.data) as { token: string; owner: string; spender: string; txFrom: string }
    return {
      chain: e.chain,
      txHash: e.tx_hash,
      block: Number(e.block),
      token: d.token,
      owner: d.owner,
      spender: d.spender,
      txFrom: d.txFrom,
    }
  })
  const contracts = new Set<string>()
  for (const r of await store.all<{ a: string }>(
    `SELECT contract_created AS a FROM evm_txs WHERE contract_created IS NOT NULL
     UNION SELECT address FROM evm_pools UNION SELECT asset FROM evm_assets
     UNION SELECT DISTINCT from_addr FROM evm_transfers WHERE kind = 1`,
  ))
    contracts.add(r.a)
  return { transfers, approvals, contracts }
}

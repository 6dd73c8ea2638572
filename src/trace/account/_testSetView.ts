/** Test-only: an AccountTransferSet as plain data (every column, string, map and lookup), for deep equality. */
import type { AccountTransferSet } from './AccountTransferSet.js'

/** Everything the set holds, with `txIdsOf` evaluated on every transaction hash and on `probes`. */
export function setView(s: AccountTransferSet, probes: readonly string[] = []) {
  const txHashes = Array.from({ length: s.txHashes.length }, (_, i) => s.txHashes[i]!)
  return {
    n: s.n,
    from: Array.from(s.from),
    to: Array.from(s.to),
    asset: Array.from(s.asset),
    value: [...s.value],
    kind: Array.from(s.kind),
    tx: Array.from(s.tx),
    time: Array.from(s.time),
    block: Array.from(s.block),
    linkFrom: Array.from(s.linkFrom),
    linkKind: Array.from(s.linkKind),
    linkConfidence: Array.from(s.linkConfidence),
    addresses: [...s.addresses],
    addressIndex: [...s.addressIndex],
    pools: [...s.pools],
    assets: s.assets.map((a) => ({ keys: Object.keys(a), ...a })),
    txHashes,
    txIdsOf: [...new Set([...txHashes, ...probes])].map((h) => [h, s.txIdsOf(h)]),
    fromLedger: Array.from(s.fromLedger),
    toLedger: Array.from(s.toLedger),
    ledgerAddress: Array.from(s.ledgerAddress),
    ledgerAsset: Array.from(s.ledgerAsset),
    ledgerIndex: [...s.ledgerIndex],
    linkInfo: [...s.linkInfo],
    bridgeDestinations: [...s.bridgeDestinations],
  }
}

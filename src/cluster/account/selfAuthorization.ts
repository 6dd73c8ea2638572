/**
 * Self-authorization (Victor 2020; heuristics.md §3.3): an owner EOA approves a spender that is an EOA (not a
 * contract), and the spender then moves the owner's tokens with `transferFrom` (a Transfer from the owner in a
 * transaction the spender sent). Owner and spender are likely one entity. The paper's exact conditions are
 * marked unverified in the reference; we require the approval to precede the spend, same token.
 * @module
 */
import type { AccountEvidence, AccountTransfer, Approval } from './types.js'

export function selfAuthorization(
  approvals: readonly Approval[],
  transfers: readonly AccountTransfer[],
  o: { isContract: (a: string) => boolean },
): AccountEvidence[] {
  const out: AccountEvidence[] = []
  const seen = new Set<string>()
  for (const ap of approvals) {
    if (ap.txFrom !== ap.owner || ap.owner === ap.spender || o.isContract(ap.spender) || o.isContract(ap.owner))
      continue
    const spend = transfers.find(
      (t) =>
        t.chain === ap.chain &&
        t.asset === ap.token &&
        t.from === ap.owner &&
        t.txFrom === ap.spender &&
        t.block >= ap.block,
    )
    if (!spend) continue
    const k = `${ap.owner}|${ap.spender}`
    if (seen.has(k)) continue
    seen.add(k)
    out.push({
      seq: out.length,
      heuristic: 'self-authorization',
      addrA: ap.owner,
      addrB: ap.spender,
      confidence: 0.6,
      status: 'applied',
      txids: [ap.txHash, spend.txHash],
      params: { token: ap.token },
      algorithmVersion: 1,
    })
  }
  return out
}

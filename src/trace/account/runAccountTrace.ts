/**
 * The account-model side of `hound trace`: seeds that are EVM addresses or transaction hashes are traced on
 * the evm_* tables with the account policies, forward (traceAccounts) or backward (traceAccountsBackward).
 * `tiho` maps to `dirty-first` (its account analogue); `all` runs every account policy. Text output lists the endpoints per policy.
 * The set comes from its snapshot beside the store when the store has not changed (loadAccountTransferSetCached).
 * @module
 */
import { UsageError } from '../../core/errors.js'
import { formatUnits } from '../../evm/parseUnits.js'
import type { HoundStore } from '../../store/HoundStore.js'
import type { FeeConvention } from './AccountTransferSet.js'
import { loadAccountTransferSetCached } from './loadAccountTransferSetCached.js'
import { type AccountPolicy, accountPolicies } from './propagateAccountTaint.js'
import { type AccountTraceResult, isEvmSeed, traceAccounts } from './traceAccounts.js'
import { traceAccountsBackward } from './traceAccountsBackward.js'

/** True when every seed (without its `@label`) is an EVM address or transaction hash. */
export function allEvmSeeds(seeds: readonly string[]): boolean {
  return seeds.length > 0 && seeds.every((s) => isEvmSeed(s.split('@')[0]!.trim()))
}

export type RunAccountTraceOptions = {
  seeds: readonly string[]
  policy: string
  direction?: string
  maxHops?: number
  fee?: FeeConvention
  followMixerLinks?: boolean
  /** Read/write the set's snapshot beside the store (loadAccountTransferSetCached). Default true. */
  cache?: boolean
}

export type AccountTraceRuns = { model: 'account'; runs: AccountTraceResult[] }

export async function runAccountTrace(
  store: HoundStore,
  o: RunAccountTraceOptions,
): Promise<AccountTraceResult | AccountTraceRuns> {
  const direction = o.direction ?? 'forward'
  if (direction !== 'forward' && direction !== 'backward')
    throw new UsageError('--direction must be forward or backward')
  const p = o.policy === 'tiho' ? 'dirty-first' : o.policy
  if (p !== 'all' && !accountPolicies.includes(p as AccountPolicy))
    throw new UsageError(`--policy for EVM seeds must be one of ${accountPolicies.join(', ')}, tiho, all`)
  const { set } = await loadAccountTransferSetCached(store, { fee: o.fee ?? 'last', cache: o.cache ?? true })
  const seeds = o.seeds.map((s) => s.split('@')[0]!.trim())
  const run = (policy: AccountPolicy) =>
    (direction === 'backward' ? traceAccountsBackward : traceAccounts)(set, {
      policy,
      seeds,
      followMixerLinks: o.followMixerLinks ?? false,
      ...(o.maxHops !== undefined ? { maxHops: o.maxHops } : {}),
    })
  if (p === 'all') return { model: 'account', runs: accountPolicies.map(run) }
  return run(p as AccountPolicy)
}

/** Human-readable endpoints (amounts in whole units when decimals are known). */
export function accountTraceToText(
  r: AccountTraceResult | AccountTraceRuns,
  decimalsOf: (chain: string, asset: string) => number | null = (_c, a) => (a === 'ETH' ? 18 : null),
): string {
  const runs = 'runs' in r ? r.runs : [r]
  const lines: string[] = []
  for (const x of runs) {
    lines.push(
      `policy ${x.policy}: ${x.endpoints.length} endpoints, ${x.stats.taintedRows} tainted transfers of ${x.stats.rows}`,
    )
    for (const e of x.endpoints.slice(0, 50)) {
      const d = decimalsOf(e.chain, e.asset)
      const amt = d === null ? `${e.amount} units` : formatUnits(BigInt(e.amount), d)
      lines.push(
        `  ${e.reason.padEnd(8)} ${e.chain.padEnd(10)} ${e.address}  ${amt} ${e.symbol ?? e.asset}  hops ${e.hops}`,
      )
    }
    if (x.endpoints.length > 50) lines.push(`  … ${x.endpoints.length - 50} more (use --json)`)
  }
  return `${lines.join('\n')}\n`
}

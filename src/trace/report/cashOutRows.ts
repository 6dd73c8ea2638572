/**
 * The cash-out table of a case report: which services received how much, when, through which outputs — what an
 * investigator sends to exchanges to freeze funds. Services are endpoints with a service label (or stopped as
 * services); unlabelled endpoints are listed separately by reason.
 * @module
 */
import { isServiceCategory, type LabelCategory } from '../../core/model.js'
import type { Endpoint, PolicyResult } from '../buildPolicyResult.js'

export type CashOutRow = {
  entity: string
  category: string
  address: string | null
  amount: number
  byLabel: Record<string, number>
  firstTime: number
  lastTime: number
  hops: number
  outputs: string[]
  probabilistic: boolean
}

export function isServiceEndpoint(e: Endpoint): boolean {
  return e.reason === 'service' || (e.category !== null && isServiceCategory(e.category as LabelCategory))
}

/** Service endpoints, largest amount first. */
export function cashOutRows(r: PolicyResult): CashOutRow[] {
  return r.endpoints
    .filter(isServiceEndpoint)
    .map((e) => ({
      entity: e.label ?? '(unnamed service)',
      category: e.category ?? 'service',
      address: e.address,
      amount: e.amount,
      byLabel: e.byLabel,
      firstTime: e.firstTime,
      lastTime: e.lastTime,
      hops: e.hops,
      outputs: e.outputs,
      probabilistic: e.probabilistic,
    }))
    .sort((a, b) => b.amount - a.amount)
}

/** Amount per entity (services only). */
export function cashOutByEntity(
  r: PolicyResult,
): { entity: string; category: string; amount: number; addresses: number }[] {
  const m = new Map<string, { entity: string; category: string; amount: number; addresses: number }>()
  for (const row of cashOutRows(r)) {
    const k = `${row.entity}|${row.category}`
    const e = m.get(k) ?? { entity: row.entity, category: row.category, amount: 0, addresses: 0 }
    e.amount += row.amount
    e.addresses++
    m.set(k, e)
  }
  return [...m.values()].sort((a, b) => b.amount - a.amount)
}

/**
 * Labels for the graph algorithms: store `address_id` → { category, entity }, injected into tracing
 * (`serviceOf`, stop at services) and clustering (cannot-link between services).
 *
 * One label per address: when sources disagree, services win over non-services (a trace must stop at a service),
 * then the more trustworthy confidence (ownership > official_list > forensic_investigation > …), then the oldest
 * label. Only labels in force (no valid_to) and, optionally, of some categories.
 *
 * Cluster labels (scope `cluster`, the GraphSense "cluster definer" idea): pass `clusterMembers` and every member
 * of the defining address's cluster gets the label (members keep their own address label when they have one).
 *
 * Read-only: a store without intelligence tables (or without chain data) gives no labels, and nothing is created, so
 * trace, detect and screen can open the store read-only.
 * @module
 */
import type { LabelCategory } from '../core/model.js'
import { isServiceCategory, labelConfidences } from '../core/model.js'
import type { HoundStore } from '../store/HoundStore.js'
import { hasIntelTable } from '../store/intelSchema.js'

export type ServiceLabelValue = { category: LabelCategory; entity: string }

export type LoadServiceLabelsOptions = {
  /** Keep only these categories (default: all). */
  readonly categories?: readonly LabelCategory[]
  /** Hook for cluster-scope labels: the address ids clustered with `addressId` (including it). */
  readonly clusterMembers?: (addressId: number) => Iterable<number>
}

type Row = { address_id: bigint | number; category: string; entity: string; confidence: string; scope: string }

export async function loadServiceLabels(
  store: HoundStore,
  opts: LoadServiceLabelsOptions = {},
): Promise<Map<number, ServiceLabelValue>> {
  const out = new Map<number, ServiceLabelValue>()
  if (!(await hasIntelTable(store)) || !(await store.tables()).includes('addresses')) return out
  const cats = opts.categories
  const rows = await store.all<Row>(
    `SELECT a.address_id, l.category, l.entity, l.confidence, l.scope
     FROM intel_labels l JOIN addresses a ON a.address = l.canonical
     WHERE l.valid_to IS NULL ${cats ? `AND l.category IN (${cats.map(() => '?').join(',')})` : ''}
     ORDER BY l.label_id`,
    cats ? [...cats] : [],
  )
  const rank = (r: { category: string; confidence: string }) =>
    (isServiceCategory(r.category as LabelCategory) ? 0 : 100) + labelConfidences.indexOf(r.confidence as never)
  const best = new Map<number, Row>()
  for (const r of rows) {
    if (r.scope !== 'address') continue
    const id = Number(r.address_id)
    const prev = best.get(id)
    if (!prev || rank(r) < rank(prev)) best.set(id, r)
  }
  for (const [id, r] of best) out.set(id, { category: r.category as LabelCategory, entity: r.entity })
  if (opts.clusterMembers) {
    for (const r of rows) {
      if (r.scope !== 'cluster') continue
      for (const m of opts.clusterMembers(Number(r.address_id))) {
        if (!out.has(m)) out.set(m, { category: r.category as LabelCategory, entity: r.entity })
      }
    }
  }
  return out
}

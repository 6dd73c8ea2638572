/**
 * Label lookups for the engine: an address is a service when its own label, or the label of any address in its
 * cluster, has a service category (exchange, mixer, bridge, OTC…; `serviceCategories` in core/model).
 * @module
 */
import { isServiceCategory } from '../core/model.js'
import type { ServiceLabel } from './types.js'

export type LabelLookups = {
  /** Any label of the address or, failing that, of its cluster (for display on endpoints). */
  labelOf: (address: number) => ServiceLabel | null
  /** The service label that stops a trace, or null. */
  serviceOf: (address: number) => ServiceLabel | null
}

export function makeLabelLookups(
  labels: ReadonlyMap<number, ServiceLabel>,
  clusterOf?: ((address: number) => string | null) | undefined,
): LabelLookups {
  const byCluster = new Map<string, ServiceLabel>()
  const serviceByCluster = new Map<string, ServiceLabel>()
  if (clusterOf) {
    for (const [a, l] of labels) {
      const c = clusterOf(a)
      if (c === null) continue
      if (!byCluster.has(c)) byCluster.set(c, l)
      if (isServiceCategory(l.category) && !serviceByCluster.has(c)) serviceByCluster.set(c, l)
    }
  }
  const viaCluster = (m: Map<string, ServiceLabel>, a: number): ServiceLabel | null => {
    if (!clusterOf || m.size === 0) return null
    const c = clusterOf(a)
    return c === null ? null : (m.get(c) ?? null)
  }
  return {
    labelOf: (a) => labels.get(a) ?? viaCluster(byCluster, a),
    serviceOf: (a) => {
      const own = labels.get(a)
      if (own && isServiceCategory(own.category)) return own
      return viaCluster(serviceByCluster, a)
    },
  }
}

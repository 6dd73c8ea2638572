/** Test helpers: hand-built chains and label maps for the detector tests. */
import type { LabelCategory } from '../core/model.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import type { Labels } from './Alert.js'

export const BTC = 100_000_000

/** Label map from address strings of a built graph. */
export function labelsFor(g: UtxoGraph, entries: Record<string, [LabelCategory, string]>): Labels {
  const m = new Map<number, { category: LabelCategory; entity: string }>()
  for (const [addr, [category, entity]] of Object.entries(entries)) {
    const a = g.names.addressIndex(addr)
    if (a >= 0) m.set(a, { category, entity })
  }
  return m
}

/** Satoshi of a decimal BTC string without floats ("9.6495" → 964_950_000). */
export function sat(btc: string): number {
  const [i, f = ''] = btc.split('.')
  return Number(i) * BTC + Number(f.padEnd(8, '0'))
}

/**
 * The simulator's published labels (truth/labels.jsonl) as the engine's label map (address id → label), for
 * evaluating tracing with the labels an investigator would have. Addresses absent from the graph are skipped.
 * @module
 */
import type { UtxoGraph } from '../../graph/UtxoGraph.js'
import type { ServiceLabel } from '../types.js'
import type { TruthLabel } from './readTruth.js'

export function labelsFromTruth(g: UtxoGraph, labels: readonly TruthLabel[]): Map<number, ServiceLabel> {
  const m = new Map<number, ServiceLabel>()
  for (const l of labels) {
    const a = g.names.addressIndex(l.address)
    if (a >= 0 && !m.has(a)) m.set(a, { category: l.category, entity: l.entity })
  }
  return m
}

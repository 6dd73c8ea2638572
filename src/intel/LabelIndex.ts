/**
 * The screening warm state: every label in force, in memory, keyed by canonical address (a Map), so a lookup is
 * one hash probe. Rows are kept packed (one JSON string each) until first looked up, which keeps both the load time
 * and the memory of 1M labels low (see bench/results/screen.md for the measured numbers).
 * @module
 */
import type { LabelCategory, LabelConfidence, Tlp } from '../core/model.js'
import { tlpLevels } from '../core/model.js'
import type { HoundStore } from '../store/HoundStore.js'
import { hasIntelTable, intelVersion } from '../store/intelSchema.js'
import { canonicalAddress } from './canonicalAddress.js'
import type { LabelScope } from './labels.js'

/** A label as screening sees it (no bookkeeping columns). */
export type IndexedLabel = {
  readonly labelId: number
  readonly scope: LabelScope
  readonly chain: string
  readonly address: string
  readonly category: LabelCategory
  readonly entity: string
  readonly actor: string | null
  readonly source: string
  readonly confidence: LabelConfidence
  readonly tlp: Tlp
  readonly validFrom: string | null
  readonly asset: string | null
  readonly reference: string | null
  readonly note: string | null
  readonly incidentId: number | null
  readonly amount: string | null
  readonly policy: string | null
}

const EMPTY: readonly IndexedLabel[] = []

/** A label as loaded: the row packed as one JSON array string (parsed on first lookup), or already parsed. */
type Entry = string | IndexedLabel

const PACKED_COLUMNS = [
  'label_id',
  'scope',
  'chain',
  'address',
  'category',
  'entity',
  'actor',
  'source',
  'confidence',
  'tlp',
  'valid_from',
  'asset',
  'reference',
  'note',
  'incident_id',
  'amount',
  'policy',
] as const

function unpack(json: string): IndexedLabel {
  const r = JSON.parse(json) as (string | number | null)[]
  return {
    labelId: Number(r[0]),
    scope: r[1] as LabelScope,
    chain: r[2] as string,
    address: r[3] as string,
    category: r[4] as LabelCategory,
    entity: r[5] as string,
    actor: r[6] as string | null,
    source: r[7] as string,
    confidence: r[8] as LabelConfidence,
    tlp: r[9] as Tlp,
    validFrom: r[10] as string | null,
    asset: r[11] as string | null,
    reference: r[12] as string | null,
    note: r[13] as string | null,
    incidentId: r[14] === null ? null : Number(r[14]),
    amount: r[15] === null ? null : String(r[15]),
    policy: r[16] as string | null,
  }
}

export class LabelIndex {
  private readonly byKey = new Map<string, Entry[]>()
  private count = 0
  /** Canonical keys that carry at least one cluster-scope label. */
  readonly clusterKeys: string[] = []

  /** Intelligence version the index was loaded at (see intelVersion). */
  constructor(readonly version = 0) {}

  get size(): number {
    return this.count
  }

  get addressCount(): number {
    return this.byKey.size
  }

  add(canonical: string, label: IndexedLabel | string): void {
    const list = this.byKey.get(canonical)
    if (list) list.push(label)
    else this.byKey.set(canonical, [label])
    if (typeof label !== 'string' && label.scope === 'cluster' && !this.clusterKeys.includes(canonical)) {
      this.clusterKeys.push(canonical)
    }
    this.count++
  }

  /** Labels of an address as typed (canonicalised here). */
  lookup(address: string): readonly IndexedLabel[] {
    return this.lookupCanonical(canonicalAddress(address))
  }

  /** Labels of an already-canonical key (the hot path). Packed rows are parsed once, on first lookup. */
  lookupCanonical(canonical: string): readonly IndexedLabel[] {
    const list = this.byKey.get(canonical)
    if (!list) return EMPTY
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!
      if (typeof e === 'string') list[i] = unpack(e)
    }
    return list as IndexedLabel[]
  }

  /** Every canonical key (for joins and exports). */
  keys(): IterableIterator<string> {
    return this.byKey.keys()
  }

  /**
   * Load every label in force from the store. `maxTlp` drops labels more restricted than that level (a public
   * facade serves only `clear` intelligence, say). Each row crosses from DuckDB as one packed JSON string (two
   * values per row instead of eighteen: the conversion of values to JS dominates the load time). Read-only: a
   * store without intelligence tables gives an empty index (version 0).
   */
  static async load(store: HoundStore, opts: { maxTlp?: Tlp } = {}): Promise<LabelIndex> {
    if (!(await hasIntelTable(store))) return new LabelIndex(0)
    const idx = new LabelIndex(await intelVersion(store))
    const allowed = tlpLevels.slice(0, tlpLevels.indexOf(opts.maxTlp ?? 'red') + 1)
    const where = `valid_to IS NULL AND tlp IN (${allowed.map(() => '?').join(', ')})`
    const c = await store.columns(
      `SELECT canonical, json_array(${PACKED_COLUMNS.join(', ')})::VARCHAR AS packed
       FROM intel_labels WHERE ${where} ORDER BY label_id`,
      [...allowed],
    )
    const keys = (c.canonical ?? []) as string[]
    const packed = (c.packed ?? []) as string[]
    for (let i = 0; i < keys.length; i++) idx.add(keys[i]!, packed[i]!)
    const cl = await store.columns(`SELECT DISTINCT canonical FROM intel_labels WHERE ${where} AND scope = 'cluster'`, [
      ...allowed,
    ])
    for (const k of (cl.canonical ?? []) as string[]) idx.clusterKeys.push(k)
    return idx
  }
}

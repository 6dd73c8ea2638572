/**
 * The screening warm state: every label in force, in memory, keyed by canonical address (a Map), so a lookup is
 * one hash probe. Low-cardinality strings (category, source, chain, TLP, entity…) are interned so that 1M labels
 * cost little more than their address strings (see bench/results/screen.md for the measured memory).
 * @module
 */
import type { LabelCategory, LabelConfidence, Tlp } from '../core/model.js'
import { tlpLevels } from '../core/model.js'
import type { HoundStore } from '../store/HoundStore.js'
import { ensureIntelSchema, intelVersion } from '../store/intelSchema.js'
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

export class LabelIndex {
  private readonly byKey = new Map<string, IndexedLabel[]>()
  private readonly interned = new Map<string, string>()
  private count = 0

  /** Intelligence version the index was loaded at (see intelVersion). */
  constructor(readonly version = 0) {}

  get size(): number {
    return this.count
  }

  get addressCount(): number {
    return this.byKey.size
  }

  /** Reuse one string instance for repeated values. */
  intern(s: string): string
  intern(s: string | null): string | null
  intern(s: string | null): string | null {
    if (s === null) return null
    const k = this.interned.get(s)
    if (k !== undefined) return k
    if (this.interned.size < 1_000_000) this.interned.set(s, s)
    return s
  }

  add(canonical: string, label: IndexedLabel): void {
    const list = this.byKey.get(canonical)
    if (list) list.push(label)
    else this.byKey.set(canonical, [label])
    this.count++
  }

  /** Labels of an address as typed (canonicalised here). */
  lookup(address: string): readonly IndexedLabel[] {
    return this.byKey.get(canonicalAddress(address)) ?? EMPTY
  }

  /** Labels of an already-canonical key (the hot path). */
  lookupCanonical(canonical: string): readonly IndexedLabel[] {
    return this.byKey.get(canonical) ?? EMPTY
  }

  /** Every canonical key (for joins and exports). */
  keys(): IterableIterator<string> {
    return this.byKey.keys()
  }

  /**
   * Load every label in force from the store. `maxTlp` drops labels more restricted than that level (a public
   * facade serves only `clear` intelligence, say).
   */
  static async load(store: HoundStore, opts: { maxTlp?: Tlp } = {}): Promise<LabelIndex> {
    await ensureIntelSchema(store)
    const idx = new LabelIndex(await intelVersion(store))
    const maxRank = tlpLevels.indexOf(opts.maxTlp ?? 'red')
    const c = await store.columns(
      `SELECT label_id, scope, chain, address, canonical, category, entity, actor, source, confidence, tlp, valid_from,
              asset, reference, note, incident_id, amount, policy
       FROM intel_labels WHERE valid_to IS NULL ORDER BY label_id`,
    )
    const n = (c.label_id ?? []).length
    const col = <T>(k: string) => (c[k] ?? []) as T[]
    const ids = col<bigint | number>('label_id')
    const tlps = col<string>('tlp')
    for (let i = 0; i < n; i++) {
      const tlp = tlps[i] as Tlp
      if (tlpLevels.indexOf(tlp) > maxRank) continue
      const incident = col<bigint | number | null>('incident_id')[i]!
      idx.add(col<string>('canonical')[i]!, {
        labelId: Number(ids[i]),
        scope: idx.intern(col<string>('scope')[i]!) as LabelScope,
        chain: idx.intern(col<string>('chain')[i]!),
        address: col<string>('address')[i]!,
        category: idx.intern(col<string>('category')[i]!) as LabelCategory,
        entity: idx.intern(col<string>('entity')[i]!),
        actor: idx.intern(col<string | null>('actor')[i]!),
        source: idx.intern(col<string>('source')[i]!),
        confidence: idx.intern(col<string>('confidence')[i]!) as LabelConfidence,
        tlp: idx.intern(tlp) as Tlp,
        validFrom: idx.intern(col<string | null>('valid_from')[i]!),
        asset: idx.intern(col<string | null>('asset')[i]!),
        reference: col<string | null>('reference')[i]!,
        note: col<string | null>('note')[i]!,
        incidentId: incident === null ? null : Number(incident),
        amount: col<string | null>('amount')[i]!,
        policy: idx.intern(col<string | null>('policy')[i]!),
      })
    }
    return idx
  }
}

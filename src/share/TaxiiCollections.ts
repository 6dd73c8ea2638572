/**
 * The objects a TAXII server hosts, in memory, ordered by `date_added` (microsecond TAXII timestamps, unique and
 * increasing, so the order is total and `added_after` is exact). Collections are audiences: one per TLP level
 * (clear, green, amber, amber+strict) holding the objects marked at most that level, and an `inbox` peers write
 * to. TLP:RED objects are never loaded. `load` adds the local export (what this institution publishes) and keeps
 * the `date_added` of objects already present, so a refresh only appends what changed.
 * @module
 */
import { type Tlp, tlpLevels } from '../core/model.js'
import type { HoundStore } from '../store/HoundStore.js'
import { ensureShareSchema } from '../store/shareSchema.js'
import { stixObjects } from './exportStix.js'
import { type StixObject, tlpOfRefs } from './markings.js'
import { LEDGERHOUND_NAMESPACE, uuidv5 } from './stixIds.js'

export type TaxiiEntry = {
  readonly id: string
  readonly type: string
  readonly version: string
  readonly specVersion: string
  readonly dateAdded: string
  readonly tlp: Tlp
  readonly json: string
}

export type CollectionInfo = {
  readonly id: string
  readonly alias: string
  readonly title: string
  /** Most restricted TLP held; a key needs this clearance to read. Null for the inbox. */
  readonly tlp: Tlp | null
  readonly writable: boolean
}

export const AUDIENCES: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict']

export const COLLECTIONS: readonly CollectionInfo[] = [
  ...AUDIENCES.map((t) => ({
    id: uuidv5(`taxii-collection\u001f${t}`, LEDGERHOUND_NAMESPACE),
    alias: `intel-${t.replace('+', '-')}`,
    title: `Laundering-address intelligence up to TLP:${t.toUpperCase()}`,
    tlp: t,
    writable: false,
  })),
  {
    id: uuidv5('taxii-collection\u001finbox', LEDGERHOUND_NAMESPACE),
    alias: 'inbox',
    title: 'Inbox (peers write here)',
    tlp: null,
    writable: true,
  },
].sort((a, b) => a.id.localeCompare(b.id))

/** TAXII timestamp with microseconds. */
export function taxiiTs(ms: number, micros: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`
}

/** Instant of a STIX/TAXII timestamp in microseconds (any fractional precision). */
export function micros(ts: string): number {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(ts)
  if (!m) return Number.NaN
  const base = Date.parse(`${m[1]}Z`)
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6)
  return base * 1000 + Number(frac)
}

export class TaxiiCollections {
  /** Per collection id: entries in date_added order. */
  private readonly entries = new Map<string, TaxiiEntry[]>()
  private readonly known = new Map<string, string>()
  private lastMicros = 0
  private readonly ids = new Map<string, Set<string>>()
  /** Collections holding more than one version of some object (paging then groups versions). */
  private readonly multi = new Set<string>()

  private idsOf(collectionId: string): Set<string> {
    let s = this.ids.get(collectionId)
    if (!s) {
      s = new Set()
      this.ids.set(collectionId, s)
    }
    return s
  }

  /** Whether some object of the collection has several versions. */
  hasVersions(collectionId: string): boolean {
    return this.multi.has(collectionId)
  }

  constructor() {
    for (const c of COLLECTIONS) this.entries.set(c.id, [])
  }

  private nextDateAdded(): string {
    const now = Date.now() * 1000
    this.lastMicros = Math.max(now, this.lastMicros + 1)
    return taxiiTs(Math.floor(this.lastMicros / 1000), this.lastMicros % 1000)
  }

  /** Add an object to a collection (idempotent per id+version). Returns its entry, or null for TLP:RED. */
  add(collectionId: string, o: StixObject, json?: string): TaxiiEntry | null {
    const tlp = tlpOfRefs(o.object_marking_refs, 'clear')
    if (tlp === 'red') return null
    const version = String(o.modified ?? o.created ?? '')
    const k = `${collectionId}\u001f${o.id}\u001f${version}`
    const list = this.entries.get(collectionId)!
    if (this.known.has(k)) return list.find((e) => e.id === o.id && e.version === (version || e.dateAdded)) ?? null
    const ids = this.idsOf(collectionId)
    if (ids.has(o.id)) this.multi.add(collectionId)
    else ids.add(o.id)
    const dateAdded = this.nextDateAdded()
    const e: TaxiiEntry = {
      id: o.id,
      type: o.type,
      version: version || dateAdded,
      specVersion: String(o.spec_version ?? '2.1'),
      dateAdded,
      tlp,
      json: json ?? JSON.stringify(o),
    }
    this.known.set(k, dateAdded)
    list.push(e)
    return e
  }

  /** Publish an object to every audience collection cleared for its TLP. */
  publish(o: StixObject): void {
    const tlp = tlpOfRefs(o.object_marking_refs, 'clear')
    const json = JSON.stringify(o)
    for (const c of COLLECTIONS)
      if (c.tlp && tlpLevels.indexOf(tlp) <= tlpLevels.indexOf(c.tlp)) this.add(c.id, o, json)
  }

  list(collectionId: string): readonly TaxiiEntry[] {
    return this.entries.get(collectionId) ?? []
  }

  /** Load this institution's shareable intelligence (export up to amber+strict) and the stored inbox. */
  async load(store: HoundStore, institution: string): Promise<void> {
    for await (const o of stixObjects(store, { institution, maxTlp: 'amber+strict' })) this.publish(o)
    await ensureShareSchema(store)
    const inbox = COLLECTIONS.find((c) => c.writable)!.id
    for (const r of await store.all<{ json: string }>(
      'SELECT json FROM share_taxii_objects WHERE collection_id = ? ORDER BY date_added',
      [inbox],
    ))
      this.add(inbox, JSON.parse(r.json) as StixObject)
  }
}

/**
 * Labels: what we know about an address (or the cluster an address defines), with full provenance.
 *
 * A label says "source S, with confidence C, says subject X is a <category> operated by <entity> (actor A), valid
 * from F (to T), shareable under TLP L". Two sources saying different things are two rows: nothing is merged or
 * overwritten. Re-importing the same statement is a no-op (the natural key below), which makes imports idempotent.
 * @module
 */
import { ImportError } from '../core/errors.js'
import {
  type LabelCategory,
  type LabelConfidence,
  labelCategories,
  labelConfidences,
  type Tlp,
  tlpLevels,
} from '../core/model.js'
import { ChunkAppender } from '../store/ChunkAppender.js'
import type { HoundStore } from '../store/HoundStore.js'
import { bumpIntelVersion, ensureIntelSchema, hasIntelTable, nextId } from '../store/intelSchema.js'
import { canonicalAddress } from './canonicalAddress.js'

/** `address`: the label is about this address. `cluster`: about every address clustered with it (cluster definer). */
export type LabelScope = 'address' | 'cluster'

export type LabelInput = {
  readonly scope?: LabelScope
  /** Chain id (btc, btc-testnet, btc-regtest, evm-1, tron…). */
  readonly chain: string
  /** The address as published. */
  readonly address: string
  readonly category: LabelCategory
  readonly entity: string
  readonly actor?: string | null
  readonly source: string
  readonly confidence: LabelConfidence
  readonly tlp: Tlp
  /** YYYY-MM-DD (or a full ISO time). */
  readonly validFrom?: string | null
  readonly validTo?: string | null
  /** Asset or ticker the statement is about (OFAC ticker, token). */
  readonly asset?: string | null
  /** Where the statement comes from: URL, OFAC profile id, incident id. */
  readonly reference?: string | null
  readonly note?: string | null
  readonly importId?: number | null
  readonly incidentId?: number | null
  /** Stolen-funds labels: traced amount in base units (decimal string). */
  readonly amount?: string | null
  /** Stolen-funds labels: the taint policy that produced the amount. */
  readonly policy?: string | null
}

export type LabelRecord = Required<{ [K in keyof LabelInput]: Exclude<LabelInput[K], undefined> }> & {
  readonly labelId: number
  readonly canonical: string
}

const CHAIN_ALIASES: Record<string, string> = {
  eth: 'evm-1',
  ethereum: 'evm-1',
  bitcoin: 'btc',
  xbt: 'btc',
  'btc-mainnet': 'btc',
  regtest: 'btc-regtest',
  testnet: 'btc-testnet',
}

/** Normalise a chain id (`eth` → `evm-1`); throws on anything that is not a short lowercase id. */
export function normalizeChain(chain: string): string {
  const c = chain.trim().toLowerCase()
  const n = CHAIN_ALIASES[c] ?? c
  if (!/^[a-z0-9][a-z0-9-]{1,31}$/.test(n)) throw new ImportError(`invalid chain '${chain}'`, { details: { chain } })
  return n
}

const CATEGORY_ALIASES: Record<string, LabelCategory> = {
  sanctions: 'sanctioned',
  stolen: 'stolen_funds',
  theft: 'stolen_funds',
  hack: 'hacker',
  mixing: 'mixer',
  darknet_market: 'darknet',
  payment: 'payment_processor',
}

export function normalizeCategory(v: string): LabelCategory {
  const k = v
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
  const c = CATEGORY_ALIASES[k] ?? k
  if (!(labelCategories as readonly string[]).includes(c)) {
    throw new ImportError(`unknown category '${v}' (expected one of ${labelCategories.join(', ')})`)
  }
  return c as LabelCategory
}

export function normalizeConfidence(v: string): LabelConfidence {
  const k = v
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
  if (!(labelConfidences as readonly string[]).includes(k)) {
    throw new ImportError(`unknown confidence '${v}' (expected one of ${labelConfidences.join(', ')})`)
  }
  return k as LabelConfidence
}

/** TLP 2.0 level; TLP 1.0 `white` is accepted as `clear`. */
export function normalizeTlp(v: string): Tlp {
  const k = v.trim().toLowerCase().replace(/^tlp:/, '')
  const t = k === 'white' ? 'clear' : k
  if (!(tlpLevels as readonly string[]).includes(t)) {
    throw new ImportError(`unknown TLP '${v}' (expected one of ${tlpLevels.join(', ')})`)
  }
  return t as Tlp
}

/** The statement's identity: same key = same statement from the same source (re-import is a no-op). */
export function naturalKey(l: LabelInput): string {
  return [
    l.source,
    l.scope ?? 'address',
    l.chain,
    canonicalAddress(l.address),
    l.category,
    l.entity,
    l.reference ?? '',
  ].join('\u001f')
}

const COLS = [
  ['label_id', 'i64'],
  ['natural_key', 'str'],
  ['scope', 'str'],
  ['chain', 'str'],
  ['address', 'str'],
  ['canonical', 'str'],
  ['category', 'str'],
  ['entity', 'str'],
  ['actor', 'str'],
  ['source', 'str'],
  ['confidence', 'str'],
  ['tlp', 'str'],
  ['valid_from', 'str'],
  ['valid_to', 'str'],
  ['asset', 'str'],
  ['reference', 'str'],
  ['note', 'str'],
  ['import_id', 'i64'],
  ['incident_id', 'i64'],
  ['amount', 'str'],
  ['policy', 'str'],
  ['created_at', 'str'],
] as const

/**
 * Insert labels that are not already stored (by natural key). Atomic; bumps the intelligence version when
 * anything was added. Returns how many were added and how many were already known.
 */
export async function insertLabels(
  store: HoundStore,
  labels: readonly LabelInput[],
): Promise<{ added: number; known: number; firstId: number }> {
  await ensureIntelSchema(store)
  const sources = [...new Set(labels.map((l) => l.source))]
  const existing = new Set<string>()
  for (const s of sources) {
    const cols = await store.columns('SELECT natural_key FROM intel_labels WHERE source = ?', [s])
    for (const k of (cols.natural_key ?? []) as string[]) existing.add(k)
  }
  return store.transaction(async () => {
    let id = await nextId(store, 'intel_labels', 'label_id')
    const firstId = id
    const app = new ChunkAppender(
      await store.appender('intel_labels'),
      COLS.map((c) => c[1]),
      'intel_labels',
    )
    const now = new Date().toISOString()
    let added = 0
    let known = 0
    const str = (c: number, v: string | null | undefined) =>
      v === null || v === undefined ? app.null(c) : app.str(c, v)
    const i64 = (c: number, v: number | null | undefined) =>
      v === null || v === undefined ? app.null(c) : app.i64(c, v)
    for (const l of labels) {
      const key = naturalKey(l)
      if (existing.has(key)) {
        known++
        continue
      }
      existing.add(key)
      i64(0, id++)
      str(1, key)
      str(2, l.scope ?? 'address')
      str(3, l.chain)
      str(4, l.address)
      str(5, canonicalAddress(l.address))
      str(6, l.category)
      str(7, l.entity)
      str(8, l.actor)
      str(9, l.source)
      str(10, l.confidence)
      str(11, l.tlp)
      str(12, l.validFrom)
      str(13, l.validTo)
      str(14, l.asset)
      str(15, l.reference)
      str(16, l.note)
      i64(17, l.importId)
      i64(18, l.incidentId)
      str(19, l.amount)
      str(20, l.policy)
      str(21, now)
      app.endRow()
      added++
    }
    app.close()
    if (added > 0) await bumpIntelVersion(store)
    return { added, known, firstId }
  })
}

type LabelRow = {
  label_id: bigint | number
  scope: string
  chain: string
  address: string
  canonical: string
  category: string
  entity: string
  actor: string | null
  source: string
  confidence: string
  tlp: string
  valid_from: string | null
  valid_to: string | null
  asset: string | null
  reference: string | null
  note: string | null
  import_id: bigint | number | null
  incident_id: bigint | number | null
  amount: string | null
  policy: string | null
}

const num = (v: bigint | number | null): number | null => (v === null ? null : Number(v))

export function labelFromRow(r: LabelRow): LabelRecord {
  return {
    labelId: Number(r.label_id),
    scope: r.scope as LabelScope,
    chain: r.chain,
    address: r.address,
    canonical: r.canonical,
    category: r.category as LabelCategory,
    entity: r.entity,
    actor: r.actor,
    source: r.source,
    confidence: r.confidence as LabelConfidence,
    tlp: r.tlp as Tlp,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    asset: r.asset,
    reference: r.reference,
    note: r.note,
    importId: num(r.import_id),
    incidentId: num(r.incident_id),
    amount: r.amount,
    policy: r.policy,
  }
}

export type LabelQuery = {
  /** Only labels in force (no valid_to). Default true. */
  readonly currentOnly?: boolean
  readonly address?: string
  readonly source?: string
  readonly category?: LabelCategory
  readonly limit?: number
}

/** Labels from the store, newest first within an address (read-only: none before the first import). */
export async function queryLabels(store: HoundStore, q: LabelQuery = {}): Promise<LabelRecord[]> {
  if (!(await hasIntelTable(store))) return []
  const where: string[] = []
  const params: string[] = []
  if (q.currentOnly !== false) where.push('valid_to IS NULL')
  if (q.address !== undefined) {
    where.push('canonical = ?')
    params.push(canonicalAddress(q.address))
  }
  if (q.source !== undefined) {
    where.push('source = ?')
    params.push(q.source)
  }
  if (q.category !== undefined) {
    where.push('category = ?')
    params.push(q.category)
  }
  const sql = `SELECT * FROM intel_labels ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY label_id${
    q.limit ? ` LIMIT ${Math.max(0, Math.floor(q.limit))}` : ''
  }`
  return (await store.all<LabelRow>(sql, params)).map(labelFromRow)
}

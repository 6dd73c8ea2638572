/**
 * `hound share export --format stix`: a STIX 2.1 bundle of the store's labels, streamed (one object per line,
 * constant memory apart from one address's labels), so a million indicators never sit in memory.
 *
 * Per address: one `cryptocurrency-wallet` SCO (deterministic id from the canonical address, marked with the most
 * restricted TLP of its labels); per label: an `indicator` (`[cryptocurrency-wallet:value = '…']`, deterministic id
 * from the label's natural key, confidence, TLP 2.0 marking, our label extension carrying every field so the round
 * trip is lossless), `based-on` → wallet, `indicates` → the ATT&CK intrusion set when the actor/entity is one, and
 * `related-to` → its incident. Incidents become `incident` SDOs with their seed transactions as
 * `cryptocurrency-transaction` SCOs, and a `campaign` `attributed-to` the intrusion set when the actor is known.
 *
 * Never exported: TLP:RED, labels above `maxTlp`, and intelligence received from peers (source `share:…`) unless
 * `includeReceived` (re-sharing a peer's intelligence is the peer's call).
 * @module
 */
import { randomUUID } from 'node:crypto'
import { type Tlp, tlpLevels } from '../core/model.js'
import { type LabelInput, naturalKey } from '../intel/labels.js'
import type { HoundStore } from '../store/HoundStore.js'
import { ensureIntelSchema } from '../store/intelSchema.js'
import { capMemory } from './capMemory.js'
import { type StixObject, TLP2_IDS, tlp2Marking } from './markings.js'
import {
  extensionDefinitions,
  institutionIdentity,
  intrusionSetObject,
  KNOWN_INTRUSION_SETS,
  knownIntrusionSet,
  LABEL_EXT_ID,
  ledgerhoundIdentity,
  TX_EXT_ID,
  WALLET_EXT_ID,
} from './stixCommon.js'
import { localId, transactionId, walletId } from './stixIds.js'

export type ExportOptions = {
  /** The exporting institution (identity name, `created_by_ref`). */
  readonly institution: string
  /** Most restricted TLP exported (default amber). RED is never exported. */
  readonly maxTlp?: Tlp
  /** Only this incident's labels and the incident itself. */
  readonly incidentId?: number
  /** Only labels of this source. */
  readonly source?: string
  /** Sightings from this instance's screenings of exported addresses. Default true. */
  readonly sightings?: boolean
  /** Also export intelligence received from peers (source `share:…`). Default false. */
  readonly includeReceived?: boolean
  /** DuckDB memory cap while the labels are read in address order (MiB, default 256; the sort spills beyond). */
  readonly memoryLimitMiB?: number
}

export type ExportStats = { objects: number; indicators: number; wallets: number; incidents: number }

const CONFIDENCE: Record<string, number> = {
  ownership: 95,
  official_list: 90,
  forensic_investigation: 80,
  service_data: 70,
  heuristic: 50,
  web_crawl: 40,
  unknown: 15,
}

/** Categorical confidence → STIX 0–100. */
export function stixConfidence(c: string): number {
  return CONFIDENCE[c] ?? 15
}

/** A date or time string as a STIX timestamp (millisecond precision, UTC). */
export function stixTs(s: string | Date | null | undefined, fallback: string): string {
  if (s === null || s === undefined || s === '') return fallback
  const d = s instanceof Date ? s : new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s)
  return Number.isNaN(d.getTime()) ? fallback : d.toISOString()
}

const escapePattern = (s: string) => s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")

type Row = Record<string, unknown>

function allowedTlps(max: Tlp): Tlp[] {
  return tlpLevels.filter((t) => t !== 'red' && tlpLevels.indexOf(t) <= tlpLevels.indexOf(max))
}

/**
 * The bundle's STIX objects in order (fixed objects, incidents, then per address wallet + indicators +
 * relationships). `stats` is filled as the generator runs.
 */
export async function* stixObjects(
  store: HoundStore,
  o: ExportOptions,
  stats?: ExportStats,
): AsyncGenerator<StixObject> {
  await ensureIntelSchema(store)
  const st = stats ?? { objects: 0, indicators: 0, wallets: 0, incidents: 0 }
  const tlps = allowedTlps(o.maxTlp ?? 'amber')
  const me = institutionIdentity(o.institution)
  const fixed: StixObject[] = [ledgerhoundIdentity(), me, ...extensionDefinitions(), ...tlps.map(tlp2Marking)]
  for (const x of fixed) {
    st.objects++
    yield x
  }
  const now = new Date().toISOString()
  const sets = new Set<string>()
  const setOf = (actor: unknown, entity: unknown) =>
    knownIntrusionSet(actor as string) ?? knownIntrusionSet(entity as string)
  const emitSet = function* (s: { id: string } | null): Generator<StixObject> {
    if (!s || sets.has(s.id)) return
    sets.add(s.id)
    const key = Object.keys(KNOWN_INTRUSION_SETS).find((k) => KNOWN_INTRUSION_SETS[k]!.id === s.id)!
    st.objects++
    yield intrusionSetObject(key)
  }
  const tlpIn = tlps.map((t) => `'${t.replace(/'/g, "''")}'`).join(',')
  // incidents
  const incWhere = [`tlp IN (${tlpIn})`]
  const incParams: (string | number)[] = []
  if (o.incidentId !== undefined) {
    incWhere.push('incident_id = ?')
    incParams.push(o.incidentId)
  }
  const incidents = await store.all<Row>(
    `SELECT * FROM intel_incidents WHERE ${incWhere.join(' AND ')} ORDER BY incident_id`,
    incParams,
  )
  const incidentIds = new Map<number, string>()
  for (const inc of incidents) {
    const n = Number(inc.incident_id)
    const id = localId('incident', `${o.institution}\u001f${n}`)
    incidentIds.set(n, id)
    const created = stixTs(inc.created_at as Date, now)
    const mark = [TLP2_IDS[inc.tlp as Tlp]]
    st.incidents++
    st.objects++
    yield {
      type: 'incident',
      spec_version: '2.1',
      id,
      created,
      modified: created,
      name: String(inc.name),
      ...(inc.description ? { description: String(inc.description) } : {}),
      created_by_ref: me.id,
      object_marking_refs: mark,
      extensions: {
        [LABEL_EXT_ID]: {
          extension_type: 'property-extension',
          incident_id: n,
          chain: inc.chain,
          occurred_at: inc.occurred_at ?? null,
          actor: inc.actor ?? null,
          policy: inc.policy,
          max_hops: inc.max_hops === null ? null : Number(inc.max_hops),
        },
      },
    }
    const seeds = await store.all<Row>(
      'SELECT seed, amount FROM intel_incident_seeds WHERE incident_id = ? ORDER BY seed',
      [n],
    )
    for (const s of seeds) {
      const txid = String(s.seed).split(':')[0]!
      const txSco = transactionId(inc.chain === 'btc' ? 'BTC' : String(inc.chain).toUpperCase(), txid)
      st.objects += 2
      yield {
        type: 'cryptocurrency-transaction',
        spec_version: '2.1',
        id: txSco,
        symbol: inc.chain === 'btc' ? 'BTC' : String(inc.chain).toUpperCase(),
        value: txid.toLowerCase(),
        object_marking_refs: mark,
        extensions: { [TX_EXT_ID]: { extension_type: 'new-sco' } },
      }
      yield rel('related-to', id, txSco, created, me.id, mark, `seed ${s.seed}`)
    }
    const set = setOf(inc.actor, null)
    if (set) {
      yield* emitSet(set)
      const camp = localId('campaign', `${o.institution}\u001f${n}`)
      st.objects += 3
      yield {
        type: 'campaign',
        spec_version: '2.1',
        id: camp,
        created,
        modified: created,
        name: String(inc.name),
        created_by_ref: me.id,
        object_marking_refs: mark,
      }
      yield rel('attributed-to', camp, set.id, created, me.id, mark)
      yield rel('related-to', id, camp, created, me.id, mark)
    }
  }
  // labels, grouped by canonical address
  const where = [`tlp IN (${tlpIn})`]
  const params: (string | number)[] = []
  if (o.incidentId !== undefined) {
    where.push('incident_id = ?')
    params.push(o.incidentId)
  }
  if (o.source !== undefined) {
    where.push('source = ?')
    params.push(o.source)
  }
  if (!o.includeReceived) where.push("source NOT LIKE 'share:%'")
  // sightings: screenings of an exported address ("a deposit seen") by this institution
  const seen = new Map<string, { count: number; first: string; last: string }>()
  if (o.sightings !== false) {
    const rows = await store.all<{ canonical: string; n: bigint | number; first: string; last: string }>(
      'SELECT canonical, count(*) AS n, min(screened_at) AS first, max(screened_at) AS last FROM intel_screenings GROUP BY canonical',
    )
    for (const r of rows) seen.set(r.canonical, { count: Number(r.n), first: r.first, last: r.last })
  }
  let group: Row[] = []
  const flush = function* (): Generator<StixObject> {
    if (group.length === 0) return
    const first = group[0]!
    const wid = walletId(String(first.canonical))
    let worst = 0
    for (const r of group) worst = Math.max(worst, tlpLevels.indexOf(r.tlp as Tlp))
    st.wallets++
    st.objects++
    yield {
      type: 'cryptocurrency-wallet',
      spec_version: '2.1',
      id: wid,
      value: String(first.canonical),
      object_marking_refs: [TLP2_IDS[tlpLevels[worst]!]],
      extensions: {
        [WALLET_EXT_ID]: { extension_type: 'new-sco' },
        [LABEL_EXT_ID]: { extension_type: 'property-extension', chain: first.chain },
      },
    }
    for (const r of group) {
      const key = naturalKey({
        source: r.source as string,
        scope: r.scope as 'address',
        chain: r.chain as string,
        address: r.address as string,
        category: r.category as 'other',
        entity: r.entity as string,
        reference: r.reference as string | null,
      } as LabelInput)
      const iid = localId('indicator', key)
      const created = stixTs(r.created_at as string, now)
      const validFrom = stixTs(r.valid_from as string | null, created)
      const validUntil = r.valid_to ? stixTs(r.valid_to as string, '') : ''
      const mark = [TLP2_IDS[r.tlp as Tlp]]
      st.indicators++
      st.objects += 2
      yield {
        type: 'indicator',
        spec_version: '2.1',
        id: iid,
        created,
        // a closed label (de-listing) is a new version, so TAXII peers and re-imports see the change
        modified: validUntil && Date.parse(validUntil) > Date.parse(created) ? validUntil : created,
        created_by_ref: me.id,
        name: `${r.category}: ${r.entity}`,
        indicator_types:
          r.category === 'exchange' || r.category === 'individual' ? ['benign'] : ['malicious-activity', 'attribution'],
        pattern_type: 'stix',
        pattern: `[cryptocurrency-wallet:value = '${escapePattern(String(r.canonical))}']`,
        valid_from: validFrom,
        ...(validUntil && Date.parse(validUntil) > Date.parse(validFrom) ? { valid_until: validUntil } : {}),
        confidence: stixConfidence(String(r.confidence)),
        labels: [String(r.category)],
        object_marking_refs: mark,
        extensions: {
          [LABEL_EXT_ID]: {
            extension_type: 'property-extension',
            scope: r.scope,
            chain: r.chain,
            address: r.address,
            category: r.category,
            entity: r.entity,
            actor: r.actor ?? null,
            source: r.source,
            confidence: r.confidence,
            valid_from: r.valid_from ?? null,
            valid_to: r.valid_to ?? null,
            asset: r.asset ?? null,
            reference: r.reference ?? null,
            note: r.note ?? null,
            amount: r.amount ?? null,
            policy: r.policy ?? null,
          },
        },
      }
      yield rel('based-on', iid, wid, created, me.id, mark)
      const set = setOf(r.actor, r.entity)
      if (set) {
        yield* emitSet(set)
        st.objects++
        yield rel('indicates', iid, set.id, created, me.id, mark)
      }
      const sg = seen.get(String(r.canonical))
      if (sg) {
        st.objects++
        const first = stixTs(sg.first, now)
        const last = stixTs(sg.last, now)
        yield {
          type: 'sighting',
          spec_version: '2.1',
          id: localId('sighting', `${iid}\u001f${o.institution}`),
          created: first,
          modified: last,
          created_by_ref: me.id,
          sighting_of_ref: iid,
          where_sighted_refs: [me.id],
          count: sg.count,
          first_seen: first,
          last_seen: last,
          description: 'screened at this institution (e.g. a deposit address checked before crediting)',
          object_marking_refs: mark,
        }
      }
      const inc = r.incident_id === null ? undefined : incidentIds.get(Number(r.incident_id))
      if (inc) {
        st.objects++
        yield rel('related-to', iid, inc, created, me.id, mark)
      }
    }
    group = []
  }
  // the sort by address spills to disk beyond the cap instead of growing with the number of labels
  const restore = await capMemory(store, o.memoryLimitMiB ?? 256)
  try {
    for await (const chunk of store.chunks(
      `SELECT * FROM intel_labels WHERE ${where.join(' AND ')} ORDER BY canonical, label_id`,
      params,
    )) {
      const n = (chunk.label_id ?? []).length
      const cols = Object.keys(chunk)
      for (let i = 0; i < n; i++) {
        const r: Row = {}
        for (const c of cols) r[c] = chunk[c]![i]
        if (group.length > 0 && group[0]!.canonical !== r.canonical) yield* flush()
        group.push(r)
      }
    }
  } finally {
    await restore()
  }
  yield* flush()
}

function rel(
  type: string,
  source: string,
  target: string,
  created: string,
  by: string,
  marks: string[],
  description?: string,
): StixObject {
  return {
    type: 'relationship',
    spec_version: '2.1',
    id: localId('relationship', `${type}\u001f${source}\u001f${target}`),
    created,
    modified: created,
    created_by_ref: by,
    relationship_type: type,
    source_ref: source,
    target_ref: target,
    ...(description ? { description } : {}),
    object_marking_refs: marks,
  }
}

/** The bundle as text chunks: a header line, one object per line, a footer (what the importer streams back). */
export async function* stixBundleLines(
  store: HoundStore,
  o: ExportOptions,
  stats?: ExportStats,
): AsyncGenerator<string> {
  yield `{"type":"bundle","id":"bundle--${randomUUID()}","objects":[\n`
  let first = true
  let buf = ''
  for await (const x of stixObjects(store, o, stats)) {
    buf += `${first ? '' : ',\n'}${JSON.stringify(x)}`
    first = false
    if (buf.length > 1 << 16) {
      yield buf
      buf = ''
    }
  }
  yield `${buf}\n]}\n`
}

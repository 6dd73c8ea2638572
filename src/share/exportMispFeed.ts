/**
 * `hound share export --format misp --out <dir>`: a native MISP feed (sharing.md §3.2), because MISP does not
 * understand the STIX wallet SCO: `manifest.json`, one `<event-uuid>.json` per incident (and one per other label
 * source and TLP), and `hashes.csv` (`md5(value),<event-uuid>` per attribute value, for overlap checks).
 *
 * Addresses become `btc` / `xmr` attributes (category "Financial fraud", to_ids) where MISP has a type, and a
 * `coin-address` object for every address (`address` / `address-xmr` / `address-crypto` + `symbol`). Event and
 * attribute uuids are deterministic (UUIDv5) so re-exports update rather than duplicate; the event timestamp is
 * the newest label's, so MISP re-downloads only changed events. Tags: `tlp:<level>` and, for a known actor, the
 * threat-actor and mitre-intrusion-set galaxy clusters. TLP:RED and received intelligence are never exported.
 * @module
 */
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Tlp, tlpLevels } from '../core/model.js'
import type { HoundStore } from '../store/HoundStore.js'
import { ensureIntelSchema } from '../store/intelSchema.js'
import { knownIntrusionSet } from './stixCommon.js'
import { LEDGERHOUND_NAMESPACE, uuidv5 } from './stixIds.js'

export type MispAddress = {
  readonly chain: string
  readonly address: string
  readonly asset?: string | null
  readonly comment?: string | null
  readonly createdAt: string
}

export type MispEventInput = {
  readonly uuid: string
  readonly info: string
  readonly date: string
  readonly tlp: Tlp
  readonly actor?: string | null
  readonly org: { name: string; uuid: string }
  readonly addresses: readonly MispAddress[]
}

const tag = (name: string) => ({ name, colour: '#ffffff', local: false, relationship_type: '' })

function symbolOf(a: MispAddress): string {
  if (a.asset) return a.asset === 'XBT' ? 'BTC' : a.asset.toUpperCase()
  if (a.chain.startsWith('btc')) return 'BTC'
  if (a.chain.startsWith('evm')) return 'ETH'
  return a.chain.toUpperCase()
}

const unix = (iso: string) => String(Math.floor(Date.parse(iso) / 1000) || 0)

/** A MISP event (`{"Event": …}`) in feed form, and its hashes.csv lines. */
export function buildMispEvent(e: MispEventInput): {
  event: Record<string, unknown>
  hashes: string[]
  timestamp: string
} {
  let newest = '1970-01-01T00:00:00Z'
  for (const a of e.addresses) if (a.createdAt > newest) newest = a.createdAt
  const ts = unix(newest)
  const tags = [tag(`tlp:${e.tlp}`)]
  const set = knownIntrusionSet(e.actor)
  if (set) {
    tags.push(
      tag(`misp-galaxy:threat-actor="${set.name}"`),
      tag(`misp-galaxy:mitre-intrusion-set="${set.name} - ${set.attack}"`),
    )
  }
  const attrs: Record<string, unknown>[] = []
  const objects: Record<string, unknown>[] = []
  const hashes: string[] = []
  const hash = (v: string) => hashes.push(`${createHash('md5').update(v, 'utf8').digest('hex')},${e.uuid}`)
  const id = (k: string) => uuidv5(`${e.uuid}\u001f${k}`, LEDGERHOUND_NAMESPACE)
  for (const a of e.addresses) {
    const sym = symbolOf(a)
    const type = sym === 'BTC' ? 'btc' : sym === 'XMR' ? 'xmr' : null
    const at = unix(a.createdAt)
    if (type) {
      attrs.push({
        uuid: id(`attr\u001f${a.address}`),
        category: 'Financial fraud',
        type,
        to_ids: true,
        value: a.address,
        comment: a.comment ?? '',
        timestamp: at,
      })
      hash(a.address)
    }
    const rel = type === 'btc' ? 'address' : type === 'xmr' ? 'address-xmr' : 'address-crypto'
    objects.push({
      name: 'coin-address',
      'meta-category': 'financial',
      description: 'An address used in a cryptocurrency',
      template_uuid: 'd0e6997e-78da-4815-a6a1-cfc1c1cb8a46',
      template_version: '7',
      uuid: id(`obj\u001f${a.address}`),
      timestamp: at,
      Attribute: [
        {
          uuid: id(`obj-attr\u001f${a.address}`),
          object_relation: rel,
          type: type ?? 'text',
          category: 'Financial fraud',
          to_ids: true,
          value: a.address,
          comment: a.comment ?? '',
          timestamp: at,
        },
        {
          uuid: id(`obj-sym\u001f${a.address}`),
          object_relation: 'symbol',
          type: 'text',
          category: 'Other',
          to_ids: false,
          value: sym,
          timestamp: at,
        },
      ],
    })
    if (!type) hash(a.address)
  }
  const event = {
    Event: {
      uuid: e.uuid,
      info: e.info,
      date: e.date,
      analysis: '2',
      threat_level_id: '1',
      published: true,
      timestamp: ts,
      publish_timestamp: ts,
      Orgc: e.org,
      Tag: tags,
      Attribute: attrs,
      Object: objects,
    },
  }
  return { event, hashes, timestamp: ts }
}

export type MispFeedOptions = {
  readonly institution: string
  readonly maxTlp?: Tlp
  readonly incidentId?: number
  readonly includeReceived?: boolean
}

/** Write the feed into `dir`. Returns the events written. */
export async function exportMispFeed(
  store: HoundStore,
  dir: string,
  o: MispFeedOptions,
): Promise<{ events: number; attributes: number }> {
  await ensureIntelSchema(store)
  const max = o.maxTlp ?? 'amber'
  const tlps = tlpLevels.filter((t) => t !== 'red' && tlpLevels.indexOf(t) <= tlpLevels.indexOf(max))
  const where = [`l.tlp IN (${tlps.map((t) => `'${t}'`).join(',')})`, 'l.valid_to IS NULL']
  const params: number[] = []
  if (o.incidentId !== undefined) {
    where.push('l.incident_id = ?')
    params.push(o.incidentId)
  }
  if (!o.includeReceived) where.push("l.source NOT LIKE 'share:%'")
  const rows = await store.all<Record<string, unknown>>(
    `SELECT l.*, i.name AS incident_name, i.occurred_at, i.actor AS incident_actor, i.tlp AS incident_tlp
     FROM intel_labels l LEFT JOIN intel_incidents i ON i.incident_id = l.incident_id
     WHERE ${where.join(' AND ')} ORDER BY l.incident_id NULLS LAST, l.source, l.tlp, l.canonical`,
    params,
  )
  const org = { name: o.institution, uuid: uuidv5(`institution\u001f${o.institution}`, LEDGERHOUND_NAMESPACE) }
  const groups = new Map<
    string,
    { input: Omit<MispEventInput, 'addresses'>; addresses: MispAddress[]; seen: Set<string> }
  >()
  for (const r of rows) {
    const inc = r.incident_id === null ? null : Number(r.incident_id)
    const tlp = r.tlp as Tlp
    const key = inc !== null ? `incident\u001f${inc}\u001f${tlp}` : `source\u001f${r.source}\u001f${tlp}`
    let g = groups.get(key)
    if (!g) {
      const info =
        inc !== null
          ? `${r.incident_name ?? `Incident ${inc}`}: laundering addresses`
          : `${r.source}: ${r.category} addresses`
      const date = String(r.occurred_at ?? r.valid_from ?? String(r.created_at)).slice(0, 10)
      g = {
        input: {
          uuid: uuidv5(`${o.institution}\u001f${key}`, LEDGERHOUND_NAMESPACE),
          info,
          date: /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : new Date().toISOString().slice(0, 10),
          tlp,
          actor: (r.incident_actor as string | null) ?? (r.actor as string | null) ?? (r.entity as string),
          org,
        },
        addresses: [],
        seen: new Set(),
      }
      groups.set(key, g)
    }
    if (g.seen.has(String(r.canonical))) continue
    g.seen.add(String(r.canonical))
    g.addresses.push({
      chain: String(r.chain),
      address: String(r.address),
      asset: r.asset as string | null,
      comment: `${r.category}: ${r.entity}${r.note ? ` (${r.note})` : ''}`,
      createdAt: String(r.created_at),
    })
  }
  mkdirSync(dir, { recursive: true })
  const manifest: Record<string, unknown> = {}
  const hashes: string[] = []
  let attributes = 0
  for (const g of groups.values()) {
    const { event, hashes: h, timestamp } = buildMispEvent({ ...g.input, addresses: g.addresses })
    writeFileSync(join(dir, `${g.input.uuid}.json`), `${JSON.stringify(event)}\n`)
    const ev = event.Event as Record<string, unknown>
    manifest[g.input.uuid] = {
      Orgc: org,
      Tag: ev.Tag,
      info: ev.info,
      date: ev.date,
      analysis: 2,
      threat_level_id: 1,
      timestamp: Number(timestamp),
    }
    hashes.push(...h)
    attributes += g.addresses.length
  }
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`)
  writeFileSync(join(dir, 'hashes.csv'), hashes.length ? `${hashes.join('\n')}\n` : '')
  return { events: groups.size, attributes }
}

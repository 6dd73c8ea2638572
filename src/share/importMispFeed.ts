/**
 * `hound share import --format misp <dir>`: a MISP feed (manifest.json + one `<uuid>.json` per event, as MISP and
 * `exportMispFeed` write it) becomes labels, with the same rules as the STIX import: the source is
 * `share:<Orgc.name>`, the reference the attribute's uuid, provenance in `share_received`, local judgement never
 * overwritten, re-import a no-op, everything staged and committed in one transaction (ImportStage) so nothing is
 * partially imported.
 *
 * Read: `btc` / `xmr` attributes and `coin-address` objects (`address`, `address-xmr`, `address-crypto` with the
 * `symbol` sibling giving the chain). TLP from the event's `tlp:` tag (TLP 1.0 `white` → clear; none → amber;
 * `tlp:red` events are skipped). The actor from a `misp-galaxy:threat-actor="…"` tag. The category and entity from
 * an attribute comment `<category>: <entity>` (our export's form), else `hacker` (actor known) or `other`, and the
 * event's info. Rejected whole: a missing/unreadable manifest, an event uuid that is not a UUID, a missing event
 * file, an event file over the size limit or nesting too deep. Skipped with a reason: implausible addresses, RED events.
 * @module
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ImportError } from '../core/errors.js'
import { type LabelCategory, labelCategories, type Tlp, tlpLevels } from '../core/model.js'
import { canonicalAddress, checkAddress } from '../intel/canonicalAddress.js'
import type { HoundStore } from '../store/HoundStore.js'
import { ensureIntelSchema } from '../store/intelSchema.js'
import { ensureShareSchema } from '../store/shareSchema.js'
import { ImportStage } from './ImportStage.js'
import { commitImport, guessChain, type ImportReport } from './importStix.js'
import { defaultBundleLimits, jsonDepth } from './readBundle.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const ADDRESS_RELATIONS = new Set(['address', 'address-xmr', 'address-crypto'])
const CHAIN_OF_SYMBOL: Record<string, string> = { BTC: 'btc', XBT: 'btc', ETH: 'evm-1', XMR: 'xmr' }

type Attr = { uuid?: unknown; type?: unknown; value?: unknown; comment?: unknown; object_relation?: unknown }

function reject(dir: string, msg: string): never {
  throw new ImportError(`${dir}: MISP feed rejected: ${msg}`, { details: { dir } })
}

/** TLP of an event's tags (TLP 2.0 and 1.0 names); amber when untagged. */
export function mispTlp(tags: unknown): Tlp {
  if (!Array.isArray(tags)) return 'amber'
  for (const t of tags) {
    const m = /^tlp:(.+)$/i.exec(String((t as { name?: unknown })?.name ?? ''))
    if (!m) continue
    const v = m[1]!.toLowerCase() === 'white' ? 'clear' : m[1]!.toLowerCase()
    if ((tlpLevels as readonly string[]).includes(v)) return v as Tlp
  }
  return 'amber'
}

function mispActor(tags: unknown): string | null {
  if (!Array.isArray(tags)) return null
  for (const t of tags) {
    const m = /^misp-galaxy:threat-actor="(.+)"$/.exec(String((t as { name?: unknown })?.name ?? ''))
    if (m) return m[1]!
  }
  return null
}

/** Import a MISP feed directory (see module doc). */
export async function importMispFeed(
  store: HoundStore,
  dir: string,
  o: { maxEventBytes?: number; maxDepth?: number } = {},
): Promise<ImportReport> {
  const maxBytes = o.maxEventBytes ?? defaultBundleLimits.maxJsonBytes
  const maxDepth = o.maxDepth ?? defaultBundleLimits.maxDepth
  const readJson = (file: string, what: string): unknown => {
    if (!existsSync(file)) reject(dir, `${what} is missing`)
    if (statSync(file).size > maxBytes) reject(dir, `${what} is over ${maxBytes} bytes`)
    let v: unknown
    try {
      v = JSON.parse(readFileSync(file, 'utf8'))
    } catch (e) {
      reject(dir, `${what} is not JSON: ${(e as Error).message}`)
    }
    if (jsonDepth(v, maxDepth) > maxDepth) reject(dir, `${what} nests deeper than ${maxDepth}`)
    return v
  }
  const manifest = readJson(join(dir, 'manifest.json'), 'manifest.json')
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest))
    reject(dir, 'manifest.json is not an object')
  const uuids = Object.keys(manifest as object)
  for (const u of uuids) if (!UUID.test(u)) reject(dir, `manifest lists ${JSON.stringify(u.slice(0, 80))}, not a UUID`)
  // pass 1: every event file is there and well-formed before anything is staged
  for (const u of uuids) {
    const ev = (readJson(join(dir, `${u}.json`), `${u}.json`) as { Event?: unknown })?.Event
    if (!ev || typeof ev !== 'object') reject(dir, `${u}.json has no Event`)
  }
  await ensureIntelSchema(store)
  await ensureShareSchema(store)
  const stage = await ImportStage.open(store)
  try {
    const skipped: ImportReport['skipped'] = []
    let skippedCount = 0
    const skip = (index: number, id: string | null, reason: string) => {
      skippedCount++
      if (skipped.length < 1000) skipped.push({ index, id, reason })
    }
    const institutions = new Set<string>()
    const byType: Record<string, number> = {}
    let objects = 0
    let indicators = 0
    for (const u of uuids) {
      const ev = (readJson(join(dir, `${u}.json`), `${u}.json`) as { Event: Record<string, unknown> }).Event
      const tlp = mispTlp(ev.Tag)
      const institution = String((ev.Orgc as { name?: unknown } | undefined)?.name ?? 'unknown MISP org')
      const actor = mispActor(ev.Tag)
      const entries: { a: Attr; symbol: string | null }[] = []
      for (const a of Array.isArray(ev.Attribute) ? (ev.Attribute as Attr[]) : [])
        if (a?.type === 'btc' || a?.type === 'xmr') entries.push({ a, symbol: a.type === 'btc' ? 'BTC' : 'XMR' })
      for (const ob of Array.isArray(ev.Object) ? (ev.Object as { name?: unknown; Attribute?: unknown }[]) : []) {
        if (ob?.name !== 'coin-address' || !Array.isArray(ob.Attribute)) continue
        const attrs = ob.Attribute as Attr[]
        const sym = attrs.find((x) => x?.object_relation === 'symbol')?.value
        for (const a of attrs)
          if (ADDRESS_RELATIONS.has(String(a?.object_relation)))
            entries.push({ a, symbol: typeof sym === 'string' ? sym.toUpperCase() : null })
      }
      // a coin-address object's attribute may carry no comment: take the event attribute's of the same value
      const comments = new Map<string, string>()
      for (const { a } of entries)
        if (typeof a.value === 'string' && typeof a.comment === 'string' && a.comment) comments.set(a.value, a.comment)
      const seen = new Set<string>()
      for (const { a, symbol } of entries) {
        const index = objects++
        byType[String(a.type ?? 'text')] = (byType[String(a.type ?? 'text')] ?? 0) + 1
        const id = typeof a.uuid === 'string' && UUID.test(a.uuid) ? a.uuid : null
        if (tlp === 'red') {
          skip(index, id, 'TLP:RED is not imported')
          continue
        }
        if (typeof a.value !== 'string' || !id) {
          skip(index, id, 'attribute without a string value and a uuid')
          continue
        }
        const c = checkAddress(a.value)
        if (!c.ok) {
          skip(index, id, `implausible address ${JSON.stringify(a.value.slice(0, 140))}: ${c.reason}`)
          continue
        }
        if (seen.has(c.canonical)) continue
        seen.add(c.canonical)
        const cm = /^([a-z_]+): (.*)$/s.exec(comments.get(a.value) ?? '')
        const category = cm && (labelCategories as readonly string[]).includes(cm[1]!) ? (cm[1] as LabelCategory) : null
        const chain = (symbol && CHAIN_OF_SYMBOL[symbol]) ?? guessChain(c.canonical, c.kind)
        institutions.add(institution)
        indicators++
        stage.label({
          scope: 'address',
          chain,
          address: a.value,
          canonical: canonicalAddress(a.value),
          categoryFixed: category,
          actorStated: true,
          actor,
          entity: cm && category ? cm[2]! : String(ev.info ?? u),
          institution,
          confidence: 'unknown',
          tlp,
          validFrom: typeof ev.date === 'string' ? ev.date : null,
          validTo: null,
          asset: symbol,
          reference: id,
          note: null,
          amount: null,
          policy: null,
        })
        stage.provenance(institution, id, String(ev.timestamp ?? ''), null, u)
      }
    }
    return await commitImport(
      stage,
      new Map(),
      { via: dir, sha256: null, objects, kind: 'misp' },
      { byType, institutions, indicators, skippedCount, skipped },
    )
  } finally {
    await stage.drop()
  }
}

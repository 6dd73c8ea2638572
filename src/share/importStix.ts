/**
 * `hound share import <file>` (and TAXII pulls): STIX 2.1 indicators of cryptocurrency wallets become labels.
 *
 * - Provenance: the label's source is `share:<institution>` (the identity named by the indicator's
 *   `created_by_ref`), its reference the indicator id; `share_received` records when, through which file or peer,
 *   the object's version and the sender's own source/reference. An `intel_imports` row (kind `stix`) is added.
 * - Local judgement is never overwritten: received statements are new rows under their own source; a peer saying
 *   "stolen funds" where we say "exchange" leaves both side by side. Re-importing is a no-op.
 * - Two streamed passes: the first validates everything (structure errors reject the bundle; bad objects are
 *   skipped and reported), the second stages the labels in DuckDB scratch tables; then one transaction writes
 *   them (ImportStage). Nothing is partially imported, and memory does not grow with the bundle.
 * - Accepted: our label extension (lossless round trip), foreign indicators with wallet patterns (equality, `IN`,
 *   `OR`), OpenCTI's `x-opencti-cryptocurrency-wallet`, dogesec's older `address` property, TLP 2.0 and 1.0
 *   markings (unmarked → amber). Skipped: unknown object types, objects using undeclared unknown extensions,
 *   bad ids/timestamps, non-wallet patterns, implausible addresses, TLP:RED.
 * @module
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { ImportError } from '../core/errors.js'
import { type LabelCategory, type LabelConfidence, labelCategories, labelConfidences, type Tlp } from '../core/model.js'
import { canonicalAddress, checkAddress } from '../intel/canonicalAddress.js'
import { normalizeChain } from '../intel/labels.js'
import type { HoundStore } from '../store/HoundStore.js'
import { ensureIntelSchema } from '../store/intelSchema.js'
import { ensureShareSchema } from '../store/shareSchema.js'
import { ImportStage } from './ImportStage.js'
import { TLP2_EXTENSION_ID, tlpOfRefs } from './markings.js'
import { type BundleLimits, readBundleObjects } from './readBundle.js'
import {
  INCIDENT_CORE_EXT_ID,
  LABEL_EXT_ID,
  OPENCTI_META_EXT_ID,
  OPENCTI_WALLET_EXT_ID,
  TX_EXT_ID,
  WALLET_EXT_ID,
} from './stixCommon.js'
import { validateStixObject } from './validateStix.js'

export type ImportReport = {
  readonly via: string
  readonly sha256: string | null
  readonly objects: number
  readonly byType: Record<string, number>
  readonly institutions: string[]
  readonly indicators: number
  readonly labelsAdded: number
  readonly labelsKnown: number
  readonly skippedCount: number
  /** The first 1,000 skipped objects with the reason. */
  readonly skipped: { index: number; id: string | null; reason: string }[]
  readonly importId: number | null
}

export type ImportOptions = {
  /** Institution when an indicator has no resolvable `created_by_ref` (TAXII: the peer's name). */
  readonly defaultInstitution?: string
  readonly limits?: Partial<BundleLimits>
  /** Identity id → name, seeded and filled across calls (TAXII pages split a bundle). */
  readonly identities?: Map<string, string>
  /** DuckDB memory cap while the import runs (MiB, default 256; DuckDB spills to disk beyond it). */
  readonly memoryLimitMiB?: number
}

const KNOWN_TYPES = new Set([
  'indicator',
  'relationship',
  'identity',
  'marking-definition',
  'extension-definition',
  'intrusion-set',
  'incident',
  'campaign',
  'threat-actor',
  'sighting',
  'cryptocurrency-wallet',
  'cryptocurrency-transaction',
  'x-opencti-cryptocurrency-wallet',
  'malware',
  'infrastructure',
  'observed-data',
  'note',
  'report',
])
const KNOWN_EXTS = new Set([
  WALLET_EXT_ID,
  TX_EXT_ID,
  LABEL_EXT_ID,
  OPENCTI_WALLET_EXT_ID,
  OPENCTI_META_EXT_ID,
  INCIDENT_CORE_EXT_ID,
  TLP2_EXTENSION_ID,
  'extension-definition--7cc33dd6-f6a1-489b-98ea-522d351d71b9',
])

const WALLET_TYPES = '(?:x-opencti-)?cryptocurrency-wallet:(?:value|address)'
const EQ = new RegExp(`^\\s*${WALLET_TYPES}\\s*=\\s*'((?:[^'\\\\]|\\\\.){1,200})'\\s*$`)
const IN = new RegExp(`^\\[\\s*${WALLET_TYPES}\\s+IN\\s*\\((.*)\\)\\s*\\]$`)

/** The addresses a STIX pattern matches when it is a wallet pattern; null otherwise. */
export function walletPatternAddresses(pattern: string): string[] | null {
  const p = pattern.trim()
  if (p.length > 1_000_000) return null
  const unq = (s: string) => s.replace(/\\(.)/g, '$1')
  const inm = IN.exec(p)
  if (inm) {
    const out: string[] = []
    const re = /\s*'((?:[^'\\]|\\.){1,200})'\s*(,|$)/y
    let m: RegExpExecArray | null
    re.lastIndex = 0
    while (re.lastIndex < inm[1]!.length && (m = re.exec(inm[1]!))) out.push(unq(m[1]!))
    return out.length ? out : null
  }
  if (!p.startsWith('[') || !p.endsWith(']')) return null
  const out: string[] = []
  for (const part of p.slice(1, -1).split(/\s+OR\s+/)) {
    const m = EQ.exec(part)
    if (!m) return null
    out.push(unq(m[1]!))
  }
  return out
}

function confidenceOf(ext: unknown, n: unknown): LabelConfidence {
  if (typeof ext === 'string' && (labelConfidences as readonly string[]).includes(ext)) return ext as LabelConfidence
  if (typeof n !== 'number') return 'unknown'
  return n >= 70 ? 'forensic_investigation' : n >= 40 ? 'heuristic' : 'unknown'
}

/** The category the object states (extension, then `labels`); null: decided later from the actor (ImportStage). */
function fixedCategoryOf(ext: unknown, labels: unknown): LabelCategory | null {
  const ok = (v: unknown) => typeof v === 'string' && (labelCategories as readonly string[]).includes(v)
  if (ok(ext)) return ext as LabelCategory
  if (Array.isArray(labels)) for (const l of labels) if (ok(l)) return l as LabelCategory
  return null
}

/** The chain an address's form implies when nothing states it (shared with the MISP importer). */
export function guessChain(canonical: string, kind: string): string {
  if (kind === 'evm') return 'evm-1'
  if (/^(bc1|[13])/.test(canonical)) return 'btc'
  return 'unknown'
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null)
/** Our extension's values kept exactly (an empty string stays empty). */
const raw = (v: unknown): string | null => (typeof v === 'string' ? v : null)

/**
 * Import the STIX objects produced by `source()` (called twice: validate, then stage; nothing is written to the
 * labels until both passes are through, then everything commits in one transaction — see ImportStage).
 */
export async function importStixObjects(
  store: HoundStore,
  source: () => AsyncIterable<unknown> | Iterable<unknown>,
  via: string,
  o: ImportOptions & { sha256?: string | null } = {},
): Promise<ImportReport> {
  await ensureIntelSchema(store)
  await ensureShareSchema(store)
  const stage = await ImportStage.open(store, o.memoryLimitMiB ? { memoryLimitMiB: o.memoryLimitMiB } : {})
  try {
    return await importStaged(stage, source, via, o)
  } finally {
    await stage.drop()
  }
}

async function importStaged(
  stage: ImportStage,
  source: () => AsyncIterable<unknown> | Iterable<unknown>,
  via: string,
  o: ImportOptions & { sha256?: string | null },
): Promise<ImportReport> {
  // pass 1: validate, collect identities, sets and declared extensions (small), stage `indicates` relationships
  const identities = o.identities ?? new Map<string, string>()
  const sets = new Map<string, string>()
  const declaredExts = new Set<string>()
  const skipped: ImportReport['skipped'] = []
  let skippedCount = 0
  const bad = new Set<number>()
  const byType: Record<string, number> = {}
  let n = 0
  const skip = (i: number, id: unknown, reason: string) => {
    bad.add(i)
    skippedCount++
    if (skipped.length < 1000) skipped.push({ index: i, id: typeof id === 'string' ? id : null, reason })
  }
  for await (const x of source()) {
    const i = n++
    const problems = validateStixObject(x)
    const ob = x as Record<string, unknown>
    if (problems.length) {
      skip(i, ob?.id, problems.join('; '))
      continue
    }
    const t = ob.type as string
    byType[t] = (byType[t] ?? 0) + 1
    if (!KNOWN_TYPES.has(t)) {
      skip(i, ob.id, `unsupported object type ${t}`)
      continue
    }
    if (t === 'extension-definition') declaredExts.add(ob.id as string)
    if (t === 'identity') identities.set(ob.id as string, String(ob.name))
    if (t === 'intrusion-set' || t === 'threat-actor') sets.set(ob.id as string, String(ob.name))
    if (
      t === 'relationship' &&
      ob.relationship_type === 'indicates' &&
      String(ob.source_ref).startsWith('indicator--') &&
      /^(intrusion-set|threat-actor)--/.test(String(ob.target_ref))
    )
      stage.relation(ob.source_ref as string, ob.target_ref as string)
  }
  // pass 2: extensions (declarations may come after use), then stage the labels and their provenance
  const institutions = new Set<string>()
  let indicators = 0
  let j = 0
  for await (const x of source()) {
    const i = j++
    if (bad.has(i)) continue
    const ob = x as Record<string, unknown>
    const exts = ob.extensions as Record<string, unknown> | undefined
    if (exts) {
      const unknown = Object.keys(exts).filter(
        (k) => k.startsWith('extension-definition--') && !KNOWN_EXTS.has(k) && !declaredExts.has(k),
      )
      if (unknown.length) {
        skip(i, ob.id, `unknown extension ${unknown.join(', ')}`)
        continue
      }
    }
    if (ob.type !== 'indicator') continue
    const addrs =
      typeof ob.pattern === 'string' && ob.pattern_type === 'stix' ? walletPatternAddresses(ob.pattern) : null
    if (!addrs) {
      skip(i, ob.id, 'not a cryptocurrency-wallet pattern')
      continue
    }
    const tlp: Tlp = tlpOfRefs(ob.object_marking_refs, 'amber')
    if (tlp === 'red') {
      skip(i, ob.id, 'TLP:RED is not imported')
      continue
    }
    const ext = ((ob.extensions as Record<string, Record<string, unknown>> | undefined)?.[LABEL_EXT_ID] ??
      {}) as Record<string, unknown>
    const by = str(ob.created_by_ref)
    const institution = (by && identities.get(by)) ?? o.defaultInstitution ?? (by ? `unknown:${by}` : 'unknown')
    const checked = addrs.map((a) => ({ a, c: checkAddress(a) }))
    const wrong = checked.find((c) => !c.c.ok)
    if (wrong) {
      skip(
        i,
        ob.id,
        `implausible address ${JSON.stringify(wrong.a.slice(0, 140))}: ${(wrong.c as { reason: string }).reason}`,
      )
      continue
    }
    let chain: string
    try {
      chain = normalizeChain(str(ext.chain) ?? 'unknown')
    } catch {
      skip(i, ob.id, `bad chain ${JSON.stringify(ext.chain)}`)
      continue
    }
    institutions.add(institution)
    indicators++
    const validTo = 'valid_to' in ext ? (raw(ext.valid_to) ?? str(ob.valid_until)) : str(ob.valid_until)
    for (const { a, c } of checked) {
      const ok = c as { canonical: string; kind: string }
      const published = addrs.length === 1 && str(ext.address) ? (ext.address as string) : a
      stage.label({
        scope: ext.scope === 'cluster' ? 'cluster' : 'address',
        chain: chain === 'unknown' ? guessChain(ok.canonical, ok.kind) : chain,
        address: published,
        canonical: canonicalAddress(published),
        categoryFixed: fixedCategoryOf(ext.category, ob.labels),
        actorStated: 'actor' in ext,
        actor: 'actor' in ext ? raw(ext.actor) : null,
        entity: raw(ext.entity) ?? str(ob.name),
        institution,
        confidence: confidenceOf(ext.confidence, ob.confidence),
        tlp,
        validFrom: 'valid_from' in ext ? raw(ext.valid_from) : str(ob.valid_from),
        validTo,
        asset: raw(ext.asset),
        reference: ob.id as string,
        note: raw(ext.note),
        amount: raw(ext.amount),
        policy: raw(ext.policy),
      })
    }
    stage.provenance(institution, ob.id as string, String(ob.modified), str(ext.source), str(ext.reference))
  }
  return commitImport(
    stage,
    sets,
    { via, sha256: o.sha256 ?? null, objects: n },
    { byType, institutions, indicators, skippedCount, skipped },
  )
}

/** Commit a staged import and build its report (shared by the STIX and MISP importers). */
export async function commitImport(
  stage: ImportStage,
  sets: ReadonlyMap<string, string>,
  meta: { via: string; sha256: string | null; objects: number; kind?: string },
  tally: Pick<ImportReport, 'byType' | 'indicators' | 'skippedCount' | 'skipped'> & {
    institutions: ReadonlySet<string>
  },
): Promise<ImportReport> {
  const institutions = [...tally.institutions]
  const r = await stage.commit(sets, {
    ...meta,
    sources: institutions.map((s) => `share:${s}`).join(',') || 'share:',
  })
  return {
    via: meta.via,
    sha256: meta.sha256,
    objects: meta.objects,
    byType: tally.byType,
    institutions,
    indicators: tally.indicators,
    labelsAdded: r.added,
    labelsKnown: r.known,
    skippedCount: tally.skippedCount,
    skipped: tally.skipped,
    importId: r.importId,
  }
}

/** SHA-256 of a file (streamed). */
export async function fileSha256(file: string): Promise<string> {
  const h = createHash('sha256')
  for await (const c of createReadStream(file)) h.update(c as Buffer)
  return h.digest('hex')
}

/** Import a STIX bundle file (see module doc). Throws ImportError when the bundle is structurally rejected. */
export async function importStixFile(store: HoundStore, file: string, o: ImportOptions = {}): Promise<ImportReport> {
  const sha256 = await fileSha256(file)
  // the structural checks run fully in pass 1, before anything is written
  const source = () => readBundleObjects(file, o.limits)
  try {
    return await importStixObjects(store, source, file, { ...o, sha256 })
  } catch (e) {
    if (e instanceof ImportError) throw e
    throw new ImportError(`${file}: import failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
  }
}

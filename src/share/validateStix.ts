/**
 * Offline STIX 2.1 checks (the JSON rules a test can apply without the OASIS validator): id format, required
 * common properties per kind, timestamp format, reference formats (created_by_ref → identity, marking refs →
 * marking-definition), extension keys, TLP marking consistency, and the shapes of the object types we use.
 * Returns the problems; an empty list means valid.
 * @module
 */
import { isConsistentTlpMarking } from './markings.js'

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
const ID = new RegExp(`^([a-z][a-z0-9-]{1,248}[a-z0-9])--${UUID}$`)
const TS = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?Z$/
const TYPE = /^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$/

/** SCO types (standard plus the crypto ones we know): no created/modified. */
export const SCO_TYPES = new Set([
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
  'cryptocurrency-wallet',
  'cryptocurrency-transaction',
  'x-opencti-cryptocurrency-wallet',
])

export function isStixId(v: unknown, type?: string): v is string {
  if (typeof v !== 'string') return false
  const m = ID.exec(v)
  return m !== null && (type === undefined || m[1] === type)
}

export function isStixTimestamp(v: unknown): v is string {
  return typeof v === 'string' && TS.test(v) && !Number.isNaN(Date.parse(v))
}

/** Problems of one object (empty = valid). */
export function validateStixObject(o: unknown): string[] {
  const e: string[] = []
  if (!o || typeof o !== 'object' || Array.isArray(o)) return ['not an object']
  const x = o as Record<string, unknown>
  const type = x.type
  if (typeof type !== 'string' || !TYPE.test(type)) return [`bad type ${JSON.stringify(type)}`]
  if (!isStixId(x.id, type)) e.push(`bad id ${JSON.stringify(x.id)}`)
  const isSco = SCO_TYPES.has(type)
  const isTlp1 = type === 'marking-definition' && x.definition_type === 'tlp'
  if (!isSco && !isTlp1 && x.spec_version !== '2.1') e.push('spec_version must be "2.1"')
  if (isSco && x.spec_version !== undefined && x.spec_version !== '2.1') e.push('spec_version must be "2.1"')
  if (!isSco) {
    if (!isStixTimestamp(x.created)) e.push('created missing or not a STIX timestamp')
    if (type !== 'marking-definition') {
      if (!isStixTimestamp(x.modified)) e.push('modified missing or not a STIX timestamp')
      else if (isStixTimestamp(x.created) && Date.parse(x.modified) < Date.parse(x.created))
        e.push('modified before created')
    }
  }
  if (x.created_by_ref !== undefined && !isStixId(x.created_by_ref, 'identity'))
    e.push('created_by_ref is not an identity id')
  if (x.object_marking_refs !== undefined) {
    if (!Array.isArray(x.object_marking_refs) || x.object_marking_refs.length === 0)
      e.push('object_marking_refs must be a non-empty list')
    else
      for (const r of x.object_marking_refs)
        if (!isStixId(r, 'marking-definition')) e.push(`bad marking ref ${JSON.stringify(r)}`)
  }
  if (
    x.confidence !== undefined &&
    !(Number.isInteger(x.confidence) && (x.confidence as number) >= 0 && (x.confidence as number) <= 100)
  )
    e.push('confidence must be an integer 0–100')
  if (x.extensions !== undefined) {
    if (!x.extensions || typeof x.extensions !== 'object' || Array.isArray(x.extensions))
      e.push('extensions must be an object')
    else
      for (const [k, v] of Object.entries(x.extensions as Record<string, unknown>)) {
        if (!isStixId(k, 'extension-definition') && !/^[a-z0-9-]+-ext$/.test(k)) e.push(`bad extension key ${k}`)
        if (!v || typeof v !== 'object' || Array.isArray(v)) e.push(`extension ${k} must be an object`)
      }
  }
  const str = (p: string) => {
    if (typeof x[p] !== 'string' || (x[p] as string).length === 0) e.push(`${p} is required`)
  }
  const ref = (p: string) => {
    if (!isStixId(x[p])) e.push(`${p} must be a STIX id`)
  }
  switch (type) {
    case 'indicator':
      str('pattern')
      str('pattern_type')
      if (!isStixTimestamp(x.valid_from)) e.push('valid_from missing or not a STIX timestamp')
      if (x.valid_until !== undefined && !isStixTimestamp(x.valid_until)) e.push('valid_until not a STIX timestamp')
      break
    case 'relationship':
      str('relationship_type')
      ref('source_ref')
      ref('target_ref')
      break
    case 'sighting':
      ref('sighting_of_ref')
      if (
        x.where_sighted_refs !== undefined &&
        (!Array.isArray(x.where_sighted_refs) || !x.where_sighted_refs.every((r) => isStixId(r)))
      )
        e.push('where_sighted_refs must be STIX ids')
      break
    case 'identity':
    case 'intrusion-set':
    case 'incident':
    case 'threat-actor':
    case 'campaign':
      str('name')
      break
    case 'marking-definition':
      if (!isConsistentTlpMarking(x)) e.push('TLP marking id, name and value disagree')
      break
    case 'extension-definition':
      for (const p of ['name', 'schema', 'version']) str(p)
      ref('created_by_ref')
      if (!Array.isArray(x.extension_types) || x.extension_types.length === 0) e.push('extension_types is required')
      break
    case 'cryptocurrency-wallet':
    case 'cryptocurrency-transaction':
      str('value')
      break
  }
  return e
}

/** Problems of a bundle (structure, then every object prefixed by its index and id). */
export function validateStixBundle(b: unknown): string[] {
  if (!b || typeof b !== 'object' || Array.isArray(b)) return ['bundle is not an object']
  const x = b as Record<string, unknown>
  const e: string[] = []
  if (x.type !== 'bundle') e.push('type must be "bundle"')
  if (!isStixId(x.id, 'bundle')) e.push('bad bundle id')
  if (x.objects !== undefined && !Array.isArray(x.objects)) e.push('objects must be a list')
  const objs = (Array.isArray(x.objects) ? x.objects : []) as unknown[]
  const markings = new Set<string>()
  for (const o of objs)
    if ((o as { type?: unknown })?.type === 'marking-definition') markings.add(String((o as { id: unknown }).id))
  objs.forEach((o, i) => {
    for (const p of validateStixObject(o)) e.push(`objects[${i}] ${(o as { id?: unknown })?.id ?? ''}: ${p}`)
    const refs = (o as { object_marking_refs?: unknown })?.object_marking_refs
    if (Array.isArray(refs))
      for (const r of refs) if (!markings.has(String(r))) e.push(`objects[${i}]: marking ${r} is not in the bundle`)
  })
  return e
}

/**
 * TLP markings: TLP 2.0 marking-definition objects we emit (exact, from oasis-open/cti-stix-common-objects),
 * and the TLP 1.0 ids we accept on import (WHITE → clear). sharing.md §1.6.
 * @module
 */
import { type Tlp, tlpLevels } from '../core/model.js'

export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d'

export const TLP2_IDS: Readonly<Record<Tlp, string>> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
}

export const TLP1_IDS: Readonly<Record<'white' | 'green' | 'amber' | 'red', string>> = {
  white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
}

export type StixObject = Record<string, unknown> & { type: string; id: string }

/** The TLP 2.0 marking-definition object for a level (name, id and value pinned together). */
export function tlp2Marking(t: Tlp): StixObject {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_IDS[t],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${t.toUpperCase()}`,
    extensions: { [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: t } },
  }
}

const BY_ID = new Map<string, Tlp>([
  ...(Object.entries(TLP2_IDS).map(([k, v]) => [v, k as Tlp]) as [string, Tlp][]),
  [TLP1_IDS.white, 'clear'],
  [TLP1_IDS.green, 'green'],
  [TLP1_IDS.amber, 'amber'],
  [TLP1_IDS.red, 'red'],
])

/** The TLP level of a TLP 2.0 or 1.0 marking-definition id, or null for another marking. */
export function tlpOfMarkingId(id: string): Tlp | null {
  return BY_ID.get(id) ?? null
}

/** The most restrictive TLP among marking refs; `fallback` when none is a TLP marking. */
export function tlpOfRefs(refs: unknown, fallback: Tlp): Tlp {
  if (!Array.isArray(refs)) return fallback
  let best = -1
  for (const r of refs) {
    const t = typeof r === 'string' ? tlpOfMarkingId(r) : null
    if (t) best = Math.max(best, tlpLevels.indexOf(t))
  }
  return best < 0 ? fallback : tlpLevels[best]!
}

/** Whether a marking-definition object is a well-formed TLP 2.0 or 1.0 definition whose id, name and value agree. */
export function isConsistentTlpMarking(o: Record<string, unknown>): boolean {
  const t = tlpOfMarkingId(String(o.id))
  if (!t) return true
  if (Object.values(TLP2_IDS).includes(String(o.id))) {
    const ext = (o.extensions as Record<string, Record<string, unknown>> | undefined)?.[TLP2_EXTENSION_ID]
    return o.name === `TLP:${t.toUpperCase()}` && ext?.tlp_2_0 === t
  }
  const def = o.definition as Record<string, unknown> | undefined
  const v = def?.tlp === 'white' ? 'clear' : def?.tlp
  return o.definition_type === 'tlp' && v === t
}

/** Whether a key cleared up to `max` may receive an object marked `t`. TLP:RED never leaves the instance. */
export function tlpAllowed(t: Tlp, max: Tlp): boolean {
  if (t === 'red') return false
  return tlpLevels.indexOf(t) <= tlpLevels.indexOf(max)
}

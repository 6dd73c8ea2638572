/**
 * The fixed STIX objects every bundle we emit carries: extension-definitions (dogesec wallet/transaction new-SCOs
 * and our label property-extension), the Lazarus Group intrusion-set (ATT&CK G0032 id, so TIPs merge), and
 * the institution identity. sharing.md §1.1–§1.7.
 * @module
 */
import type { StixObject } from './markings.js'
import { localId } from './stixIds.js'

export const WALLET_EXT_ID = 'extension-definition--be78509e-6958-51b1-8b26-d17ee0eba2d7'
export const TX_EXT_ID = 'extension-definition--151d042d-4dcf-5e44-843f-1024440318e5'
export const OPENCTI_WALLET_EXT_ID = 'extension-definition--f93e2c80-4231-4f9a-af8b-95c9bd566a82'
export const OPENCTI_META_EXT_ID = 'extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba'
export const INCIDENT_CORE_EXT_ID = 'extension-definition--ef765651-680c-498d-9894-99799f2fa126'
/** Ledgerhound's label property-extension (chain, category, provenance, amount), on wallets and indicators. */
export const LABEL_EXT_ID = 'extension-definition--3a1f6a55-7c1e-5b9e-9d0a-4c2e8f1b6d70'
export const DOGESEC_IDENTITY = 'identity--9779a2db-f98c-5f4b-8d08-8ee04e02dbb5'
export const LEDGERHOUND_IDENTITY = 'identity--1d3c4b5a-6f70-5182-a394-b5c6d7e8f901'

export const LAZARUS_ID = 'intrusion-set--c93fccb1-e8e8-42cf-ae33-2ad1d183913a'
/** ATT&CK intrusion sets we reference by their fixed ids (actor names as our labels spell them, lowercased). */
export const KNOWN_INTRUSION_SETS: Readonly<
  Record<string, { id: string; name: string; attack: string; aliases: string[] }>
> = {
  'lazarus group': {
    id: LAZARUS_ID,
    name: 'Lazarus Group',
    attack: 'G0032',
    aliases: ['Lazarus Group', 'Labyrinth Chollima', 'HIDDEN COBRA', 'Guardians of Peace', 'ZINC', 'NICKEL ACADEMY'],
  },
  apt38: {
    id: 'intrusion-set--00f67a77-86a4-4adf-be26-1a54fc713340',
    name: 'APT38',
    attack: 'G0082',
    aliases: ['APT38'],
  },
  applejeus: {
    id: 'intrusion-set--14225573-63b5-4e50-ba9a-5fdcaf6a7b4c',
    name: 'AppleJeus',
    attack: 'G1049',
    aliases: ['AppleJeus'],
  },
  andariel: {
    id: 'intrusion-set--39d6890e-7f23-4474-b8ef-e7b0343c5fc8',
    name: 'Andariel',
    attack: 'G0138',
    aliases: ['Andariel'],
  },
  'moonstone sleet': {
    id: 'intrusion-set--e6db1e55-b199-4b6b-8633-989345ee45e0',
    name: 'Moonstone Sleet',
    attack: 'G1036',
    aliases: ['Moonstone Sleet'],
  },
}

/** The intrusion set of an actor name, when it is a known ATT&CK group. */
export function knownIntrusionSet(actor: string | null | undefined) {
  if (!actor) return null
  const k = actor.trim().toLowerCase()
  return KNOWN_INTRUSION_SETS[k === 'lazarus' ? 'lazarus group' : k] ?? null
}

const EPOCH = '2020-01-01T00:00:00.000Z'

export function extensionDefinitions(): StixObject[] {
  return [
    {
      type: 'extension-definition',
      spec_version: '2.1',
      id: WALLET_EXT_ID,
      created_by_ref: DOGESEC_IDENTITY,
      created: EPOCH,
      modified: EPOCH,
      name: 'CryptocurrencyWallet',
      version: '1.0',
      extension_types: ['new-sco'],
      schema:
        'https://raw.githubusercontent.com/muchdogesec/stix2extensions/main/automodel_generated/schemas/scos/cryptocurrency-wallet.json',
    },
    {
      type: 'extension-definition',
      spec_version: '2.1',
      id: TX_EXT_ID,
      created_by_ref: DOGESEC_IDENTITY,
      created: EPOCH,
      modified: EPOCH,
      name: 'CryptocurrencyTransaction',
      version: '1.0',
      extension_types: ['new-sco'],
      schema:
        'https://raw.githubusercontent.com/muchdogesec/stix2extensions/main/automodel_generated/schemas/scos/cryptocurrency-transaction.json',
    },
    {
      type: 'extension-definition',
      spec_version: '2.1',
      id: LABEL_EXT_ID,
      created_by_ref: LEDGERHOUND_IDENTITY,
      created: EPOCH,
      modified: EPOCH,
      name: 'Ledgerhound label',
      description:
        'Chain (CAIP-2 or hound chain id), label category, entity, categorical confidence, provenance and amount.',
      version: '1.0',
      extension_types: ['property-extension'],
      schema: 'docs/sharing.md#the-ledgerhound-label-extension',
    },
  ]
}

export function ledgerhoundIdentity(): StixObject {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: LEDGERHOUND_IDENTITY,
    created: EPOCH,
    modified: EPOCH,
    name: 'Ledgerhound project',
    identity_class: 'organization',
  }
}

/** The identity of the exporting institution (deterministic id from its name). */
export function institutionIdentity(name: string): StixObject {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: localId('identity', `institution:${name}`),
    created: EPOCH,
    modified: EPOCH,
    name,
    identity_class: 'organization',
  }
}

export function intrusionSetObject(key: string): StixObject {
  const s = KNOWN_INTRUSION_SETS[key]!
  return {
    type: 'intrusion-set',
    spec_version: '2.1',
    id: s.id,
    created: '2017-05-31T21:32:08.328Z',
    modified: '2017-05-31T21:32:08.328Z',
    name: s.name,
    aliases: s.aliases,
    external_references: [
      { source_name: 'mitre-attack', external_id: s.attack, url: `https://attack.mitre.org/groups/${s.attack}/` },
    ],
  }
}

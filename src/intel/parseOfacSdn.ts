/**
 * Streaming parser for OFAC's `sdn_advanced.xml`: extracts every "Digital Currency Address - <TICKER>" feature
 * with its SDN party (primary name, A.K.A.s, party type), programs and listing date. Paths follow
 * reference/sharing.md §4.1 exactly. The file is ~120 MB, so it is parsed as a SAX stream (saxes) without a DOM;
 * only the parties that carry an address are kept in memory.
 *
 * Feature-type ids are read from the file's own `ReferenceValueSets/FeatureTypeValues` (not hard-coded), so a new
 * ticker in a future issue is picked up automatically.
 * @module
 */
import { createHash } from 'node:crypto'
import { StringDecoder } from 'node:string_decoder'
import { SaxesParser, type SaxesTagPlain } from 'saxes'
import { ImportError } from '../core/errors.js'
import { canonicalAddress } from './canonicalAddress.js'

/** One (address, party) pair of an issue. An address listed for two parties yields two entries. */
export type OfacAddressEntry = {
  /** OFAC ticker, e.g. XBT, ETH, USDT. */
  readonly ticker: string
  /** The string as published (EVM addresses keep OFAC's EIP-55 case). */
  readonly address: string
  /** Matching key (canonicalAddress). */
  readonly canonical: string
  readonly profileId: number
  readonly featureId: number
  /** Individual, Entity, Location, Transport, Other Entity. */
  readonly partyType: string
  readonly name: string
  /** A.K.A. names in document order. */
  readonly aliases: readonly string[]
  /** Program codes (e.g. DPRK3, CYBER2), in document order. */
  readonly programs: readonly string[]
  /** The "Created" entry event of the SDN entry, YYYY-MM-DD, or null. */
  readonly entryDate: string | null
  /** FeatureVersion reliability: Confirmed, Reported, False, Unknown. */
  readonly reliability: string
}

export type OfacIssue = {
  /** DateOfIssue, YYYY-MM-DD. */
  readonly issueDate: string
  /** SHA-256 (hex) of the XML bytes (the decompressed file when given .bz2). */
  readonly xmlSha256: string
  readonly xmlBytes: number
  /** Ticker → FeatureType id as declared in the file. */
  readonly tickers: ReadonlyMap<string, number>
  readonly entries: readonly OfacAddressEntry[]
}

const DCA_PREFIX = 'Digital Currency Address - '
const TEXT_DETAIL = '1432'
const SDN_LIST = '1550'

type Party = {
  profileId: number
  subType: string
  name: string
  aliases: string[]
  features: { featureId: number; ticker: string; address: string; reliability: string }[]
}
type Entry = { programs: Set<string>; date: string | null }

const pad2 = (s: string) => s.padStart(2, '0')

/** Parse an sdn_advanced.xml byte stream. Throws ImportError when the XML is malformed or not an SDN file. */
export async function parseOfacSdn(source: AsyncIterable<Uint8Array | string>, file = '<stream>'): Promise<OfacIssue> {
  const parser = new SaxesParser({ xmlns: false, position: false })
  const hash = createHash('sha256')
  let bytes = 0
  const decoder = new StringDecoder('utf8')

  const stack: string[] = []
  let text = ''
  let capture = false
  // reference values
  const featureTicker = new Map<string, string>()
  const subTypeToType = new Map<string, string>()
  const partyTypeName = new Map<string, string>()
  let refId = ''
  let refAttr = ''
  // issue date
  const issue = { y: '', m: '', d: '' }
  // parties
  const parties: Party[] = []
  let party: Party | null = null
  let inPrimaryIdentity = false
  let aliasKind: 'primary' | 'aka' | null = null
  let nameParts: string[] = []
  let feature: { featureId: number; ticker: string; reliability: string; address: string | null } | null = null
  let inTextDetail = false
  // sanctions entries
  const entries = new Map<number, Entry>()
  let entry: Entry | null = null
  let entryProfile = -1
  let inCreatedEvent = false
  const date = { y: '', m: '', d: '' }
  let inProgramMeasure = false
  let sawRoot = false

  parser.on('opentag', (tag: SaxesTagPlain) => {
    const n = tag.name
    const a = tag.attributes as Record<string, string>
    const parent = stack[stack.length - 1]
    stack.push(n)
    text = ''
    capture = false
    switch (n) {
      case 'Sanctions':
        sawRoot = true
        break
      case 'FeatureType':
      case 'PartySubType':
      case 'PartyType':
        refId = a.ID ?? ''
        refAttr = a.PartyTypeID ?? ''
        capture = true
        break
      case 'Year':
      case 'Month':
      case 'Day':
        capture = true
        break
      case 'Profile':
        if (parent === 'DistinctParty') {
          party = { profileId: Number(a.ID), subType: a.PartySubTypeID ?? '', name: '', aliases: [], features: [] }
        }
        break
      case 'Identity':
        inPrimaryIdentity = party !== null && a.Primary === 'true'
        break
      case 'Alias':
        if (inPrimaryIdentity) {
          aliasKind = a.Primary === 'true' ? 'primary' : a.AliasTypeID === '1400' ? 'aka' : null
          nameParts = []
        }
        break
      case 'NamePartValue':
        if (aliasKind) capture = true
        break
      case 'Feature':
        if (party && parent === 'Profile') {
          const ticker = featureTicker.get(a.FeatureTypeID ?? '')
          feature = ticker ? { featureId: Number(a.ID), ticker, reliability: '', address: null } : null
        }
        break
      case 'FeatureVersion':
        if (feature) feature.reliability = reliabilityName(a.ReliabilityID)
        break
      case 'VersionDetail':
        inTextDetail = feature !== null && a.DetailTypeID === TEXT_DETAIL
        capture = inTextDetail
        break
      case 'SanctionsEntry':
        if (a.ListID === SDN_LIST || a.ListID === undefined) {
          entryProfile = Number(a.ProfileID)
          entry = entries.get(entryProfile) ?? { programs: new Set(), date: null }
        }
        break
      case 'EntryEvent':
        inCreatedEvent = entry !== null && a.EntryEventTypeID === '1'
        date.y = date.m = date.d = ''
        break
      case 'SanctionsMeasure':
        inProgramMeasure = entry !== null && a.SanctionsTypeID === '1'
        break
      case 'Comment':
        if (inProgramMeasure) capture = true
        break
    }
  })

  parser.on('text', (t: string) => {
    if (capture) text += t
  })

  parser.on('closetag', (tag: SaxesTagPlain) => {
    const n = tag.name
    stack.pop()
    const parent = stack[stack.length - 1]
    const value = text.trim()
    switch (n) {
      case 'FeatureType':
        if (value.startsWith(DCA_PREFIX)) featureTicker.set(refId, value.slice(DCA_PREFIX.length).trim())
        break
      case 'PartySubType':
        subTypeToType.set(refId, refAttr)
        break
      case 'PartyType':
        partyTypeName.set(refId, value)
        break
      case 'Year':
      case 'Month':
      case 'Day': {
        const k = n === 'Year' ? 'y' : n === 'Month' ? 'm' : 'd'
        const grand = stack[stack.length - 2]
        if (parent === 'DateOfIssue') issue[k] = value
        else if (parent === 'Date' && grand === 'EntryEvent' && inCreatedEvent) date[k] = value
        break
      }
      case 'NamePartValue':
        if (aliasKind && value) nameParts.push(value)
        break
      case 'Alias':
        if (party && aliasKind === 'primary' && !party.name) party.name = nameParts.join(' ')
        else if (party && aliasKind === 'aka' && nameParts.length > 0) party.aliases.push(nameParts.join(' '))
        aliasKind = null
        break
      case 'Identity':
        inPrimaryIdentity = false
        break
      case 'VersionDetail':
        if (inTextDetail && feature && value) feature.address = value
        inTextDetail = false
        break
      case 'Feature':
        if (party && feature?.address) {
          party.features.push({
            featureId: feature.featureId,
            ticker: feature.ticker,
            address: feature.address,
            reliability: feature.reliability,
          })
        }
        feature = null
        break
      case 'Profile':
        if (party && parent === 'DistinctParty') {
          if (party.features.length > 0) parties.push(party)
          party = null
        }
        break
      case 'EntryEvent':
        if (inCreatedEvent && entry && date.y) entry.date = `${date.y}-${pad2(date.m || '1')}-${pad2(date.d || '1')}`
        inCreatedEvent = false
        break
      case 'Comment':
        if (inProgramMeasure && entry && value) entry.programs.add(value)
        break
      case 'SanctionsMeasure':
        inProgramMeasure = false
        break
      case 'SanctionsEntry':
        if (entry) entries.set(entryProfile, entry)
        entry = null
        break
    }
    text = ''
    capture = false
  })

  try {
    for await (const chunk of source) {
      if (typeof chunk === 'string') {
        hash.update(chunk)
        bytes += Buffer.byteLength(chunk)
        parser.write(chunk)
      } else {
        hash.update(chunk)
        bytes += chunk.length
        parser.write(decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)))
      }
    }
    parser.write(decoder.end())
    parser.close()
  } catch (e) {
    if (e instanceof ImportError) throw e
    throw new ImportError(
      `${file}: not a well-formed sdn_advanced.xml: ${e instanceof Error ? e.message : String(e)}`,
      {
        cause: e,
        details: { file, bytes },
      },
    )
  }
  if (!sawRoot || !issue.y) {
    throw new ImportError(`${file}: not an OFAC sdn_advanced.xml (no <Sanctions> root or DateOfIssue)`, {
      details: { file },
    })
  }
  if (featureTicker.size === 0) {
    throw new ImportError(`${file}: no "Digital Currency Address" feature types declared`, { details: { file } })
  }

  const out: OfacAddressEntry[] = []
  for (const p of parties) {
    const e = entries.get(p.profileId)
    const partyType = partyTypeName.get(subTypeToType.get(p.subType) ?? '') ?? 'Unknown'
    const programs = e ? [...e.programs] : []
    for (const f of p.features) {
      out.push({
        ticker: f.ticker,
        address: f.address,
        canonical: canonicalAddress(f.address),
        profileId: p.profileId,
        featureId: f.featureId,
        partyType,
        name: p.name,
        aliases: p.aliases,
        programs,
        entryDate: e?.date ?? null,
        reliability: f.reliability,
      })
    }
  }
  const tickers = new Map<string, number>()
  for (const [id, t] of featureTicker) tickers.set(t, Number(id))
  return {
    issueDate: `${issue.y}-${pad2(issue.m)}-${pad2(issue.d)}`,
    xmlSha256: hash.digest('hex'),
    xmlBytes: bytes,
    tickers,
    entries: out,
  }
}

function reliabilityName(id: string | undefined): string {
  switch (id) {
    case '1560':
      return 'Confirmed'
    case '91479':
      return 'Reported'
    case '1561':
      return 'False'
    default:
      return 'Unknown'
  }
}

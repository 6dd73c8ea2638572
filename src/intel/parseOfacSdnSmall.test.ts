import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openSdnFile } from './openSdnFile.js'
import { parseOfacSdn } from './parseOfacSdn.js'

// A minimal issue following sharing.md §4.1's paths (two parties share one address; one non-SDN list entry).
const XML = `<?xml version="1.0" encoding="utf-8"?>
<Sanctions xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML">
  <DateOfIssue><Year>2030</Year><Month>1</Month><Day>2</Day></DateOfIssue>
  <ReferenceValueSets>
    <FeatureTypeValues>
      <FeatureType ID="8" FeatureTypeGroupID="1">Birthdate</FeatureType>
      <FeatureType ID="344" FeatureTypeGroupID="1">Digital Currency Address - XBT</FeatureType>
      <FeatureType ID="9999" FeatureTypeGroupID="1">Digital Currency Address - NEW</FeatureType>
    </FeatureTypeValues>
    <PartySubTypeValues><PartySubType ID="3" PartyTypeID="2">Unknown</PartySubType><PartySubType ID="4" PartyTypeID="1">Unknown</PartySubType></PartySubTypeValues>
    <PartyTypeValues><PartyType ID="1">Individual</PartyType><PartyType ID="2">Entity</PartyType></PartyTypeValues>
  </ReferenceValueSets>
  <DistinctParties>
    <DistinctParty FixedRef="1"><Profile ID="1" PartySubTypeID="4">
      <Identity ID="11" Primary="true"><Alias AliasTypeID="1403" Primary="true"><DocumentedName>
        <DocumentedNamePart><NamePartValue>Doe</NamePartValue></DocumentedNamePart>
        <DocumentedNamePart><NamePartValue>John</NamePartValue></DocumentedNamePart></DocumentedName></Alias>
        <Alias AliasTypeID="1400" Primary="false"><DocumentedName><DocumentedNamePart><NamePartValue>JD</NamePartValue></DocumentedNamePart></DocumentedName></Alias>
      </Identity>
      <Feature ID="100" FeatureTypeID="344"><FeatureVersion ID="1" ReliabilityID="1560"><VersionDetail DetailTypeID="1432">1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V</VersionDetail></FeatureVersion></Feature>
      <Feature ID="101" FeatureTypeID="9999"><FeatureVersion ID="2" ReliabilityID="91479"><VersionDetail DetailTypeID="1432">NEWaddr123456789012345678901</VersionDetail></FeatureVersion></Feature>
      <Feature ID="102" FeatureTypeID="8"><FeatureVersion ID="3"><VersionDetail DetailTypeID="1432">not an address</VersionDetail></FeatureVersion></Feature>
    </Profile></DistinctParty>
    <DistinctParty FixedRef="2"><Profile ID="2" PartySubTypeID="3">
      <Identity ID="21" Primary="true"><Alias AliasTypeID="1403" Primary="true"><DocumentedName><DocumentedNamePart><NamePartValue>ACME Mixer</NamePartValue></DocumentedNamePart></DocumentedName></Alias></Identity>
      <Feature ID="200" FeatureTypeID="344"><FeatureVersion ID="4" ReliabilityID="1560"><VersionDetail DetailTypeID="1432">1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V</VersionDetail></FeatureVersion></Feature>
    </Profile></DistinctParty>
  </DistinctParties>
  <SanctionsEntries>
    <SanctionsEntry ID="1" ProfileID="1" ListID="1550">
      <EntryEvent EntryEventTypeID="1"><Date><Year>2021</Year><Month>3</Month><Day>4</Day></Date></EntryEvent>
      <SanctionsMeasure SanctionsTypeID="1"><Comment>CYBER2</Comment></SanctionsMeasure>
      <SanctionsMeasure SanctionsTypeID="1"><Comment>DPRK3</Comment></SanctionsMeasure>
      <SanctionsMeasure SanctionsTypeID="1705"><Comment>ignored</Comment></SanctionsMeasure>
    </SanctionsEntry>
    <SanctionsEntry ID="2" ProfileID="2" ListID="1550">
      <EntryEvent EntryEventTypeID="1"><Date><Year>2022</Year><Month>12</Month><Day>31</Day></Date></EntryEvent>
      <SanctionsMeasure SanctionsTypeID="1"><Comment>CYBER2</Comment></SanctionsMeasure>
    </SanctionsEntry>
  </SanctionsEntries>
</Sanctions>`

describe('parseOfacSdn on a minimal hand-written issue (plain .xml)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hound-sdn-'))

  it('follows the §4.1 paths: tickers from the file, both parties of a shared address, names, programs, dates', async () => {
    const f = join(dir, 'sdn.xml')
    writeFileSync(f, XML)
    const src = openSdnFile(f)
    expect(src.compressed).toBe(false)
    const issue = await parseOfacSdn(src.stream, f)
    expect(issue.issueDate).toBe('2030-01-02')
    expect([...issue.tickers]).toEqual([
      ['XBT', 344],
      ['NEW', 9999],
    ])
    expect(
      issue.entries.map((e) => [
        e.ticker,
        e.profileId,
        e.name,
        e.partyType,
        e.programs.join(';'),
        e.entryDate,
        e.reliability,
      ]),
    ).toEqual([
      ['XBT', 1, 'Doe John', 'Individual', 'CYBER2;DPRK3', '2021-03-04', 'Confirmed'],
      ['NEW', 1, 'Doe John', 'Individual', 'CYBER2;DPRK3', '2021-03-04', 'Reported'],
      ['XBT', 2, 'ACME Mixer', 'Entity', 'CYBER2', '2022-12-31', 'Confirmed'],
    ])
    expect(issue.entries[0]!.aliases).toEqual(['JD'])
    expect(src.fileSha256()).toBe(issue.xmlSha256)
  })

  it('rejects malformed XML, a non-SDN document and a missing file with HOUND_ERR_IMPORT', async () => {
    const bad = join(dir, 'bad.xml')
    writeFileSync(bad, XML.slice(0, 900))
    await expect(parseOfacSdn(openSdnFile(bad).stream, bad)).rejects.toMatchObject({ code: 'HOUND_ERR_IMPORT' })
    const other = join(dir, 'other.xml')
    writeFileSync(other, '<?xml version="1.0"?><rss><channel/></rss>')
    await expect(parseOfacSdn(openSdnFile(other).stream, other)).rejects.toMatchObject({ code: 'HOUND_ERR_IMPORT' })
    const fakeBz = join(dir, 'fake.xml.bz2')
    writeFileSync(fakeBz, 'BZh9 this is not bzip2 at all')
    await expect(parseOfacSdn(openSdnFile(fakeBz).stream, fakeBz)).rejects.toMatchObject({ code: 'HOUND_ERR_IMPORT' })
    expect(() => openSdnFile(join(dir, 'missing.xml'))).toThrow(expect.objectContaining({ code: 'HOUND_ERR_IMPORT' }))
  })
})

/**
 * `hound intel import ofac`: load an OFAC `sdn_advanced.xml[.bz2]` issue into the store and derive `sanctioned`
 * labels from it.
 *
 * - Every (address, party) pair of the issue is stored in `ofac_entries` with the issue's id; the issue itself in
 *   `intel_imports` with its date, the file's SHA-256 and the XML's SHA-256.
 * - Idempotent: an issue whose XML hash is already imported is not imported again.
 * - De-listings show up only as absence (sharing.md §4.1), so after every import the state is recomputed from all
 *   stored issues in issue-date order: a pair listed in the newest issue is in force; a pair missing from it was
 *   de-listed by the first issue after its last listing (`ofac_delistings`, and `valid_to` on its label). Importing
 *   an older issue after a newer one therefore changes nothing that is in force.
 * @module
 */
import { ImportError } from '../core/errors.js'
import { ChunkAppender } from '../store/ChunkAppender.js'
import type { HoundStore } from '../store/HoundStore.js'
import { bumpIntelVersion, ensureIntelSchema, nextId } from '../store/intelSchema.js'
import { insertLabels, type LabelInput, naturalKey } from './labels.js'
import { openSdnFile } from './openSdnFile.js'
import { type OfacIssue, parseOfacSdn } from './parseOfacSdn.js'

export const OFAC_SOURCE = 'ofac-sdn'

/** OFAC search page of an SDN profile (the `url` of facade identifications). */
export function ofacProfileUrl(profileId: number): string {
  return `https://sanctionssearch.ofac.treas.gov/Details.aspx?id=${profileId}`
}

/**
 * Chain of an OFAC ticker. Tickers are not chains (sharing.md §4.1): XBT is Bitcoin; USDT/USDC are tokens whose
 * chain follows from the address shape (0x… EVM, T… Tron).
 */
export function ofacTickerChain(ticker: string, address: string): string {
  const evm = /^0x[0-9a-fA-F]{40}$/.test(address)
  switch (ticker) {
    case 'XBT':
      return 'btc'
    case 'ETH':
      return 'evm-1'
    case 'ETC':
      return 'evm-61'
    case 'BSC':
      return 'evm-56'
    case 'ARB':
      return 'evm-42161'
    case 'USDT':
    case 'USDC':
      return evm ? 'evm-1' : address.startsWith('T') ? 'tron' : ticker.toLowerCase()
    case 'TRX':
      return 'tron'
    case 'SOL':
      return 'solana'
    case 'BNB':
      return evm ? 'evm-56' : 'bnb'
    default:
      return ticker.toLowerCase()
  }
}

export type OfacImportResult = {
  readonly importId: number
  readonly alreadyImported: boolean
  readonly issueDate: string
  readonly fileSha256: string
  readonly xmlSha256: string
  readonly entries: number
  readonly addresses: number
  readonly profiles: number
  readonly perTicker: Readonly<Record<string, number>>
  /** Pairs in force after this import, and de-listed pairs known so far. */
  readonly listed: number
  readonly delisted: number
  /** Labels newly created, and labels whose validity changed (closed by a de-listing or re-opened). */
  readonly labelsAdded: number
  readonly labelsChanged: number
}

/** Import an issue from a file (`.xml` or `.xml.bz2`). */
export async function importOfacFile(store: HoundStore, file: string): Promise<OfacImportResult> {
  const src = openSdnFile(file)
  const issue = await parseOfacSdn(src.stream, file)
  return importOfacIssue(store, issue, { file, fileSha256: src.fileSha256() })
}

export async function importOfacIssue(
  store: HoundStore,
  issue: OfacIssue,
  meta: { file: string; fileSha256: string },
): Promise<OfacImportResult> {
  await ensureIntelSchema(store)
  if (issue.entries.length === 0) {
    throw new ImportError(`${meta.file}: the issue lists no digital-currency addresses; refusing to import`, {
      details: { file: meta.file },
    })
  }
  const perTicker: Record<string, number> = {}
  for (const t of new Set(issue.entries.map((e) => `${e.ticker}|${e.address}`))) {
    const k = t.slice(0, t.indexOf('|'))
    perTicker[k] = (perTicker[k] ?? 0) + 1
  }
  const summary = {
    issueDate: issue.issueDate,
    fileSha256: meta.fileSha256,
    xmlSha256: issue.xmlSha256,
    entries: issue.entries.length,
    addresses: new Set(issue.entries.map((e) => `${e.ticker}|${e.address}`)).size,
    profiles: new Set(issue.entries.map((e) => e.profileId)).size,
    perTicker,
  }
  const prior = await store.one<{ import_id: bigint }>(
    "SELECT import_id FROM intel_imports WHERE kind = 'ofac' AND content_sha256 = ?",
    [issue.xmlSha256],
  )
  if (prior) {
    const state = await ofacState(store)
    return {
      ...summary,
      importId: Number(prior.import_id),
      alreadyImported: true,
      listed: state.listed,
      delisted: state.delisted,
      labelsAdded: 0,
      labelsChanged: 0,
    }
  }
  return store.transaction(async () => {
    const importId = await nextId(store, 'intel_imports', 'import_id')
    await store.run(`INSERT INTO intel_imports VALUES (?, 'ofac', ?, ?, ?, ?, ?, ?, 0, 0, now())`, [
      importId,
      OFAC_SOURCE,
      meta.file,
      meta.fileSha256,
      issue.xmlSha256,
      issue.issueDate,
      issue.entries.length,
    ])
    const app = new ChunkAppender(
      await store.appender('ofac_entries'),
      ['i64', 'str', 'str', 'str', 'str', 'i64', 'i64', 'str', 'str', 'str', 'str', 'str', 'str'],
      'ofac_entries',
    )
    for (const e of issue.entries) {
      app.i64(0, importId)
      app.str(1, e.ticker)
      app.str(2, ofacTickerChain(e.ticker, e.address))
      app.str(3, e.address)
      app.str(4, e.canonical)
      app.i64(5, e.profileId)
      app.i64(6, e.featureId)
      app.str(7, e.partyType)
      app.str(8, e.name)
      app.str(9, e.programs.join(';'))
      if (e.entryDate === null) app.null(10)
      else app.str(10, e.entryDate)
      app.str(11, e.reliability)
      app.str(12, e.aliases.join(' | '))
      app.endRow()
    }
    app.close()
    const r = await recomputeOfacLabels(store, importId)
    await store.run('UPDATE intel_imports SET labels_added = ?, labels_closed = ? WHERE import_id = ?', [
      r.added,
      r.changed,
      importId,
    ])
    await bumpIntelVersion(store)
    return {
      ...summary,
      importId,
      alreadyImported: false,
      listed: r.listed,
      delisted: r.delisted,
      labelsAdded: r.added,
      labelsChanged: r.changed,
    }
  })
}

type EntryRow = {
  import_id: bigint
  issue_date: string
  ticker: string
  chain: string
  address: string
  canonical: string
  profile_id: bigint
  party_type: string
  name: string
  programs: string
  entry_date: string | null
  reliability: string
}

async function ofacState(store: HoundStore): Promise<{ listed: number; delisted: number }> {
  const l = await store.one<{ n: bigint }>(
    `SELECT count(*) AS n FROM intel_labels WHERE source = '${OFAC_SOURCE}' AND valid_to IS NULL`,
  )
  const d = await store.one<{ n: bigint }>('SELECT count(*) AS n FROM ofac_delistings')
  return { listed: Number(l?.n ?? 0), delisted: Number(d?.n ?? 0) }
}

/** Rebuild de-listings and the validity of OFAC labels from every stored issue (see module doc). */
async function recomputeOfacLabels(
  store: HoundStore,
  importId: number,
): Promise<{ added: number; changed: number; listed: number; delisted: number }> {
  const rows = await store.all<EntryRow>(
    `SELECT e.*, i.issue_date FROM ofac_entries e JOIN intel_imports i USING (import_id)
     ORDER BY i.issue_date, e.import_id`,
  )
  const issues = [...new Set(rows.map((r) => r.issue_date))].sort()
  const latest = issues[issues.length - 1]!
  const issueImport = new Map(rows.map((r) => [r.issue_date, Number(r.import_id)]))
  // pair → the row from its most recent listing
  const lastRow = new Map<string, EntryRow>()
  for (const r of rows) lastRow.set(`${r.ticker}|${r.canonical}|${r.profile_id}`, r)
  const labels: LabelInput[] = []
  const validTo = new Map<string, string | null>()
  const delistings: (string | number | null)[][] = []
  for (const r of lastRow.values()) {
    let to: string | null = null
    if (r.issue_date !== latest) {
      to = issues[issues.indexOf(r.issue_date) + 1]!
      delistings.push([
        r.ticker,
        r.address,
        r.canonical,
        Number(r.profile_id),
        r.name,
        r.issue_date,
        to,
        issueImport.get(to) ?? importId,
      ])
    }
    const label: LabelInput = {
      scope: 'address',
      chain: r.chain,
      address: r.address,
      category: 'sanctioned',
      entity: r.name,
      actor: null,
      source: OFAC_SOURCE,
      confidence: 'official_list',
      tlp: 'clear',
      validFrom: r.entry_date,
      validTo: to,
      asset: r.ticker,
      reference: ofacProfileUrl(Number(r.profile_id)),
      note: `SDN profile ${r.profile_id}; ${r.party_type}; programs ${r.programs}; reliability ${r.reliability}`,
      importId: Number(r.import_id),
    }
    labels.push(label)
    validTo.set(naturalKey(label), to)
  }
  await store.run('DELETE FROM ofac_delistings')
  for (const d of delistings) await store.run('INSERT INTO ofac_delistings VALUES (?, ?, ?, ?, ?, ?, ?, ?)', d)
  const { added } = await insertLabels(store, labels)
  // Existing labels whose validity changed (de-listed now, or listed again).
  const stored = await store.all<{ label_id: bigint; natural_key: string; valid_to: string | null }>(
    `SELECT label_id, natural_key, valid_to FROM intel_labels WHERE source = '${OFAC_SOURCE}'`,
  )
  let changed = 0
  for (const s of stored) {
    const want = validTo.get(s.natural_key)
    if (want === undefined || want === s.valid_to) continue
    await store.run('UPDATE intel_labels SET valid_to = ? WHERE label_id = ?', [want, s.label_id])
    changed++
  }
  return { added, changed, listed: labels.length - delistings.length, delisted: delistings.length }
}

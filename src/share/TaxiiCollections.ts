/**
 * The objects a TAXII server hosts, in DuckDB (`share_taxii_entries`, src/store/shareSchema.ts), ordered by
 * `date_added` (microsecond TAXII timestamps, unique and increasing, so the order is total and `added_after` is
 * exact). Collections are audiences: one per TLP level (clear, green, amber, amber+strict) holding the objects marked
 * at most that level, and an `inbox` peers write to. TLP:RED objects are never stored.
 *
 * Memory does not grow with the collections: `load` streams this institution's export into a scratch table and
 * merges it with one INSERT … SELECT (objects already present keep their `date_added`, so a refresh only appends
 * what changed); a page is one SQL query (`date_added_us > t ORDER BY date_added_us LIMIT n`, which DuckDB's zone
 * maps make O(page + skipped row groups)). `is_first`/`is_last` flags, kept up to date on every write, answer
 * `match[version]=first|last` without grouping at read time. `hound serve` keeps this in its own DuckDB file beside
 * the store (`<store>.taxii`), so other hound processes can write to the store meanwhile.
 * @module
 */
import { type Tlp, tlpLevels } from '../core/model.js'
import { ChunkAppender } from '../store/ChunkAppender.js'
import { HoundStore } from '../store/HoundStore.js'
import { ensureShareSchema, ensureTaxiiSchema } from '../store/shareSchema.js'
import { stixObjects } from './exportStix.js'
import { type StixObject, tlpOfRefs } from './markings.js'
import { LEDGERHOUND_NAMESPACE, uuidv5 } from './stixIds.js'

export type TaxiiEntry = {
  readonly id: string
  readonly type: string
  readonly version: string
  readonly specVersion: string
  readonly dateAdded: string
  readonly tlp: Tlp
  /** The object's JSON text (present for object pages, absent for manifests). */
  readonly json?: string
}

export type CollectionInfo = {
  readonly id: string
  readonly alias: string
  readonly title: string
  /** Most restricted TLP held; a key needs this clearance to read. Null for the inbox. */
  readonly tlp: Tlp | null
  readonly writable: boolean
}

export const AUDIENCES: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict']

export const COLLECTIONS: readonly CollectionInfo[] = [
  ...AUDIENCES.map((t) => ({
    id: uuidv5(`taxii-collection\u001f${t}`, LEDGERHOUND_NAMESPACE),
    alias: `intel-${t.replace('+', '-')}`,
    title: `Laundering-address intelligence up to TLP:${t.toUpperCase()}`,
    tlp: t,
    writable: false,
  })),
  {
    id: uuidv5('taxii-collection\u001finbox', LEDGERHOUND_NAMESPACE),
    alias: 'inbox',
    title: 'Inbox (peers write here)',
    tlp: null,
    writable: true,
  },
].sort((a, b) => a.id.localeCompare(b.id))

/** TAXII timestamp with microseconds. */
export function taxiiTs(ms: number, micros: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`
}

/** TAXII timestamp of an instant in microseconds. */
export function taxiiTsOfMicros(us: number): string {
  return taxiiTs(Math.floor(us / 1000), us % 1000)
}

/** Instant of a STIX/TAXII timestamp in microseconds (any fractional precision). */
export function micros(ts: string): number {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(ts)
  if (!m) return Number.NaN
  const base = Date.parse(`${m[1]}Z`)
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6)
  return base * 1000 + Number(frac)
}

/** What a page asks for (TAXII filters, already parsed). */
export type PageQuery = {
  readonly maxTlp: Tlp
  /** Strictly after this instant (µs); from added_after and/or the next token. */
  readonly afterMicros?: number
  readonly limit: number
  readonly ids?: readonly string[]
  readonly types?: readonly string[]
  readonly specVersions?: readonly string[]
  /** match[version] values: last, first, all, or timestamps. Default ['last']. */
  readonly versions?: readonly string[]
  /** Include each object's JSON (objects endpoint) or not (manifest). */
  readonly withJson: boolean
}

export type Page = { items: TaxiiEntry[]; more: boolean }

const rank = (t: Tlp) => tlpLevels.indexOf(t)

/** Each audience collection with the highest TLP rank it holds. */
const AUDIENCE_RANKS = COLLECTIONS.filter((c) => c.tlp).map((c) => [c.id, rank(c.tlp!)] as const)

/** Adds `col IN (vs…)` to a WHERE list when `vs` is given. */
function inList(col: string, vs: readonly string[] | undefined, where: string[], params: (string | number)[]): void {
  if (!vs) return
  where.push(`${col} IN (${vs.map(() => '?').join(', ')})`)
  params.push(...vs)
}

/** Adds the match[version] condition (last, first, timestamps; nothing for all) to a WHERE list. */
function matchVersions(vs: readonly string[], where: string[], params: (string | number)[]): void {
  if (vs.includes('all')) return
  const or: string[] = []
  if (vs.includes('last')) or.push('is_last')
  if (vs.includes('first')) or.push('is_first')
  const exact = vs.filter((v) => v !== 'last' && v !== 'first').map(micros)
  if (exact.length) {
    or.push(`version_us IN (${exact.map(() => '?').join(', ')})`)
    params.push(...exact)
  }
  where.push(`(${or.join(' OR ')})`)
}

const STAGE_COLS = ['i64', 'str', 'str', 'str', 'i64', 'str', 'u8', 'str'] as const

type Row = {
  id: string
  type: string
  version: string
  spec_version: string
  date_added_us: bigint | number
  tlp_rank: number
  json?: string
}

export class TaxiiCollections {
  private lastMicros = 0
  /** One query at a time on the connection. */
  private chain: Promise<unknown> = Promise.resolve()

  private constructor(readonly db: HoundStore) {}

  /** Open (or create) the collection store at `path` (`:memory:` in tests). */
  static async open(
    path: string,
    { memoryLimitMiB = 256 }: { memoryLimitMiB?: number } = {},
  ): Promise<TaxiiCollections> {
    const db = await HoundStore.open(path)
    // a server-side cache, not the analyst's store: bounded, spilling to disk beyond the limit
    await db.run(`SET memory_limit = '${memoryLimitMiB}MB'`)
    await ensureTaxiiSchema(db)
    const c = new TaxiiCollections(db)
    const r = await db.one<{ m: bigint | number | null }>('SELECT max(date_added_us) AS m FROM share_taxii_entries')
    c.lastMicros = r?.m === null || r?.m === undefined ? 0 : Number(r.m)
    return c
  }

  close(): void {
    this.db.close()
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const r = this.chain.then(fn)
    this.chain = r.catch(() => undefined)
    return r
  }

  /** Start of the next block of `n` date_added values (µs), strictly after every one given so far. */
  private reserve(n: number): number {
    const start = Math.max(Date.now() * 1000, this.lastMicros + 1)
    this.lastMicros = start + n - 1
    return start
  }

  /**
   * Add objects: each to the collections given by `target` (a collection id, or 'audiences' = every audience
   * collection cleared for its TLP). Idempotent per collection, id and version. TLP:RED objects are skipped.
   * Returns, per object in order, its version in the collection (null when not stored: RED).
   */
  async add(
    target: string,
    objects: Iterable<StixObject> | AsyncIterable<StixObject>,
    { prune = false }: { prune?: boolean } = {},
  ): Promise<(string | null)[]> {
    return this.serial(async () => {
      const db = this.db
      await db.run('DELETE FROM share_taxii_stage')
      const app = new ChunkAppender(await db.appender('share_taxii_stage'), STAGE_COLS, 'share_taxii_stage')
      const out: (string | null)[] = []
      let seq = 0
      for await (const o of objects) {
        const tlp = tlpOfRefs(o.object_marking_refs, 'clear')
        if (tlp === 'red') {
          out.push(null)
          continue
        }
        const version = String(o.modified ?? o.created ?? '')
        out.push(version)
        app.i64(0, seq++)
        app.str(1, o.id)
        app.str(2, o.type)
        app.str(3, version)
        app.i64(4, version ? micros(version) : 0)
        app.str(5, String(o.spec_version ?? '2.1'))
        app.u8(6, rank(tlp))
        app.str(7, JSON.stringify(o))
        app.endRow()
      }
      app.close()
      if (prune && target === 'audiences') await this.pruneAudiences()
      if (seq === 0) return out
      const cols = target === 'audiences' ? AUDIENCE_RANKS : [[target, rank('amber+strict')] as const]
      const values = cols.map((_, i) => `(?, ?, ${i})`).join(', ')
      const base = this.reserve(seq * cols.length)
      await db.transaction(async () => {
        // date_added = base + seq × collections + ord: unique and in (object, collection) order without a window
        // over the whole load; an (id, version) staged twice keeps its first occurrence
        await db.run(
          `INSERT INTO share_taxii_entries
          SELECT collection_id, id, type, CASE WHEN version = '' THEN NULL ELSE version END,
            CASE WHEN version = '' THEN da ELSE version_us END, spec_version, da, tlp_rank, true, true, json
          FROM (
            SELECT c.collection_id, s.*, ? + s.seq * ${cols.length} + c.ord AS da
            FROM share_taxii_stage s
            JOIN (VALUES ${values}) c(collection_id, max_rank, ord) ON s.tlp_rank <= c.max_rank
            WHERE NOT EXISTS (SELECT 1 FROM (SELECT id, version, min(seq) AS first FROM share_taxii_stage
                                             GROUP BY id, version HAVING count(*) > 1) d
                              WHERE d.id = s.id AND d.version = s.version AND d.first <> s.seq)
              AND NOT EXISTS (SELECT 1 FROM share_taxii_entries e WHERE e.collection_id = c.collection_id
                              AND e.id = s.id AND coalesce(e.version, '') = s.version))`,
          [base, ...cols.flat()],
        )
        // first/last version flags (new rows come in as both): only objects now holding several versions change
        await db.run(
          `UPDATE share_taxii_entries SET is_first = (version_us = m.mn), is_last = (version_us = m.mx)
          FROM (SELECT collection_id, id, min(version_us) AS mn, max(version_us) AS mx FROM share_taxii_entries
                WHERE id IN (SELECT id FROM share_taxii_stage) GROUP BY ALL HAVING count(*) > 1) m
          WHERE share_taxii_entries.collection_id = m.collection_id AND share_taxii_entries.id = m.id`,
        )
      })
      await db.run('DELETE FROM share_taxii_stage')
      return out
    })
  }

  /**
   * Withdraw from every audience collection the objects the staged (complete, current) export no longer shares with
   * that audience: a label deleted, or its TLP raised (to RED, or above the collection's level). All versions of such
   * an object leave the collection, so no client pulling it afterwards gets the content. (Not a `revoked: true`
   * version: wallet SCOs cannot be revoked and an indicator stub would still carry the address in its pattern.)
   */
  private async pruneAudiences(): Promise<void> {
    const cols = AUDIENCE_RANKS
    await this.db.run(
      `DELETE FROM share_taxii_entries WHERE collection_id IN (${cols.map(() => '?').join(', ')})
        AND NOT EXISTS (SELECT 1 FROM share_taxii_stage s
                        JOIN (VALUES ${cols.map(() => '(?, ?)').join(', ')}) c(collection_id, max_rank)
                          ON s.tlp_rank <= c.max_rank
                        WHERE c.collection_id = share_taxii_entries.collection_id AND s.id = share_taxii_entries.id)`,
      [...cols.map((c) => c[0]), ...cols.flat()],
    )
  }

  /**
   * Load this institution's shareable intelligence (export up to amber+strict, streamed) and the store's inbox.
   * The export is complete, so objects it no longer shares with an audience (deleted, or TLP raised) are withdrawn
   * from that audience's collection (see pruneAudiences); the inbox is left as peers wrote it.
   */
  async load(store: HoundStore, institution: string): Promise<void> {
    await this.add('audiences', stixObjects(store, { institution, maxTlp: 'amber+strict' }), { prune: true })
    await ensureShareSchema(store)
    const inbox = COLLECTIONS.find((c) => c.writable)!.id
    async function* posted() {
      for await (const ch of store.chunks(
        'SELECT json FROM share_taxii_objects WHERE collection_id = ? ORDER BY date_added',
        [inbox],
      ))
        for (const j of ch.json as string[]) yield JSON.parse(j) as StixObject
    }
    await this.add(inbox, posted())
  }

  /** Objects in a collection (all versions, every TLP). */
  async count(collectionId: string): Promise<number> {
    const r = await this.serial(() =>
      this.db.one<{ n: bigint }>('SELECT count(*) AS n FROM share_taxii_entries WHERE collection_id = ?', [
        collectionId,
      ]),
    )
    return Number(r?.n ?? 0)
  }

  /** One page of a collection (filters, added_after/next, limit), keeping the key's TLP. */
  async page(collectionId: string, q: PageQuery): Promise<Page> {
    const where = ['collection_id = ?', 'tlp_rank <= ?']
    const params: (string | number)[] = [collectionId, rank(q.maxTlp)]
    if (q.afterMicros !== undefined) {
      where.push('date_added_us > ?')
      params.push(q.afterMicros)
    }
    inList('id', q.ids, where, params)
    inList('type', q.types, where, params)
    inList('spec_version', q.specVersions, where, params)
    matchVersions(q.versions ?? ['last'], where, params)
    params.push(q.limit + 1)
    const cond = where.join(' AND ')
    const rows = await this.serial(async () => {
      // the page's rows without their JSON first (a top-N over narrow columns), then the JSON of exactly those rows
      // by their date_added range, which zone maps narrow to a few row groups
      const page = await this.db.all<Row>(
        `SELECT id, type, version, spec_version, date_added_us, tlp_rank FROM share_taxii_entries
        WHERE ${cond} ORDER BY date_added_us LIMIT ?`,
        params,
      )
      if (!q.withJson || page.length === 0) return page
      const lo = page[0]!.date_added_us
      const hi = page[page.length - 1]!.date_added_us
      const js = await this.db.columns(
        `SELECT date_added_us, json FROM share_taxii_entries
        WHERE collection_id = ? AND date_added_us BETWEEN ? AND ? ORDER BY date_added_us`,
        [collectionId, lo, hi],
      )
      const byDa = new Map<number, string>()
      const das = js.date_added_us as (bigint | number)[]
      const jsons = js.json as string[]
      for (let i = 0; i < das.length; i++) byDa.set(Number(das[i]), jsons[i]!)
      for (const r of page) r.json = byDa.get(Number(r.date_added_us))!
      return page
    })
    const more = rows.length > q.limit
    if (more) rows.pop()
    return { items: rows.map(entryOf), more }
  }

  /**
   * Delete versions of one object from a collection (TAXII DELETE): `versions` as match[version] (default all),
   * optionally only some spec versions. Returns how many rows were deleted; first/last flags are recomputed.
   */
  async remove(
    collectionId: string,
    id: string,
    o: { versions?: readonly string[]; specVersions?: readonly string[] } = {},
  ): Promise<number> {
    const where = ['collection_id = ?', 'id = ?']
    const params: (string | number)[] = [collectionId, id]
    matchVersions(o.versions ?? ['all'], where, params)
    inList('spec_version', o.specVersions, where, params)
    return this.serial(() =>
      this.db.transaction(async () => {
        const n = await this.db.one<{ n: bigint }>(
          `SELECT count(*) AS n FROM share_taxii_entries WHERE ${where.join(' AND ')}`,
          params,
        )
        await this.db.run(`DELETE FROM share_taxii_entries WHERE ${where.join(' AND ')}`, params)
        await this.db.run(
          `UPDATE share_taxii_entries SET is_first = (version_us = m.mn), is_last = (version_us = m.mx)
          FROM (SELECT min(version_us) AS mn, max(version_us) AS mx FROM share_taxii_entries
                WHERE collection_id = ? AND id = ?) m
          WHERE collection_id = ? AND id = ?`,
          [collectionId, id, collectionId, id],
        )
        return Number(n?.n ?? 0)
      }),
    )
  }

  /** Keep a status resource (TAXII: at least 24 hours; kept here until the file is removed). */
  async saveStatus(status: { id: string }): Promise<void> {
    await this.serial(() =>
      this.db.run('INSERT INTO share_taxii_status VALUES (?, ?, ?)', [
        status.id,
        JSON.stringify(status),
        new Date().toISOString(),
      ]),
    )
  }

  /** A status resource by id, or null. */
  async status(id: string): Promise<Record<string, unknown> | null> {
    const r = await this.serial(() =>
      this.db.one<{ json: string }>('SELECT json FROM share_taxii_status WHERE id = ?', [id]),
    )
    return r ? (JSON.parse(r.json) as Record<string, unknown>) : null
  }

  /** The versions of one object visible at `maxTlp`, in date_added order. */
  async versions(collectionId: string, id: string, maxTlp: Tlp): Promise<TaxiiEntry[]> {
    const rows = await this.serial(() =>
      this.db.all<Row>(
        `SELECT id, type, version, spec_version, date_added_us, tlp_rank FROM share_taxii_entries
        WHERE collection_id = ? AND id = ? AND tlp_rank <= ? ORDER BY date_added_us`,
        [collectionId, id, rank(maxTlp)],
      ),
    )
    return rows.map(entryOf)
  }
}

function entryOf(r: Row): TaxiiEntry {
  const dateAdded = taxiiTsOfMicros(Number(r.date_added_us))
  return {
    id: r.id,
    type: r.type,
    version: r.version ?? dateAdded,
    specVersion: r.spec_version,
    dateAdded,
    tlp: tlpLevels[r.tlp_rank]!,
    ...(r.json !== undefined ? { json: r.json } : {}),
  }
}

/**
 * Staging of a STIX import in DuckDB, so an import of millions of indicators runs in roughly constant memory and
 * still commits all or nothing. While the bundle streams, received label rows, provenance rows and `indicates`
 * relationships are appended to scratch tables (`share_stage_<n>_*`, outside any transaction, in chunks); nothing
 * touches `intel_labels`. `commit` then writes everything in one transaction with set-based SQL: the actor named
 * by an `indicates` relationship (which may come anywhere in the bundle) is resolved by a join, the natural key is
 * computed in SQL exactly as `naturalKey` does (into a scratch table), already-known statements are dropped by an
 * anti-join (no key set held in JS), label ids follow bundle order. No step sorts or windows the whole import, and
 * DuckDB's memory is capped while the stage is open (`memoryLimit`, spilling beyond), so the import's footprint
 * does not grow with the bundle. `drop` removes the scratch tables whatever happened; a
 * crash mid-import leaves only scratch tables, never a partial import.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { ChunkAppender, type ColKind, sqlType } from '../store/ChunkAppender.js'
import type { HoundStore } from '../store/HoundStore.js'
import { bumpIntelVersion, nextId } from '../store/intelSchema.js'
import { capMemory } from './capMemory.js'

/** One received label before the actor/category/entity that depend on relationships are resolved. */
export type StagedLabel = {
  readonly scope: 'address' | 'cluster'
  readonly chain: string
  readonly address: string
  readonly canonical: string
  /** Category when the object states one; null: 'hacker' when an actor is known, else 'other'. */
  readonly categoryFixed: string | null
  /** Whether our extension states the actor (then `actor` is used even when null), else the linked set's name. */
  readonly actorStated: boolean
  readonly actor: string | null
  /** Entity when stated (extension or indicator name); null: the set's name, else the institution. */
  readonly entity: string | null
  readonly institution: string
  readonly confidence: string
  readonly tlp: string
  readonly validFrom: string | null
  readonly validTo: string | null
  readonly asset: string | null
  /** The indicator id. */
  readonly reference: string
  readonly note: string | null
  readonly amount: string | null
  readonly policy: string | null
}

const LABEL_COLS: [string, ColKind][] = [
  ['seq', 'i64'],
  ['scope', 'str'],
  ['chain', 'str'],
  ['address', 'str'],
  ['canonical', 'str'],
  ['category_fixed', 'str'],
  ['actor_stated', 'bool'],
  ['actor', 'str'],
  ['entity', 'str'],
  ['institution', 'str'],
  ['confidence', 'str'],
  ['tlp', 'str'],
  ['valid_from', 'str'],
  ['valid_to', 'str'],
  ['asset', 'str'],
  ['reference', 'str'],
  ['note', 'str'],
  ['amount', 'str'],
  ['policy', 'str'],
]
const PROV_COLS: [string, ColKind][] = [
  ['institution', 'str'],
  ['object_id', 'str'],
  ['object_modified', 'str'],
  ['orig_source', 'str'],
  ['orig_reference', 'str'],
]
const REL_COLS: [string, ColKind][] = [
  ['seq', 'i64'],
  ['indicator_id', 'str'],
  ['target', 'str'],
]
const SET_COLS: [string, ColKind][] = [
  ['id', 'str'],
  ['name', 'str'],
]

const create = (t: string, cols: [string, ColKind][]) =>
  `CREATE TABLE ${t} (${cols.map(([n, k]) => `${n} ${sqlType[k]}`).join(', ')})`

/** A chunked appender on scratch table `t` with the column kinds of `cols`. */
const appenderFor = async (store: HoundStore, t: string, cols: [string, ColKind][]) =>
  new ChunkAppender(
    await store.appender(t),
    cols.map((c) => c[1]),
    t,
  )

export class ImportStage {
  private seq = 0
  private relSeq = 0
  private labels!: ChunkAppender
  private prov!: ChunkAppender
  private rels!: ChunkAppender
  private readonly t: string
  /** Restores DuckDB's memory_limit (called by drop). */
  private restoreMemory: () => Promise<void> = async () => undefined

  private constructor(private readonly store: HoundStore) {
    this.t = `share_stage_${randomBytes(6).toString('hex')}`
  }

  /** Create the scratch tables and cap DuckDB's memory at `memoryLimitMiB` (default 256) until `drop`. */
  static async open(
    store: HoundStore,
    { memoryLimitMiB = 256 }: { memoryLimitMiB?: number } = {},
  ): Promise<ImportStage> {
    const s = new ImportStage(store)
    s.restoreMemory = await capMemory(store, memoryLimitMiB)
    await store.run(
      [
        create(`${s.t}_labels`, LABEL_COLS),
        create(`${s.t}_prov`, PROV_COLS),
        create(`${s.t}_rels`, REL_COLS),
        create(`${s.t}_sets`, SET_COLS),
      ].join(';\n'),
    )
    s.labels = await appenderFor(store, `${s.t}_labels`, LABEL_COLS)
    s.prov = await appenderFor(store, `${s.t}_prov`, PROV_COLS)
    s.rels = await appenderFor(store, `${s.t}_rels`, REL_COLS)
    return s
  }

  private static put(a: ChunkAppender, c: number, v: string | null): void {
    v === null ? a.null(c) : a.str(c, v)
  }

  /** An `indicates` relationship from an indicator to an intrusion set or threat actor (the last one wins). */
  relation(indicatorId: string, target: string): void {
    this.rels.i64(0, this.relSeq++)
    this.rels.str(1, indicatorId)
    this.rels.str(2, target)
    this.rels.endRow()
  }

  label(l: StagedLabel): void {
    const a = this.labels
    const p = ImportStage.put
    a.i64(0, this.seq++)
    a.str(1, l.scope)
    a.str(2, l.chain)
    a.str(3, l.address)
    a.str(4, l.canonical)
    p(a, 5, l.categoryFixed)
    a.bool(6, l.actorStated)
    p(a, 7, l.actor)
    p(a, 8, l.entity)
    a.str(9, l.institution)
    a.str(10, l.confidence)
    a.str(11, l.tlp)
    p(a, 12, l.validFrom)
    p(a, 13, l.validTo)
    p(a, 14, l.asset)
    a.str(15, l.reference)
    p(a, 16, l.note)
    p(a, 17, l.amount)
    p(a, 18, l.policy)
    a.endRow()
  }

  provenance(
    institution: string,
    objectId: string,
    modified: string,
    origSource: string | null,
    origRef: string | null,
  ) {
    const a = this.prov
    a.str(0, institution)
    a.str(1, objectId)
    a.str(2, modified)
    ImportStage.put(a, 3, origSource)
    ImportStage.put(a, 4, origRef)
    a.endRow()
  }

  /**
   * Write everything in one transaction: labels (known statements skipped), provenance, closes of the peer's own
   * statements, the `intel_imports` row. Returns the counts.
   */
  async commit(
    sets: ReadonlyMap<string, string>,
    o: { via: string; sha256: string | null; objects: number; sources: string; kind?: string },
  ): Promise<{ importId: number; added: number; known: number }> {
    this.labels.close()
    this.prov.close()
    this.rels.close()
    const st = this.store
    const t = this.t
    const setApp = await appenderFor(st, `${t}_sets`, SET_COLS)
    for (const [id, name] of sets) {
      setApp.str(0, id)
      setApp.str(1, name)
      setApp.endRow()
    }
    setApp.close()
    const staged = this.seq
    // resolve actor → category/entity → natural key into a scratch table first (written to the store file, not
    // held in memory), exactly as labels.ts naturalKey (source, scope, chain, canonical, category, entity, reference
    // joined by U+001F); then note the natural keys staged more than once (the first in bundle order wins)
    await st.run(
      `CREATE TABLE ${t}_res AS
      WITH rel AS (SELECT indicator_id, arg_max(target, seq) AS target FROM ${t}_rels GROUP BY indicator_id),
      a AS (
        SELECT l.*, s.name AS set_name, CASE WHEN l.actor_stated THEN l.actor ELSE s.name END AS actor_r
        FROM ${t}_labels l LEFT JOIN rel ON rel.indicator_id = l.reference LEFT JOIN ${t}_sets s ON s.id = rel.target),
      b AS (
        SELECT a.*, 'share:' || institution AS source,
          coalesce(category_fixed, CASE WHEN actor_r IS NOT NULL AND actor_r <> '' THEN 'hacker' ELSE 'other' END)
            AS category_r,
          coalesce(entity, set_name, institution) AS entity_r
        FROM a)
      SELECT b.*, concat_ws(chr(31), source, scope, chain, canonical, category_r, entity_r, reference) AS nk FROM b`,
    )
    await st.run(`CREATE TABLE ${t}_dup AS SELECT nk, min(seq) AS first FROM ${t}_res GROUP BY nk HAVING count(*) > 1`)
    return st.transaction(async () => {
      const importId = await nextId(st, 'intel_imports', 'import_id')
      const firstId = await nextId(st, 'intel_labels', 'label_id')
      const now = new Date().toISOString()
      // label ids follow bundle order (first id + staging sequence; statements already known leave gaps)
      await st.run(
        `INSERT INTO intel_labels
        SELECT ? + seq, nk, scope, chain, address, canonical, category_r, entity_r, actor_r, source, confidence, tlp,
          valid_from, valid_to, asset, reference, note, ?, NULL, amount, policy, ?
        FROM ${t}_res r
        WHERE NOT EXISTS (SELECT 1 FROM ${t}_dup d WHERE d.nk = r.nk AND d.first <> r.seq)
          AND NOT EXISTS (SELECT 1 FROM intel_labels il WHERE il.natural_key = r.nk)`,
        [firstId, importId, now],
      )
      const added = Number(
        (await st.one<{ n: bigint }>('SELECT count(*) AS n FROM intel_labels WHERE import_id = ?', [importId]))?.n ?? 0,
      )
      await st.run(
        `INSERT INTO share_received SELECT ?, institution, object_id, object_modified, orig_source, orig_reference, ?, ?
        FROM ${t}_prov`,
        [importId, o.via, now],
      )
      // a peer closing its own statement (de-listing): close our copy of it too (only rows under the peer's
      // source; the first closing version in bundle order wins, as when applied one by one)
      await st.run(
        `UPDATE intel_labels SET valid_to = c.valid_to
        FROM (SELECT 'share:' || institution AS source, reference, canonical, arg_min(valid_to, seq) AS valid_to
              FROM ${t}_labels WHERE valid_to IS NOT NULL GROUP BY ALL) c
        WHERE intel_labels.source = c.source AND intel_labels.reference = c.reference
          AND intel_labels.canonical = c.canonical AND intel_labels.valid_to IS NULL`,
      )
      await st.run('INSERT INTO intel_imports VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?, 0, now())', [
        importId,
        o.kind ?? 'stix',
        o.sources,
        o.via,
        o.sha256,
        o.objects,
        added,
      ])
      if (added > 0) await bumpIntelVersion(st)
      return { importId, added, known: staged - added }
    })
  }

  /** Drop the scratch tables and restore the memory limit (always call, success or not). */
  async drop(): Promise<void> {
    await this.restoreMemory()
    for (const a of [this.labels, this.prov, this.rels])
      try {
        a?.close()
      } catch {
        // already closed
      }
    await this.store.run(
      ['labels', 'prov', 'rels', 'sets', 'res', 'dup'].map((s) => `DROP TABLE IF EXISTS ${this.t}_${s}`).join(';\n'),
    )
  }
}

/**
 * Store and read detector alerts (`detect_alerts`, see detectSchema.ts). Saving is idempotent per (kind, key):
 * a re-run replaces the row but keeps its `first_seen`.
 * @module
 */
import type { Alert, AlertKind } from '../detect/Alert.js'
import { ensureDetectSchema, hasDetectSchema } from './detectSchema.js'
import type { HoundStore } from './HoundStore.js'

export type StoredAlert = Alert & { firstSeen: string; updated: string }

const BATCH = 200

/** Insert or replace `alerts`; returns how many were new (kind, key) pairs. */
export async function saveAlerts(
  store: HoundStore,
  alerts: readonly Alert[],
): Promise<{ added: number; updated: number }> {
  await ensureDetectSchema(store)
  const before = Number((await store.one<{ n: bigint }>('SELECT count(*) AS n FROM detect_alerts'))?.n ?? 0)
  await store.transaction(async () => {
    for (let k = 0; k < alerts.length; k += BATCH) {
      const part = alerts.slice(k, k + BATCH)
      const params: (string | number)[] = []
      for (const a of part) {
        params.push(a.kind, a.key, a.code, a.confidence, a.height, a.time, JSON.stringify(a.txids))
        params.push(JSON.stringify(a.addresses), JSON.stringify(a.evidence))
      }
      await store.run(
        `INSERT INTO detect_alerts
         SELECT v.*, now()::TIMESTAMP, now()::TIMESTAMP FROM (VALUES ${part.map(() => '(?, ?, ?, ?::DOUBLE, ?::INTEGER, ?::BIGINT, ?, ?, ?)').join(', ')}) v
         ON CONFLICT (kind, key) DO UPDATE SET code = excluded.code, confidence = excluded.confidence,
           height = excluded.height, time = excluded.time, txids = excluded.txids, addresses = excluded.addresses,
           evidence = excluded.evidence, updated = excluded.updated`,
        params,
      )
    }
  })
  const after = Number((await store.one<{ n: bigint }>('SELECT count(*) AS n FROM detect_alerts'))?.n ?? 0)
  return { added: after - before, updated: alerts.length - (after - before) }
}

type Row = {
  kind: string
  key: string
  code: string
  confidence: number
  height: number
  time: bigint | number
  txids: string
  addresses: string
  evidence: string
  first_seen: unknown
  updated: unknown
}

export type ListAlertsOptions = { kinds?: readonly AlertKind[]; since?: number; minConfidence?: number; limit?: number }

const isoTime = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v))

/** Stored alerts, by height then kind then key; [] when nothing was ever stored. */
export async function listAlerts(store: HoundStore, o: ListAlertsOptions = {}): Promise<StoredAlert[]> {
  if (!(await hasDetectSchema(store))) return []
  const where: string[] = []
  const params: (string | number)[] = []
  if (o.kinds?.length) {
    where.push(`kind IN (${o.kinds.map(() => '?').join(',')})`)
    params.push(...o.kinds)
  }
  if (o.since !== undefined) {
    where.push('height >= ?::INTEGER')
    params.push(o.since)
  }
  if (o.minConfidence !== undefined) {
    where.push('confidence >= ?::DOUBLE')
    params.push(o.minConfidence)
  }
  const rows = await store.all<Row>(
    `SELECT * FROM detect_alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY height, kind, key ${o.limit !== undefined ? `LIMIT ${Math.floor(o.limit)}` : ''}`,
    params,
  )
  return rows.map((r) => ({
    kind: r.kind as AlertKind,
    code: r.code,
    key: r.key,
    txids: JSON.parse(r.txids) as string[],
    addresses: JSON.parse(r.addresses) as string[],
    confidence: r.confidence,
    evidence: JSON.parse(r.evidence) as Record<string, unknown>,
    height: r.height,
    time: Number(r.time),
    firstSeen: isoTime(r.first_seen),
    updated: isoTime(r.updated),
  }))
}

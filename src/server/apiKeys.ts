/**
 * API keys for `hound serve`: one per institution, created with `hound keys create --name <institution>` and
 * printed once. Only the key's SHA-256 is stored. Each key carries its rate limit (token bucket: `ratePerSec`
 * refill, `burst` capacity) and rights used by route modules: `canRead` (screening), `canWrite` (submitting
 * intelligence, e.g. a TAXII POST) and `maxTlp` (the most restricted TLP it may receive).
 * @module
 */
import { createHash, randomBytes } from 'node:crypto'
import { InvalidInputError, NotFoundError } from '../core/errors.js'
import { type Tlp, tlpLevels } from '../core/model.js'
import type { HoundStore } from '../store/HoundStore.js'
import { ensureIntelSchema, hasIntelTable } from '../store/intelSchema.js'

export type ApiKeyRecord = {
  readonly keyId: string
  readonly name: string
  readonly keyHash: string
  readonly ratePerSec: number
  readonly burst: number
  readonly canRead: boolean
  readonly canWrite: boolean
  readonly maxTlp: Tlp
  readonly createdAt: string
  readonly revokedAt: string | null
}

export type CreateApiKeyOptions = {
  readonly name: string
  readonly ratePerSec?: number
  readonly burst?: number
  readonly canRead?: boolean
  readonly canWrite?: boolean
  readonly maxTlp?: Tlp
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

/** Create a key. The plaintext `key` is returned once and never stored. */
export async function createApiKey(
  store: HoundStore,
  o: CreateApiKeyOptions,
): Promise<{ key: string; record: ApiKeyRecord }> {
  const name = o.name.trim()
  if (!name || name.length > 200) throw new InvalidInputError('key name must be 1–200 characters')
  const ratePerSec = o.ratePerSec ?? 1000
  const burst = o.burst ?? Math.max(1, Math.ceil(ratePerSec * 2))
  if (!(ratePerSec > 0) || !(burst >= 1)) throw new InvalidInputError('rate and burst must be positive')
  const maxTlp = o.maxTlp ?? 'clear'
  if (!tlpLevels.includes(maxTlp)) throw new InvalidInputError(`unknown TLP ${maxTlp}`)
  await ensureIntelSchema(store)
  const keyId = randomBytes(6).toString('hex')
  const key = `hk_${keyId}_${randomBytes(24).toString('base64url')}`
  const record: ApiKeyRecord = {
    keyId,
    name,
    keyHash: hashApiKey(key),
    ratePerSec,
    burst,
    canRead: o.canRead ?? true,
    canWrite: o.canWrite ?? false,
    maxTlp,
    createdAt: new Date().toISOString(),
    revokedAt: null,
  }
  await store.run('INSERT INTO intel_api_keys VALUES (?, ?, ?, ?, ?, ?, ?, ?, now(), NULL)', [
    keyId,
    name,
    record.keyHash,
    ratePerSec,
    burst,
    record.canRead,
    record.canWrite,
    maxTlp,
  ])
  return { key, record }
}

type KeyRow = {
  key_id: string
  name: string
  key_hash: string
  rate_per_sec: number
  burst: number
  can_read: boolean
  can_write: boolean
  max_tlp: string
  created_at: Date | string
  revoked_at: Date | string | null
}

const iso = (d: Date | string | null) => (d === null ? null : d instanceof Date ? d.toISOString() : String(d))

/** Every key (read-only: none before the first `keys create`). */
export async function listApiKeys(store: HoundStore): Promise<ApiKeyRecord[]> {
  if (!(await hasIntelTable(store, 'intel_api_keys'))) return []
  const rows = await store.all<KeyRow>('SELECT * FROM intel_api_keys ORDER BY created_at, key_id')
  return rows.map((r) => ({
    keyId: r.key_id,
    name: r.name,
    keyHash: r.key_hash,
    ratePerSec: Number(r.rate_per_sec),
    burst: Number(r.burst),
    canRead: r.can_read,
    canWrite: r.can_write,
    maxTlp: r.max_tlp as Tlp,
    createdAt: iso(r.created_at) ?? '',
    revokedAt: iso(r.revoked_at),
  }))
}

export async function revokeApiKey(store: HoundStore, keyId: string): Promise<void> {
  await ensureIntelSchema(store)
  const r = await store.one('SELECT key_id FROM intel_api_keys WHERE key_id = ?', [keyId])
  if (!r) throw new NotFoundError(`no API key with id ${keyId}`, { details: { keyId } })
  await store.run('UPDATE intel_api_keys SET revoked_at = now() WHERE key_id = ? AND revoked_at IS NULL', [keyId])
}

/** In-memory key lookup for the server (hash → record), loaded at start. */
export class ApiKeyRegistry {
  private readonly byHash = new Map<string, ApiKeyRecord>()
  /** Valid keys already seen (plaintext → record), so the hot path skips the SHA-256; bounded by the key count. */
  private readonly seen = new Map<string, ApiKeyRecord>()

  constructor(records: readonly ApiKeyRecord[]) {
    for (const r of records) if (r.revokedAt === null) this.byHash.set(r.keyHash, r)
  }

  static async load(store: HoundStore): Promise<ApiKeyRegistry> {
    return new ApiKeyRegistry(await listApiKeys(store))
  }

  get size(): number {
    return this.byHash.size
  }

  /** The active key record for a plaintext key, or null (unknown or revoked). */
  verify(key: string): ApiKeyRecord | null {
    const hit = this.seen.get(key)
    if (hit) return hit
    if (key.length < 8 || key.length > 200) return null
    const rec = this.byHash.get(hashApiKey(key)) ?? null
    if (rec) this.seen.set(key, rec)
    return rec
  }
}

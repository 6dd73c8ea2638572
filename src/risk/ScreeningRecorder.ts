/**
 * Records screening results for `hound rescreen`: (address, result hash, risk, categories, data version, key, time).
 * The server calls `record` on the hot path (a Map write); rows are appended to the store in the background by
 * `flush` (every second in `hound serve`), one row per address whose answer changed since it was last recorded.
 * @module
 */
import { ChunkAppender } from '../store/ChunkAppender.js'
import type { HoundStore } from '../store/HoundStore.js'
import { ensureIntelSchema } from '../store/intelSchema.js'
import type { ScreenResult } from './Screener.js'

type Pending = {
  address: string
  canonical: string
  hash: string
  risk: string
  summary: string
  version: string
  keyId: string | null
  at: string
}

export class ScreeningRecorder {
  private pending = new Map<string, Pending>()
  private readonly lastHash = new Map<string, string>()

  /** `store`: where `flush()` writes by default (a server that does not hold the store passes one to `flush`). */
  constructor(private readonly store: HoundStore | null = null) {}

  record(r: ScreenResult, keyId: string | null): void {
    const k = `${r.maxTlp}|${r.canonical}`
    if (this.lastHash.get(k) === r.resultHash) return
    this.lastHash.set(k, r.resultHash)
    this.pending.set(k, {
      address: r.address,
      canonical: r.canonical,
      hash: r.resultHash,
      risk: r.risk,
      summary: JSON.stringify({
        risk: r.risk,
        categories: r.categories,
        score: r.exposure?.score ?? null,
        maxTlp: r.maxTlp,
      }),
      version: JSON.stringify(r.dataVersion),
      keyId,
      at: new Date().toISOString(),
    })
  }

  get pendingCount(): number {
    return this.pending.size
  }

  /**
   * Append pending rows to `intel_screenings` (atomically). On failure the rows stay pending for the next flush
   * (at most `maxPending` addresses are kept; the oldest are dropped beyond that).
   */
  async flush(target: HoundStore | null = this.store, maxPending = 100_000): Promise<number> {
    if (this.pending.size === 0) return 0
    if (!target) throw new Error('ScreeningRecorder.flush: no store')
    const store = target
    const entries = [...this.pending]
    const rows = entries.map((e) => e[1])
    this.pending = new Map()
    try {
      await this.write(store, rows)
    } catch (e) {
      const merged = new Map(entries)
      for (const [k, v] of this.pending) merged.set(k, v)
      const keep = [...merged].slice(-maxPending)
      this.pending = new Map(keep)
      throw e
    }
    return rows.length
  }

  private async write(store: HoundStore, rows: Pending[]): Promise<void> {
    await ensureIntelSchema(store)
    await store.transaction(async () => {
      const app = new ChunkAppender(
        await store.appender('intel_screenings'),
        ['str', 'str', 'str', 'str', 'str', 'str', 'str', 'str'],
        'intel_screenings',
      )
      for (const p of rows) {
        app.str(0, p.address)
        app.str(1, p.canonical)
        app.str(2, p.hash)
        app.str(3, p.risk)
        app.str(4, p.summary)
        app.str(5, p.version)
        if (p.keyId === null) app.null(6)
        else app.str(6, p.keyId)
        app.str(7, p.at)
        app.endRow()
      }
      app.close()
    })
  }
}

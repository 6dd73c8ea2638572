/**
 * `hound rescreen`: re-evaluate every previously screened address against the current intelligence and chain
 * data, and list those whose answer changed (a new OFAC issue, a de-listing, a new incident…). The new answers
 * are recorded, so the next run lists only newer changes (unless `dryRun`).
 * @module
 */
import type { Tlp } from '../core/model.js'
import type { HoundStore } from '../store/HoundStore.js'
import { ensureIntelSchema } from '../store/intelSchema.js'
import { isScreenError, type Screener, type ScreenResult } from './Screener.js'
import { ScreeningRecorder } from './ScreeningRecorder.js'

export type RescreenChange = {
  readonly address: string
  readonly before: {
    readonly risk: string
    readonly categories: readonly string[]
    readonly dataVersion: unknown
    readonly screenedAt: string
  }
  readonly after: { readonly risk: string; readonly categories: readonly string[]; readonly dataVersion: unknown }
  readonly labelsNow: ScreenResult['labels']
}

export type RescreenReport = { readonly checked: number; readonly changed: readonly RescreenChange[] }

type Row = {
  address: string
  canonical: string
  result_hash: string
  result_json: string
  data_version: string
  screened_at: string
}

export async function rescreen(
  store: HoundStore,
  screener: Screener,
  opts: { dryRun?: boolean } = {},
): Promise<RescreenReport> {
  await ensureIntelSchema(store)
  const rows = await store.all<Row>(
    `SELECT canonical, arg_max(address, screened_at) AS address, arg_max(result_hash, screened_at) AS result_hash,
            arg_max(result_json, screened_at) AS result_json, arg_max(data_version, screened_at) AS data_version,
            max(screened_at) AS screened_at
     FROM intel_screenings GROUP BY canonical ORDER BY canonical`,
  )
  const recorder = new ScreeningRecorder(store)
  const changed: RescreenChange[] = []
  for (const r of rows) {
    const before = JSON.parse(r.result_json) as { risk: string; categories: string[]; maxTlp?: Tlp }
    // re-evaluate under the TLP ceiling the address was screened with
    const now = screener.screen(r.address, before.maxTlp ?? 'red')
    if (isScreenError(now) || now.resultHash === r.result_hash) continue
    changed.push({
      address: r.address,
      before: {
        risk: before.risk,
        categories: before.categories,
        dataVersion: JSON.parse(r.data_version),
        screenedAt: r.screened_at,
      },
      after: { risk: now.risk, categories: now.categories, dataVersion: now.dataVersion },
      labelsNow: now.labels,
    })
    recorder.record(now, null)
  }
  if (!opts.dryRun) await recorder.flush()
  return { checked: rows.length, changed }
}

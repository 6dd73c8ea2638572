/**
 * Read the simulator's ground truth for tracing (docs/simulator.md): DIR/truth/incidents.jsonl, flows.jsonl and
 * labels.jsonl. Malformed lines are an InvalidInputError naming the file and line.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { InvalidInputError, NotFoundError } from '../../core/errors.js'
import { type LabelCategory, labelCategories } from '../../core/model.js'

export type TruthIncident = {
  incident: string
  name: string
  stolenOutputs: string[]
  stolenAmount: number
  feesPaid: number
  coinjoin: boolean
  height?: number
  time?: number
}

export type FlowKind = 'exchange_deposit' | 'mixer' | 'bridge' | 'otc' | 'coinjoin' | 'unspent' | 'other'

export type TruthFlow = {
  incident: string
  txid: string
  vout: number
  address: string | null
  entity: string
  entityType: string
  kind: FlowKind
  amount: number
  hops: number
}

export type TruthLabel = { address: string; category: LabelCategory; entity: string }

export type Truth = { incidents: TruthIncident[]; flows: TruthFlow[]; labels: TruthLabel[] }

function readJsonl<T>(file: string, check: (v: Record<string, unknown>) => boolean, required = true): T[] {
  if (!existsSync(file)) {
    if (!required) return []
    throw new NotFoundError(`truth file ${file} does not exist`, { details: { file } })
  }
  const out: T[] = []
  const lines = readFileSync(file, 'utf8').split('\n')
  lines.forEach((line, k) => {
    if (line.trim() === '') return
    let v: unknown
    try {
      v = JSON.parse(line)
    } catch (e) {
      throw new InvalidInputError(`${file}:${k + 1}: not JSON (${(e as Error).message})`, {
        details: { file, line: k + 1 },
      })
    }
    if (typeof v !== 'object' || v === null || !check(v as Record<string, unknown>)) {
      throw new InvalidInputError(`${file}:${k + 1}: unexpected record`, { details: { file, line: k + 1 } })
    }
    out.push(v as T)
  })
  return out
}

export function readTruth(dir: string): Truth {
  const base = existsSync(join(dir, 'truth')) ? join(dir, 'truth') : dir
  const incidents = readJsonl<TruthIncident>(
    join(base, 'incidents.jsonl'),
    (v) => typeof v.incident === 'string' && Array.isArray(v.stolenOutputs) && Number.isInteger(v.stolenAmount),
  )
  const flows = readJsonl<TruthFlow>(
    join(base, 'flows.jsonl'),
    (v) =>
      typeof v.incident === 'string' &&
      typeof v.txid === 'string' &&
      Number.isInteger(v.vout) &&
      Number.isInteger(v.amount) &&
      typeof v.kind === 'string',
  )
  const labels = readJsonl<TruthLabel>(
    join(base, 'labels.jsonl'),
    (v) => typeof v.address === 'string' && labelCategories.includes(v.category as LabelCategory),
    false,
  )
  return { incidents, flows, labels }
}

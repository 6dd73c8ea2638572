/**
 * Human and CSV renderings of a trace result (the JSON is the result itself).
 * @module
 */
import { formatBtc, formatTable } from '../cli/context.js'
import type { Endpoint } from './buildPolicyResult.js'
import { isMultiTrace, policyResults, type TraceResult } from './runTrace.js'

const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z')

/** RFC 4180 field quoting. */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return ''
  const s = String(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export const endpointCsvHeader = [
  'policy',
  'address',
  'cluster',
  'label',
  'category',
  'amount_sat',
  'hops',
  'reason',
  'first_time',
  'last_time',
  'probabilistic',
  'outputs',
  'path',
] as const

export function endpointCsvRow(policy: string, e: Endpoint): string {
  return [
    policy,
    e.address,
    e.cluster,
    e.label,
    e.category,
    e.amount,
    e.hops,
    e.reason,
    iso(e.firstTime),
    iso(e.lastTime),
    e.probabilistic,
    e.outputs.join(' '),
    e.path.join(' '),
  ]
    .map(csvField)
    .join(',')
}

/** One CSV of every policy's endpoints. */
export function traceToCsv(r: TraceResult): string {
  const lines = [endpointCsvHeader.join(',')]
  for (const p of policyResults(r)) for (const e of p.endpoints) lines.push(endpointCsvRow(p.policy, e))
  return `${lines.join('\n')}\n`
}

export function traceToText(r: TraceResult, limit = 25): string {
  const out: string[] = []
  const params = r.params
  out.push(
    `trace ${params.direction} from ${r.seeds.map((s) => s.seed).join(', ')}  (max hops ${params.maxHops}, min ${params.minAmount} sat, services ${params.stopAtServices ? 'stop' : 'followed'}, coinjoin ${params.coinjoin}, ${params.feeConvention})`,
  )
  for (const p of policyResults(r)) {
    out.push('')
    out.push(
      `${p.policy}: ${formatBtc(p.taintedIn)} BTC seeded → ${p.endpoints.length} endpoints holding ${formatBtc(p.stats.endpointAmount)} BTC, fees ${formatBtc(p.fees.total)} BTC; ${p.stats.txsEvaluated} txs in ${p.stats.ms.toFixed(1)} ms`,
    )
    const rows = p.endpoints
      .slice(0, limit)
      .map((e) => [
        e.address ?? e.outputs[0] ?? '?',
        e.label ? `${e.label} (${e.category})` : null,
        formatBtc(e.amount),
        e.hops,
        e.reason + (e.probabilistic ? '*' : ''),
        iso(e.lastTime),
      ])
    out.push(formatTable(['endpoint', 'label', 'amount (BTC)', 'hops', 'reason', 'last'], rows))
    if (p.endpoints.length > limit) out.push(`… ${p.endpoints.length - limit} more (use --json or --csv)`)
  }
  if (isMultiTrace(r)) {
    const c = r.comparison
    out.push('')
    out.push(`endpoints reached by every policy: ${c.everyPolicy.length}; by any policy: ${c.anyPolicy.length}`)
  }
  return `${out.join('\n')}\n`
}
